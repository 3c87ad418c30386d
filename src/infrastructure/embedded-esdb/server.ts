import { Server, ServerCredentials, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { Worker } from 'node:worker_threads';
import { decodeBatchAppendRequest } from './batch-append-decoding.js';
import { compiledEntry } from './entries.js';
import { EventLog } from './event-log.js';
import { ServerFeaturesService, StreamsService, SupportedMethod, SupportedMethods } from './proto.js';
import { LiveHub, ReadService } from './reads.js';
import { type Durability, EventStorage, EventStoreFileError } from './storage.js';
import { WriteService } from './writes.js';

/** Wires storage, the event log and the gRPC services into one server. */

export const SERVER_VERSION = '24.10.0';
const STREAMS_SERVICE = 'event_store.client.streams.streams';

export interface EmbeddedServerOptions {
  readonly dbPath: string;
  readonly host: string;
  readonly port: number;
  readonly durability: Durability;
  readonly maxAppendSize: number;
  readonly writeTimeoutMs: number;
  /** Existing files larger than this are fully checked in the background (default STARTUP_CHECK_MAX_BYTES). */
  readonly startupCheckMaxBytes?: number;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /**
   * Settles when the file's full integrity check is done: at once for new and small files (checked before start),
   * after a background `quick_check` for large ones, during which reads are served and writes wait. Rejects with
   * EventStoreFileError when the file is damaged; every write is then refused.
   */
  readonly integrity: Promise<void>;
  close(): Promise<void>;
}

/** `PRAGMA quick_check` in a worker thread, so that the server's thread keeps serving reads meanwhile. */
function checkInBackground(dbPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(compiledEntry('integrity-check', import.meta.url), { workerData: { dbPath }, name: 'embedded-esdb-check' });
    } catch (error) {
      reject(error);
      return;
    }
    let settled = false;
    worker.once('message', (result: { ok: boolean; message?: string }) => {
      settled = true;
      if (result.ok) resolve();
      else reject(new EventStoreFileError(result.message ?? `${dbPath} is corrupt`));
    });
    worker.once('error', (error) => {
      if (!settled) reject(new EventStoreFileError(`${dbPath}: integrity check failed: ${error.message}`));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new EventStoreFileError(`${dbPath}: integrity check ended with code ${code}`));
    });
  });
}

function supportedMethods(): InstanceType<typeof SupportedMethods> {
  const result = new SupportedMethods();
  const add = (service: string, method: string, features: string[] = []) => {
    const entry = new SupportedMethod();
    entry.setServiceName(service);
    entry.setMethodName(method);
    entry.setFeaturesList(features);
    result.addMethods(entry);
  };
  // Never advertise BatchAppend's `deadline_duration`: client 6.2.1 sends a Timestamp deadline.
  add(STREAMS_SERVICE, 'read', ['position', 'events']);
  add(STREAMS_SERVICE, 'append');
  add(STREAMS_SERVICE, 'batchappend');
  add(STREAMS_SERVICE, 'delete');
  add(STREAMS_SERVICE, 'tombstone');
  add('event_store.client.server_features.serverfeatures', 'getsupportedmethods');
  result.setEventStoreServerVersion(SERVER_VERSION);
  return result;
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

export async function startServer(options: EmbeddedServerOptions): Promise<RunningServer> {
  const storage = new EventStorage({ dbPath: options.dbPath, durability: options.durability, startupCheckMaxBytes: options.startupCheckMaxBytes });
  const log = new EventLog(storage);
  const integrity = storage.integrityPending ? checkInBackground(options.dbPath) : Promise.resolve();
  // Handled by whoever reads `integrity`; the log refuses writes on its own.
  integrity.catch(() => undefined);
  if (storage.integrityPending) log.holdWritesUntil(integrity);
  const hub = new LiveHub(log);
  const reads = new ReadService(log, hub);
  const writes = new WriteService(log, { maxAppendSize: options.maxAppendSize, writeTimeoutMs: options.writeTimeoutMs });

  const server = new Server({
    // Classic Append sends one event per message, and an event may be up to 16 MiB.
    'grpc.max_receive_message_length': 17 * 1024 * 1024 + 64 * 1024,
    'grpc.max_send_message_length': 17 * 1024 * 1024 + 64 * 1024,
    // The client pings every 10 s, also while no call is active.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 1000,
  });
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<InstanceType<typeof SupportedMethods>>) =>
      callback(null, supportedMethods()),
  });
  // BatchAppend requests are decoded by hand (the hot path); every other message uses the generated classes.
  const streamsService = {
    ...StreamsService,
    batchAppend: { ...StreamsService.batchAppend, requestDeserialize: decodeBatchAppendRequest },
  };
  server.addService(streamsService, {
    read: reads.handle.bind(reads),
    append: writes.append.bind(writes),
    batchAppend: writes.batchAppend.bind(writes),
    delete: writes.delete.bind(writes),
    tombstone: writes.tombstone.bind(writes),
  });

  let port: number;
  try {
    port = await bind(server, `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`);
  } catch (error) {
    storage.close();
    throw error;
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Answer every write already received, then stop the transport, then close SQLite (checkpoints the WAL).
      await log.drainAndClose();
      hub.closeAll();
      writes.endBatchCalls();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 500);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      storage.close();
    })());

  return { host: options.host, port, integrity, close };
}
