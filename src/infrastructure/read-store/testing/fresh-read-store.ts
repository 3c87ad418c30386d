import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openReadStore } from '../read-store.factory.js';
import { ReadStore } from '../read-store.js';

export interface FreshReadStore {
  store: ReadStore;
  /** Closes the store and removes what it created (temp dir or schema). */
  dispose(): Promise<void>;
}

/**
 * A read store of its own for one test file: SQLite in a temp dir, or, when DATABASE_URL is set (CI's PostgreSQL
 * pass), a fresh schema dropped on dispose. `databaseUrl` overrides the environment (benches): a URL for
 * PostgreSQL, null for SQLite.
 */
export async function freshReadStore(databaseUrl: string | null = process.env.DATABASE_URL ?? null): Promise<FreshReadStore> {
  if (databaseUrl) {
    const schema = `rs_${randomBytes(6).toString('hex')}`;
    const store = new ReadStore(await openReadStore({ dialect: 'postgres', url: databaseUrl, schema, poolSize: 4 }));
    return {
      store,
      async dispose() {
        await store.close();
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-rs-'));
  const store = new ReadStore(await openReadStore({ dialect: 'sqlite', path: path.join(dir, 'read-models.db') }));
  return {
    store,
    async dispose() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
