import { type Transaction, sql } from 'kysely';
import type { OpenedReadStore, ReadDb, ReadStoreDialect } from './read-store.factory.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadTx = Transaction<any>;

/** A read-model database handle or an open transaction on it: queries accept either. */
export type ReadExecutor = ReadDb | ReadTx;

/**
 * The read store as the rest of the app sees it: the Kysely instance, its dialect, one way to run a transaction
 * and a health probe. Plain class (no Nest) so benches and tests build it directly.
 */
export class ReadStore {
  constructor(private readonly opened: OpenedReadStore) {}

  get db(): ReadDb {
    return this.opened.db;
  }

  get dialect(): ReadStoreDialect {
    return this.opened.dialect;
  }

  get description(): string {
    return this.opened.description;
  }

  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws. On SQLite the transaction
   * takes the write lock when it begins (BEGIN IMMEDIATE): with the projections writing from their own thread, a
   * transaction that read first and wrote second would otherwise fail (SQLITE_BUSY_SNAPSHOT) whenever the other
   * connection committed in between, instead of waiting its turn (busy_timeout).
   */
  transaction<T>(fn: (tx: ReadTx) => Promise<T>): Promise<T> {
    if (this.opened.dialect !== 'sqlite') return this.opened.db.transaction().execute(fn);
    return this.opened.db.connection().execute(async (connection) => {
      await sql`begin immediate`.execute(connection);
      let result: T;
      try {
        result = await fn(connection as unknown as ReadTx);
      } catch (error) {
        await sql`rollback`.execute(connection);
        throw error;
      }
      try {
        await sql`commit`.execute(connection);
      } catch (error) {
        await sql`rollback`.execute(connection).catch(() => undefined);
        throw error;
      }
      return result;
    });
  }

  /** Health: resolves with the round-trip time in ms, rejects when the store is unreachable. */
  async ping(): Promise<number> {
    const started = performance.now();
    await sql`select 1`.execute(this.opened.db);
    return Math.round((performance.now() - started) * 100) / 100;
  }

  close(): Promise<void> {
    return this.opened.close();
  }
}
