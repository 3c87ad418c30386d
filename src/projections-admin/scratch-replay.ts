import { type EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { applyEvents, migrateProjection } from '../infrastructure/projections/apply-events.js';
import type { ProjectedEvent, Projection } from '../infrastructure/projections/projection.js';
import { toProjectedEvent } from '../infrastructure/projections/projected-event.js';
import { openReadStore, type ReadDb } from '../infrastructure/read-store/read-store.factory.js';
import { ReadStore } from '../infrastructure/read-store/read-store.js';

const BATCH = 500;

export interface TableDiff {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** How many rows only one side has. */
  onlyLiveCount: number;
  onlyRebuiltCount: number;
  /** Rows only the live model has (at most `limit`, JSON with values as strings). */
  onlyLive: Record<string, string | null>[];
  /** Rows only the rebuilt copy has. */
  onlyRebuilt: Record<string, string | null>[];
}

export interface Comparison {
  name: string;
  /** Both copies hold the log up to this commit position. */
  position: string | null;
  eventsReplayed: number;
  identical: boolean;
  tables: TableDiff[];
}

/**
 * Replays the log up to `upTo` (inclusive) into a scratch copy of one projection: a private in-memory SQLite read
 * store, so nothing of the live model is touched, whatever the live dialect. The projection's handlers key their
 * per-transaction state by transaction, so the live instance can feed both.
 */
export async function replayIntoScratch(
  client: EventStoreDBClient,
  projection: Projection,
  upTo: bigint,
  onProgress?: (replayed: number, position: bigint) => void,
): Promise<{ store: ReadStore; replayed: number }> {
  const store = new ReadStore(await openReadStore({ dialect: 'sqlite', path: ':memory:' }));
  try {
    await migrateProjection(store, projection);
    let batch: ProjectedEvent[] = [];
    let replayed = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      await applyEvents(store, projection, events);
      replayed += events.length;
      onProgress?.(replayed, events[events.length - 1].position);
    };
    // Read to the end rather than breaking out early (a half-consumed read can hold up the client's dispose()).
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START })) {
      const event = toProjectedEvent(resolved);
      if (!event || event.position > upTo) continue;
      batch.push(event);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    return { store, replayed };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** Values as the two dialects return them differ in type (bigint as string or number, 0/1 or booleans): compare text. */
function normalise(row: Record<string, unknown>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const key of Object.keys(row).sort()) {
    const value = row[key];
    out[key] = value === null || value === undefined ? null : typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  }
  return out;
}

async function rowsOf(db: ReadDb, table: string): Promise<Array<Record<string, string | null>>> {
  const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
  return rows.map(normalise);
}

/** The rows of each table of the projection that only one side has (as multisets), at most `limit` per side. */
export async function diffTables(live: ReadDb, rebuilt: ReadDb, tables: readonly string[], limit = 20): Promise<TableDiff[]> {
  const diffs: TableDiff[] = [];
  for (const table of tables) {
    const [a, b] = [await rowsOf(live, table), await rowsOf(rebuilt, table)];
    const counts = new Map<string, number>();
    for (const row of b) counts.set(JSON.stringify(row), (counts.get(JSON.stringify(row)) ?? 0) + 1);
    const onlyLive: Record<string, string | null>[] = [];
    for (const row of a) {
      const key = JSON.stringify(row);
      const n = counts.get(key) ?? 0;
      if (n > 0) counts.set(key, n - 1);
      else onlyLive.push(row);
    }
    const onlyRebuilt = [...counts.entries()].flatMap(([key, n]) => Array.from({ length: n }, () => JSON.parse(key) as Record<string, string | null>));
    diffs.push({ table, liveRows: a.length, rebuiltRows: b.length, onlyLiveCount: onlyLive.length, onlyRebuiltCount: onlyRebuilt.length, onlyLive: onlyLive.slice(0, limit), onlyRebuilt: onlyRebuilt.slice(0, limit) });
  }
  return diffs;
}
