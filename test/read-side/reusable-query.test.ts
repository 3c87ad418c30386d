import { sql } from 'kysely';
import { reusableQuery, reusableQueryOn } from '../../src/infrastructure/read-store/reusable-query.js';
import { freshReadStore, type FreshReadStore } from '../../src/infrastructure/read-store/testing/fresh-read-store.js';

/** reusableQuery on the read store under test (SQLite, or PostgreSQL when DATABASE_URL is set). */
describe('reusableQuery', () => {
  let fresh: FreshReadStore;

  beforeAll(async () => {
    fresh = await freshReadStore();
    const db = fresh.store.db;
    await db.schema
      .createTable('rq_items')
      .addColumn('id', 'varchar(20)', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('day', 'varchar(10)')
      .addPrimaryKeyConstraint('rq_items_pk', ['id', 'seq'])
      .execute();
    await db
      .insertInto('rq_items')
      .values([
        { id: 'a', seq: 0, day: '2020-01-01' },
        { id: 'a', seq: 1, day: '2021-01-01' },
        { id: 'b', seq: 0, day: null },
      ])
      .execute();
  });
  afterAll(() => fresh.dispose());

  const build = () =>
    reusableQuery<{ seq: number; day: string | null }, 'id' | 'from'>(['id', 'from'], (p) =>
      fresh.store.db
        .selectFrom('rq_items')
        .select(['seq', 'day'])
        .where('id', '=', p.id)
        .where((eb) => eb.or([eb('day', 'is', null), eb('day', '>=', p.from)]))
        .orderBy('seq')
        .limit(sql.lit(5)),
    );

  it('answers like the query built afresh, for each set of values, with one SQL text', async () => {
    const query = build();
    const cases = [
      { id: 'a', from: '2000-01-01' },
      { id: 'a', from: '2020-06-01' },
      { id: 'b', from: '2030-01-01' },
      { id: 'c', from: '2000-01-01' },
    ];
    const texts = new Set<string>();
    for (const values of cases) {
      const compiled = query(values);
      texts.add(compiled.sql);
      const reused = (await fresh.store.db.executeQuery(compiled)).rows.map((row) => ({ seq: Number(row.seq), day: row.day }));
      const afresh = (
        await fresh.store.db
          .selectFrom('rq_items')
          .select(['seq', 'day'])
          .where('id', '=', values.id)
          .where((eb) => eb.or([eb('day', 'is', null), eb('day', '>=', values.from)]))
          .orderBy('seq')
          .execute()
      ).map((row) => ({ seq: Number(row.seq), day: row.day }));
      expect(reused).toEqual(afresh);
    }
    expect(texts.size).toBe(1);
    expect((await fresh.store.db.executeQuery(query({ id: 'a', from: '2020-06-01' }))).rows).toEqual([{ seq: 1, day: '2021-01-01' }]);
  });

  it('keeps values that are not placeholders as compiled, and refuses an unused placeholder', () => {
    const withLimit = reusableQuery(['id'], (p) => fresh.store.db.selectFrom('rq_items').selectAll().where('id', '=', p.id).limit(3));
    expect(withLimit({ id: 'x' }).parameters).toEqual(['x', 3]);
    expect(() => reusableQuery(['id', 'unused'], (p) => fresh.store.db.selectFrom('rq_items').selectAll().where('id', '=', p.id))).toThrow(/unused/);
  });

  it('reusableQueryOn: compiled once for the store and its transactions, with the same answers as a fresh query', async () => {
    let builds = 0;
    const insertItem = reusableQueryOn(['id', 'seq', 'day'], (db, row) => {
      builds++;
      return db.insertInto('rq_items').values(row).onConflict((oc) => oc.columns(['id', 'seq']).doNothing());
    });
    const db = fresh.store.db;
    const first = insertItem(db, { id: 'on', seq: 0, day: '2022-01-01' });
    expect((await db.executeQuery(first)).numAffectedRows).toBe(1n);
    const affected = await db.transaction().execute(async (tx) => {
      const again = insertItem(tx, { id: 'on', seq: 0, day: '2099-01-01' }); // same key: nothing inserted
      const next = insertItem(tx, { id: 'on', seq: 1, day: null });
      expect(again.sql).toBe(first.sql);
      return [(await tx.executeQuery(again)).numAffectedRows, (await tx.executeQuery(next)).numAffectedRows];
    });
    expect(affected).toEqual([0n, 1n]);
    expect(builds).toBe(1);
    const rows = await db.selectFrom('rq_items').select(['seq', 'day']).where('id', '=', 'on').orderBy('seq').execute();
    expect(rows.map((row) => ({ seq: Number(row.seq), day: row.day }))).toEqual([
      { seq: 0, day: '2022-01-01' },
      { seq: 1, day: null },
    ]);
  });
});
