import type { ReadStore, ReadTx } from '../read-store/read-store.js';
import { deleteCheckpoint, ensureCheckpointRow, isAfter, migrateCheckpoints, readCheckpoints, writeCheckpoints } from './checkpoint-store.js';
import { type ChangeKeys, isAmendmentKeys, type LogPosition, type ProjectedEvent, type Projection, type ProjectionChange } from './projection.js';

export interface AppliedBatch {
  /** The projection's checkpoint after the commit (unchanged when every event was already applied). */
  checkpoint: LogPosition | null;
  /** Change-feed messages, to emit once the transaction has committed. */
  changes: ProjectionChange[];
  /** How many events of the batch were past the checkpoint (applied or deliberately ignored). */
  advancedBy: number;
}

/**
 * better-sqlite3 is synchronous: a batch would otherwise hold the event loop for its whole duration, stalling HTTP
 * requests and the subscription's own network reads. Long batches let other work in every few events.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const YIELD_EVERY = 32;

const KEY_FIELDS = ['placeId', 'officeId', 'personId', 'factionId'] as const;

/** Default change keys: the ids named in the event's data. */
export function keysOf(event: ProjectedEvent): ChangeKeys {
  const keys: ChangeKeys = {};
  for (const field of KEY_FIELDS) {
    const value = (event.data as Record<string, unknown>)[field];
    if (typeof value === 'string') keys[field] = value;
  }
  return keys;
}

/** One projection and the log events it is to apply (consecutive, in log order). */
export interface ProjectionBatch {
  projection: Projection;
  events: readonly ProjectedEvent[];
}

/**
 * Applies consecutive log events to one projection together with its checkpoint, in ONE transaction: the
 * checkpoint is read (and locked on PostgreSQL) first, so events at or before it are skipped and a redelivered or
 * concurrently processed batch cannot apply twice; a crash rolls back both the model change and the checkpoint.
 * Events of types the projection does not handle only move the checkpoint. Throws what a handler throws (nothing
 * of the batch is then committed).
 */
export async function applyEvents(
  store: ReadStore,
  projection: Projection,
  events: readonly ProjectedEvent[],
): Promise<AppliedBatch> {
  const [applied] = await applyEventsTogether(store, [{ projection, events }]);
  return applied;
}

/**
 * applyEvents for several projections in ONE transaction: their checkpoints are read (and locked on PostgreSQL)
 * with one statement, each projection applies what is past its own checkpoint, and every checkpoint moves with one
 * statement before the single commit. A commit is most of the cost of a small batch, so a live runner applies each
 * batch to all its projections this way; if anything throws, nothing is committed (the runner then applies the batch
 * one projection at a time, so a failing projection stops alone). Results are in the order of `batches`.
 */
export async function applyEventsTogether(store: ReadStore, batches: readonly ProjectionBatch[]): Promise<AppliedBatch[]> {
  if (batches.length === 0) return [];
  return store.transaction(async (tx) => {
    const checkpoints = await readCheckpoints(
      tx,
      batches.map(({ projection }) => projection.name),
      { dialect: store.dialect, lock: true },
    );
    const results: AppliedBatch[] = [];
    const moved: Array<{ name: string; position: LogPosition }> = [];
    for (const { projection, events } of batches) {
      const checkpoint = checkpoints.get(projection.name) ?? null;
      const fresh = events.filter((event) => isAfter({ commit: event.position, prepare: event.preparePosition }, checkpoint));
      if (fresh.length === 0) {
        results.push({ checkpoint, changes: [], advancedBy: 0 });
        continue;
      }
      const changes = await handleFresh(projection, fresh, tx);
      const last = fresh[fresh.length - 1];
      const next = { commit: last.position, prepare: last.preparePosition };
      moved.push({ name: projection.name, position: next });
      results.push({ checkpoint: next, changes, advancedBy: fresh.length });
    }
    await writeCheckpoints(tx, moved);
    return results;
  });
}

async function handleFresh(projection: Projection, fresh: readonly ProjectedEvent[], tx: ReadTx): Promise<ProjectionChange[]> {
  const handled = new Set(projection.eventTypes);
  const changes: ProjectionChange[] = [];
  let handledCount = 0;
  for (const event of fresh) {
    if (!handled.has(event.type)) continue;
    if (++handledCount % YIELD_EVERY === 0) await yieldToEventLoop();
    const result = await projection.handle(event, tx);
    if (result === false) continue;
    const amendment = result && isAmendmentKeys(result) ? result : undefined;
    changes.push({
      projection: projection.name,
      position: event.position.toString(),
      preparePosition: event.preparePosition.toString(),
      streamName: event.streamName,
      eventType: event.type,
      eventId: event.id,
      keys: amendment ? amendment.keys : ((result as ChangeKeys | undefined) ?? keysOf(event)),
      ...(amendment && { before: amendment.before, recorded: amendment.recorded }),
    });
  }
  if (handledCount > 0) await projection.flush?.(tx);
  return changes;
}

/** Creates the checkpoint table and the projection's tables if missing. */
export async function migrateProjection(store: ReadStore, projection: Projection): Promise<void> {
  await migrateCheckpoints(store.db);
  await projection.migrate?.(store.db, store.dialect);
  await ensureCheckpointRow(store.db, projection.name);
}

/** Drops a projection's tables and checkpoint (`checkpointName`, default its own) and recreates them empty. */
export async function resetProjection(store: ReadStore, projection: Projection, checkpointName = projection.name): Promise<void> {
  await migrateCheckpoints(store.db);
  await store.transaction(async (tx) => {
    for (const table of projection.tables ?? []) {
      let drop = tx.schema.dropTable(table).ifExists();
      if (store.dialect === 'postgres') drop = drop.cascade();
      await drop.execute();
    }
    await deleteCheckpoint(tx, checkpointName);
  });
  await projection.migrate?.(store.db, store.dialect);
  await ensureCheckpointRow(store.db, projection.name);
}
