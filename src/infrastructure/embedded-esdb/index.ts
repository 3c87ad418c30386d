/**
 * Public entry of the embedded EventStoreDB-compatible server (gRPC, for @eventstore/db-client 6.2.1) that persists
 * to one SQLite file. This folder imports nothing else from src/.
 */
import { startServer } from './server.js';
import type { Durability } from './storage.js';

export { EventStoreFileError, type Durability } from './storage.js';

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
}

export interface EmbeddedEventStore {
  readonly host: string;
  readonly port: number;
  /** `esdb://host:port?tls=false` */
  readonly connectionString: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 2113;
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

export async function startEmbeddedEventStore(options: EmbeddedEventStoreOptions): Promise<EmbeddedEventStore> {
  const host = options.host ?? '127.0.0.1';
  const running = await startServer({
    dbPath: options.dbPath,
    host,
    port: options.port ?? DEFAULT_PORT,
    durability: options.durability ?? 'full',
    maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
  });
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    host,
    port: running.port,
    connectionString: `esdb://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${running.port}?tls=false`,
    close: running.close,
  };
}
