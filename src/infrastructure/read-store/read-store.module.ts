import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { openReadStore, type ReadStoreOptions } from './read-store.factory.js';
import { ReadStore } from './read-store.js';
import { READ_DB } from './read-store.tokens.js';

/**
 * The read store of this configuration. SQLite is opened shared (not `exclusive`) when the projections run in their
 * own thread, which writes through a connection of its own.
 */
export function readStoreOptionsFrom(config: AppConfig): ReadStoreOptions {
  return config.DATABASE_URL
    ? { dialect: 'postgres', url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA }
    : { dialect: 'sqlite', path: config.readModelsDbPath, exclusive: config.PROJECTIONS_THREAD === 'main' };
}

/** Closes the read store after everything that writes to it (the projection runner stops in onModuleDestroy). */
@Injectable()
class ReadStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ReadStore) private readonly store: ReadStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Read models: SQLite (WAL) at DATA_DIR/read-models.db by default, PostgreSQL (in DATABASE_SCHEMA) when
 * DATABASE_URL is set. Exports `ReadStore` and the Kysely instance under `READ_DB`.
 */
@Global()
@Module({
  providers: [
    {
      provide: ReadStore,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const store = new ReadStore(await openReadStore(readStoreOptionsFrom(config)));
        new Logger('ReadStore').log(`read store: ${store.description}`);
        return store;
      },
    },
    { provide: READ_DB, inject: [ReadStore], useFactory: (store: ReadStore) => store.db },
    ReadStoreLifecycle,
  ],
  exports: [ReadStore, READ_DB],
})
export class ReadStoreModule {}
