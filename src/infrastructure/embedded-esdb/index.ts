/**
 * Public entry of the embedded EventStoreDB-compatible server (gRPC, for @eventstore/db-client 6.2.1) that persists
 * to one SQLite file. This folder imports nothing else from src/.
 */
import { Worker } from 'node:worker_threads';
import { compiledEntry } from './entries.js';
import { type EmbeddedServerOptions, startServer } from './server.js';
import { type Durability, EventStoreFileError } from './storage.js';
import type { ToHost, ToWorker } from './worker.js';

export { EventStoreFileError, type Durability, STARTUP_CHECK_MAX_BYTES } from './storage.js';

/**
 * `worker` (default): the server runs in its own worker thread, so SQLite commits (fsync), protobuf encoding and
 * decoding never block the host's event loop and use another core. `inline`: in the caller's thread (the standalone
 * process, where nothing else runs).
 */
export type EmbeddedThread = 'worker' | 'inline';

export interface EmbeddedEventStoreOptions {
  /** SQLite file; created if missing. A foreign or corrupt file is refused and never modified. */
  dbPath: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 2113. */
  port?: number;
  /**
   * `full` (default): SQLite synchronous=FULL, every acknowledged append survives a power loss.
   * `normal`: synchronous=NORMAL in WAL mode, survives a process crash but the last commits may be lost on power loss.
   */
  durability?: Durability;
  /** Bytes of event data + user metadata per append. Default 1,048,576, as EventStoreDB. */
  maxAppendSize?: number;
  /** Longest an append may wait to be written, whatever the client's deadline. Default 10,000 ms. */
  writeTimeoutMs?: number;
  /** Default `worker`. */
  thread?: EmbeddedThread;
  /**
   * Existing files up to this size are fully checked (`PRAGMA quick_check`, ≈ 0.7 s per million events) before the
   * server listens; larger ones in the background, see `integrity`. Default 64 MiB.
   */
  startupCheckMaxBytes?: number;
  /**
   * Called once if the server fails after startup: its worker thread ended without close() having been asked (an
   * uncaught error; clients then see UNAVAILABLE), or a large file failed its background integrity check (every
   * write is refused; see `integrity`). Without it the failure is reported with process.emitWarning.
   */
  onFailure?: (error: Error) => void;
}

