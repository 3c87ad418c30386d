import type { Compilable, CompiledQuery } from 'kysely';
import type { ReadExecutor } from './read-store.js';

/**
 * A query built and compiled by Kysely once, then run many times with different values: per call only the
 * parameter list is replaced, so hot reads skip building the operation tree and compiling it to SQL (the SQL text
 * stays the same, which also lets the SQLite statement cache keep its prepared statement). The SQL is compiled by
 * the instance's own dialect, so PostgreSQL and SQLite share the code path.
 *
 * `build` receives one placeholder per name and must use each where a value goes (`where('id', '=', p.id)`);
 * any other value it uses (a limit, a constant) is kept as compiled.
 *
 *   const byPlace = reusableQuery(['placeId'], (p) => db.selectFrom('t').selectAll().where('place_id', '=', p.placeId));
 *   const rows = (await db.executeQuery(byPlace({ placeId: 'hama' }))).rows;
 */
export function reusableQuery<R, K extends string>(
  names: readonly K[],
  build: (placeholders: Readonly<Record<K, unknown>>) => Compilable<R>,
): (values: Readonly<Record<K, unknown>>) => CompiledQuery<R> {
  const placeholders = Object.fromEntries(names.map((name) => [name, Object.freeze({ placeholder: name })])) as Record<K, object>;
  const compiled = build(placeholders).compile();
  const slots = compiled.parameters.map((value) => names.find((name) => placeholders[name] === value));
  const missing = names.filter((name) => !slots.includes(name));
  if (missing.length > 0) throw new Error(`reusableQuery: placeholder ${missing.join(', ')} is not used by the query`);
  const constants = compiled.parameters;
  return (values) => ({
    sql: compiled.sql,
    query: compiled.query,
    queryId: compiled.queryId,
    parameters: slots.map((name, index) => (name === undefined ? constants[index] : values[name])),
  });
}

/**
 * reusableQuery for code that is handed its executor on each call (a projection's transaction): built and compiled
 * on first use with each SQL dialect (keyed by the executor's dialect adapter, which a Kysely instance shares with
 * its transactions), then reused. Hot per-event inserts skip building and compiling the same statement every time.
 *
 *   const insertRow = reusableQueryOn(['id', 'name'], (db, p) => db.insertInto('t').values({ id: p.id, name: p.name }));
 *   await tx.executeQuery(insertRow(tx, { id, name }));
 */
export function reusableQueryOn<R, K extends string>(
  names: readonly K[],
  build: (db: ReadExecutor, placeholders: Readonly<Record<K, unknown>>) => Compilable<R>,
): (db: ReadExecutor, values: Readonly<Record<K, unknown>>) => CompiledQuery<R> {
  const byAdapter = new WeakMap<object, (values: Readonly<Record<K, unknown>>) => CompiledQuery<R>>();
  return (db, values) => {
    const adapter = db.getExecutor().adapter;
    let compiled = byAdapter.get(adapter);
    if (compiled === undefined) {
      compiled = reusableQuery(names, (placeholders) => build(db, placeholders));
      byAdapter.set(adapter, compiled);
    }
    return compiled(values);
  };
}
