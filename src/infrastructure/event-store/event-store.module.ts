import { EventStoreDBClient } from '@eventstore/db-client';
import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import fs from 'node:fs';
import path from 'node:path';
import { AppConfig } from '../../config/app-config.js';
import { Clock, SystemClock } from '../../shared/domain/clock.js';
import { type EmbeddedEventStore, startEmbeddedEventStore } from '../embedded-esdb/index.js';
import { CommandStore } from './command-store.js';
import { EVENT_STORE_CLIENT } from './event-store.tokens.js';
import { ReferenceChecker } from './reference-checker.js';

export { EVENT_STORE_CLIENT } from './event-store.tokens.js';

/**
 * Owns the one @eventstore/db-client instance. Without EVENTSTORE_URL it first starts the embedded
 * EventStoreDB-compatible server on a loopback port, so the same client code path runs in both modes.
 */
@Injectable()
export class EventStoreConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('EventStore');
  private embedded?: EmbeddedEventStore;
  private _client?: EventStoreDBClient;
  private _description = '';

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  async connect(): Promise<void> {
    if (this.config.EVENTSTORE_URL) {
      this._client = EventStoreDBClient.connectionString(this.config.EVENTSTORE_URL);
      this._description = this.config.EVENTSTORE_URL.replace(/\/\/[^@/]*@/, '//***@');
    } else {
      fs.mkdirSync(path.dirname(this.config.eventsDbPath), { recursive: true });
      // The server runs in its own worker thread: its SQLite commits (fsync) never block this event loop.
      this.embedded = await startEmbeddedEventStore({
        dbPath: this.config.eventsDbPath,
        host: '127.0.0.1',
        port: 0,
        thread: 'worker',
        onFailure: (error) => this.logger.error(error.message),
      });
      this._client = EventStoreDBClient.connectionString(this.embedded.connectionString);
      this._description = `embedded ${this.embedded.connectionString} (${this.config.eventsDbPath})`;
    }
    this.logger.log(`event store: ${this._description}`);
  }

  get client(): EventStoreDBClient {
    if (!this._client) throw new Error('EventStoreConnection used before connect()');
    return this._client;
  }

  get description(): string {
    return this._description;
  }

  /** What another client (the projection worker's) connects with: EVENTSTORE_URL, or the embedded server's. */
  get connectionString(): string {
    const url = this.config.EVENTSTORE_URL ?? this.embedded?.connectionString;
    if (!url) throw new Error('EventStoreConnection used before connect()');
    return url;
  }

  async onApplicationShutdown(): Promise<void> {
    await this._client?.dispose();
    await this.embedded?.close();
  }
}

@Global()
@Module({
  providers: [
    EventStoreConnection,
    {
      provide: EVENT_STORE_CLIENT,
      inject: [EventStoreConnection],
      useFactory: async (connection: EventStoreConnection) => {
        await connection.connect();
        return connection.client;
      },
    },
    // The clock that stamps recorded time; tests override it.
    { provide: Clock, useClass: SystemClock },
    CommandStore,
    ReferenceChecker,
  ],
  exports: [EventStoreConnection, EVENT_STORE_CLIENT, Clock, CommandStore, ReferenceChecker],
})
export class EventStoreModule {}
