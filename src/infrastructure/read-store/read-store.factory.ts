import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export type ReadStoreDialect = 'sqlite' | 'postgres';

export type ReadStoreOptions =
  | {
      dialect: 'sqlite';
      path: string;
      /**
       * Default true: this connection alone uses the file while it is open (SQLite `locking_mode = EXCLUSIVE`, set
       * before WAL is first used, so the WAL index lives in process memory). Every statement then skips the file
       * locks and shared-memory checks SQLite otherwise makes to see other processes' writes: a one-row read went
       * from ~14 to ~6 us. False lets other connections read the file meanwhile: the projection thread's, an import
       * running beside the API (it reads the API's read models), or the sqlite3 shell. The API opens it shared
       * whenever the projections run in their own thread (the default); the rebuild CLI refuses to run beside it.
       */
      exclusive?: boolean;
    }
  | { dialect: 'postgres'; url: string; schema: string; poolSize?: number };

/**
 * Read models are written through Kysely with no generated schema types: each projection owns its tables and
 * queries them with its own row types.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadDb = Kysely<any>;

export interface OpenedReadStore {
  db: ReadDb;
  dialect: ReadStoreDialect;
  /** Human-readable target (no password), for logs and /health. */
  description: string;
  close(): Promise<void>;
}

/** How many distinct SQL texts keep a prepared statement (least recently used dropped first). */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely's SQLite driver prepares every query it runs; preparing costs more than running most of them. Statements are
 * kept per SQL text (SQLite re-prepares a kept statement by itself after a schema change); one that is still being
 * iterated (a streamed query) is never handed out again: a fresh one is prepared instead.
 */
function withStatementCache(database: Database.Database): { prepare(sql: string): Database.Statement; close(): void } {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(sql: string): Database.Statement {
      const kept = statements.get(sql);
      if (kept !== undefined) {
        statements.delete(sql);
        statements.set(sql, kept);
        if (!kept.busy) return kept;
        return database.prepare(sql);
      }
      const statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      return statement;
    },
    close(): void {
      statements.clear();
      database.close();
    },
  };
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Opens the read store: SQLite (WAL) in a file, or a PostgreSQL pool pinned to one schema (created if missing). */
export async function openReadStore(options: ReadStoreOptions): Promise<OpenedReadStore> {
  if (options.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
    const database = new Database(options.path);
    if (options.exclusive ?? true) database.pragma('locking_mode = EXCLUSIVE');
    database.pragma('journal_mode = WAL');
    // WAL + NORMAL is durable across process crashes (only an OS crash can lose the last commits, atomically).
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (SQLite's default is 2 MiB): the indexes a projection batch touches stay in memory
    // instead of being read back from the OS for every statement (a projection insert went from ~22 to ~12 us).
    database.pragma('cache_size = -65536');
    database.pragma('foreign_keys = ON');
    const connection = withStatementCache(database);
    const db: ReadDb = new Kysely({ dialect: new SqliteDialect({ database: connection }) });
    const close = async () => {
      await db.destroy();
      // Kysely's driver starts on the first query, and only a started driver closes its database: close it here too
      // (closing twice is harmless), or a store that never ran a query keeps its file open after close().
      connection.close();
    };
    return { db, dialect: 'sqlite', description: `sqlite ${options.path}`, close };
  }

  if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`invalid read-model schema name: ${options.schema}`);
  const bootstrap = new pg.Client({ connectionString: options.url });
  await bootstrap.connect();
  try {
    await bootstrap.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  } catch (error) {
    // Two processes racing on CREATE SCHEMA IF NOT EXISTS can still collide on the catalog's unique index.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await bootstrap.end();
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // Every pooled connection resolves unqualified table names in the deployment's schema.
    options: `-c search_path="${options.schema}"`,
  });
  const db: ReadDb = new Kysely({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  const description = `postgres ${options.url.replace(/\/\/[^@/]*@/, '//***@')} schema ${options.schema}`;
  return { db, dialect: 'postgres', description, close: () => db.destroy() };
}
