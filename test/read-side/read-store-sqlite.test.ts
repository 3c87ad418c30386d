import Database from 'better-sqlite3';
import { sql } from 'kysely';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReadStore } from '../../src/infrastructure/read-store/read-store.factory.js';

/** The SQLite read store owns its file while open (locking_mode EXCLUSIVE) unless told otherwise. */
describe('SQLite read store file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-rs-file-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function fill(file: string, exclusive?: boolean) {
    const store = await openReadStore({ dialect: 'sqlite', path: file, ...(exclusive === undefined ? {} : { exclusive }) });
    await store.db.schema.createTable('t').ifNotExists().addColumn('k', 'text', (c) => c.primaryKey()).execute();
    await store.db.insertInto('t').values({ k: `row-${Date.now()}-${Math.random()}` }).execute();
    return store;
  }

  function countFromOutside(file: string): number {
    const outside = new Database(file, { readonly: true, timeout: 50 });
    try {
      return (outside.prepare('select count(*) as n from t').get() as { n: number }).n;
    } finally {
      outside.close();
    }
  }

  it('by default keeps other connections out while open, and its data is there after close and reopen', async () => {
    const file = path.join(dir, 'exclusive.db');
    const store = await fill(file);
    expect(await sql<{ locking_mode: string }>`pragma locking_mode`.execute(store.db)).toMatchObject({ rows: [{ locking_mode: 'exclusive' }] });
    expect(() => countFromOutside(file)).toThrow(/locked|busy/i);
    await store.close();
    expect(countFromOutside(file)).toBe(1);
    const again = await fill(file);
    expect((await again.db.selectFrom('t').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n).toBe(2);
    await again.close();
  });

  it('exclusive: false shares the file with other connections', async () => {
    const file = path.join(dir, 'shared.db');
    const store = await fill(file, false);
    expect(countFromOutside(file)).toBe(1);
    await store.close();
  });

  /** The files below `dir` this process holds open (Linux: /proc/self/fd). */
  const heldBelow = (dir: string): string[] =>
    fs
      .readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return '';
        }
      })
      .filter((target) => target.startsWith(dir));

  it('close() releases the file even when the store never ran a query (Kysely opens its driver lazily)', async () => {
    const own = fs.mkdtempSync(path.join(dir, 'unused-'));
    for (const exclusive of [true, false]) {
      const store = await openReadStore({ dialect: 'sqlite', path: path.join(own, `unused-${exclusive}.db`), exclusive });
      expect(heldBelow(own).length).toBeGreaterThan(0);
      await store.close();
      expect(heldBelow(own)).toEqual([]);
    }
  });
});
