import { type EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { applyEvents, migrateProjection } from '../infrastructure/projections/apply-events.js';
import { readCheckpoint } from '../infrastructure/projections/checkpoint-store.js';
import type { LogPosition, ProjectedEvent, Projection } from '../infrastructure/projections/projection.js';
import { toProjectedEvent } from '../infrastructure/projections/projected-event.js';
import { openReadStore } from '../infrastructure/read-store/read-store.factory.js';
import { type ReadExecutor, ReadStore, type ReadTx } from '../infrastructure/read-store/read-store.js';

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
 * A private copy of one projection in an in-memory SQLite read store, fed from the log: nothing of the live model
 * is touched, whatever the live dialect. The projection's handlers key their per-transaction state by transaction,
 * so the live instance can feed both.
 */
export class ScratchCopy {
  /** Events applied to the copy (past its checkpoint). */
  replayed = 0;

  private constructor(
    readonly projection: Projection,
    readonly store: ReadStore,
  ) {}

  static async open(projection: Projection): Promise<ScratchCopy> {
    const store = new ReadStore(await openReadStore({ dialect: 'sqlite', path: ':memory:' }));
    await migrateProjection(store, projection);
    return new ScratchCopy(projection, store);
  }

  checkpoint(): Promise<LogPosition | null> {
    return readCheckpoint(this.store.db, this.projection.name);
  }

  /** Applies the log after the copy's checkpoint up to `upTo` (inclusive commit position). */
  async catchUp(client: EventStoreDBClient, upTo: bigint, onProgress?: (replayed: number, position: bigint) => void): Promise<void> {
    const from = await this.checkpoint();
    if (from && from.commit >= upTo) return;
    let batch: ProjectedEvent[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      const applied = await applyEvents(this.store, this.projection, events);
      this.replayed += applied.advancedBy;
      onProgress?.(this.replayed, events[events.length - 1].position);
    };
    // Read to the end rather than breaking out early (a half-consumed read can hold up the client's dispose()).
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: from ? { commit: from.commit, prepare: from.prepare } : START })) {
      const event = toProjectedEvent(resolved);
      if (!event || event.position > upTo) continue;
      batch.push(event);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

const INSERT_VARIABLES = 900;

/**
 * In one transaction of the live store: if the live projection's checkpoint is exactly the copy's, replaces every
 * row of its tables with the copy's (readers see the old model or the new one, never a partial one). Returns false,
 * changing nothing, when the live model has moved on (catch the copy up and try again). The checkpoint row is read
 * with the lock applyEvents takes, so the runner cannot apply to this projection meanwhile.
 */
export async function swapIn(live: ReadStore, copy: ScratchCopy): Promise<boolean> {
  const swapped = await atSameCheckpoint(live, copy, async (tx) => {
    for (const table of copy.projection.tables ?? []) {
      await tx.deleteFrom(table).execute();
      const rows = (await copy.store.db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
      if (rows.length === 0) continue;
      const chunk = Math.max(1, Math.floor(INSERT_VARIABLES / Math.max(1, Object.keys(rows[0]).length)));
      for (let i = 0; i < rows.length; i += chunk) await tx.insertInto(table).values(rows.slice(i, i + chunk)).execute();
    }
    return true;
  });
  return swapped ?? false;
}

/**
 * Runs `fn` in a live-store transaction holding the projection's checkpoint row (the lock applyEvents takes) if the
 * live checkpoint is exactly the copy's; undefined, without running it, when the live model has moved on.
 */
export async function atSameCheckpoint<T>(live: ReadStore, copy: ScratchCopy, fn: (tx: ReadTx) => Promise<T>): Promise<T | undefined> {
  const target = await copy.checkpoint();
  return live.transaction(async (tx) => {
    const current = await readCheckpoint(tx, copy.projection.name, { dialect: live.dialect, lock: true });
    const same = current === null ? target === null : target !== null && current.commit === target.commit && current.prepare === target.prepare;
    return same ? fn(tx) : undefined;
  });
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

async function rowsOf(db: ReadExecutor, table: string): Promise<Array<Record<string, string | null>>> {
  const rows = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
  return rows.map(normalise);
}

/** The rows of each table of the projection that only one side has (as multisets), at most `limit` per side. */
export async function diffTables(live: ReadExecutor, rebuilt: ReadExecutor, tables: readonly string[], limit = 20): Promise<TableDiff[]> {
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