export interface EmbeddedEventStore {
  readonly host: string;
  readonly port: number;
  /** `esdb://host:port?tls=false` */
  readonly connectionString: string;
  readonly thread: EmbeddedThread;
  /**
   * Settles when the file's full integrity check is done: before startup for new files and files up to 64 MiB; in
   * the background for larger ones (reads are served meanwhile, writes wait). Rejects with EventStoreFileError
   * when the file is damaged: every write is then refused. Worker mode: resolves if the store is closed before the
   * check finished, rejects with the failure if the thread dies.
   */
  readonly integrity: Promise<void>;
  /**
   * Answers the writes already received, ends subscriptions and BatchAppend calls with UNAVAILABLE, stops the
   * transport and closes the file; in worker mode also waits for the thread to end.
   */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 2113;
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;
/** Longest close() waits for the worker thread to end by itself after a graceful close, before terminating it. */
const WORKER_EXIT_GRACE_MS = 5_000;

/** Errors already reported through onFailure (a dead worker's, also rejecting `integrity`). */
const reported = new WeakSet<Error>();

/** Test hook: the Worker behind a store started in worker mode. */
const workers = new WeakMap<EmbeddedEventStore, Worker>();
export function workerOf(store: EmbeddedEventStore): Worker | undefined {
  return workers.get(store);
}

export async function startEmbeddedEventStore(options: EmbeddedEventStoreOptions): Promise<EmbeddedEventStore> {
  const host = options.host ?? '127.0.0.1';
  const serverOptions: EmbeddedServerOptions = {
    dbPath: options.dbPath,
    host,
    port: options.port ?? DEFAULT_PORT,
    durability: options.durability ?? 'full',
    maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    startupCheckMaxBytes: options.startupCheckMaxBytes,
  };
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const report = (error: Error) => (options.onFailure ? options.onFailure(error) : process.emitWarning(error.message));
  const described: Describe = (port, thread, integrity, close) => {
    integrity.catch((error: Error) => {
      if (!reported.has(error)) report(error);
    });
    return {
      host,
      port,
      connectionString: `esdb://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}?tls=false`,
      thread,
      integrity,
      close,
    };
  };
  if ((options.thread ?? 'worker') === 'inline') {
    const running = await startServer(serverOptions);
    return described(running.port, 'inline', running.integrity, running.close);
  }
  return startInWorker(serverOptions, report, described);
}

// ---- worker mode ---------------------------------------------------------------------------------------------------

/** The worker thread's entry (see entries.ts for how it is found when running from TypeScript sources). */
export function workerEntry(moduleUrl: string = import.meta.url): URL {
  return compiledEntry('worker', moduleUrl);
}

type Describe = (port: number, thread: EmbeddedThread, integrity: Promise<void>, close: () => Promise<void>) => EmbeddedEventStore;

function startInWorker(serverOptions: EmbeddedServerOptions, report: (error: Error) => void, described: Describe): Promise<EmbeddedEventStore> {
  const worker = new Worker(workerEntry(), { workerData: serverOptions, name: 'embedded-esdb' });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let uncaught: Error | undefined;
  let closeError: string | undefined;
  let closeRequested = false;
  let started = false;
  let diedUnexpectedly = false;
  let integrityResult!: { resolve: () => void; reject: (error: Error) => void };
  const integrity = new Promise<void>((resolve, reject) => (integrityResult = { resolve, reject }));

  return new Promise<EmbeddedEventStore>((resolve, reject) => {
    worker.on('error', (error) => {
      uncaught = error;
    });
    worker.on('message', (message: ToHost) => {
      if (message.type === 'listening') {
        started = true;
        let closing: Promise<void> | undefined;
        const close = () =>
          (closing ??= (async () => {
            if (diedUnexpectedly) return; // already reported through onFailure
            closeRequested = true;
            worker.postMessage({ type: 'close' } satisfies ToWorker);
            const timer = setTimeout(() => void worker.terminate(), WORKER_EXIT_GRACE_MS);
            const code = await exited;
            clearTimeout(timer);
            if (closeError) throw new Error(`embedded event store: close failed: ${closeError}`);
            if (code !== 0 && uncaught) throw uncaught;
          })());
        const store = described(message.port, 'worker', integrity, close);
        workers.set(store, worker);
        resolve(store);
      } else if (message.type === 'startup-failed') {
        const error = message.name === 'EventStoreFileError' ? new EventStoreFileError(message.message) : new Error(message.message);
        if (message.name !== 'EventStoreFileError' && message.name !== 'Error') error.name = message.name;
        reject(error);
      } else if (message.type === 'integrity') {
        if (message.ok) integrityResult.resolve();
        else integrityResult.reject(new EventStoreFileError(message.message ?? 'integrity check failed'));
      } else if (message.type === 'close-failed') {
        closeError = message.message;
      }
    });
    void exited.then((code) => {
      if (!started) {
        // Nothing posted (the entry failed to load, or the thread died while starting).
        reject(uncaught ?? new Error(`embedded event store worker exited with code ${code} before listening`));
        return;
      }
      if (closeRequested) {
        // Closed before a background integrity check finished: nothing more can be written to the file.
        integrityResult.resolve();
        return;
      }
      diedUnexpectedly = true;
      const error = new Error(
        `embedded event store worker thread ended unexpectedly (exit code ${code})${uncaught ? `: ${uncaught.stack ?? uncaught.message}` : ''}`,
      );
      reported.add(error);
      report(error);
      integrityResult.reject(error); // no effect once settled
    });
  });
}
