/**
 * Public entry of the embedded EventStoreDB-compatible server. This folder imports nothing else from src/.
 * (Placeholder signature; the implementation lives beside it.)
 */
export interface EmbeddedEventStoreOptions {
  /** SQLite file; created if missing. */
  dbPath: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 2113. */
  port?: number;
}

export interface EmbeddedEventStore {
  readonly host: string;
  readonly port: number;
  /** `esdb://host:port?tls=false` */
  readonly connectionString: string;
  close(): Promise<void>;
}

export declare function startEmbeddedEventStore(options: EmbeddedEventStoreOptions): Promise<EmbeddedEventStore>;
