import type { ReadDb, ReadStoreDialect } from '../read-store/read-store.factory.js';
import type { ReadExecutor, ReadTx } from '../read-store/read-store.js';
import type { LogPosition } from './projection.js';

export const CHECKPOINTS_TABLE = 'projection_checkpoints';

/** One row per projection: the last log position whose effects are in the read model (written in the same tx). */
export async function migrateCheckpoints(db: ReadDb): Promise<void> {
  await db.schema
    .createTable(CHECKPOINTS_TABLE)
    .ifNotExists()
    .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('commit_position', 'bigint')
    .addColumn('prepare_position', 'bigint')
    .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
    .execute();
}

interface CheckpointRow {
  name: string;
  commit_position: string | number | bigint | null;
  prepare_position: string | number | bigint | null;
}

function toPosition(row: CheckpointRow | undefined): LogPosition | null {
  if (!row || row.commit_position === null || row.commit_position === undefined) return null;
  return { commit: BigInt(row.commit_position), prepare: BigInt(row.prepare_position ?? row.commit_position) };
}

/** Reads a checkpoint; inside a transaction on PostgreSQL it locks the row so concurrent workers serialise. */
export async function readCheckpoint(
  executor: ReadExecutor,
  name: string,
  options: { dialect?: ReadStoreDialect; lock?: boolean } = {},
): Promise<LogPosition | null> {
  let query = executor
    .selectFrom(CHECKPOINTS_TABLE)
    .select(['name', 'commit_position', 'prepare_position'])
    .where('name', '=', name);
  if (options.lock && options.dialect === 'postgres') query = query.forUpdate();
  return toPosition((await query.executeTakeFirst()) as CheckpointRow | undefined);
}

export async function readAllCheckpoints(executor: ReadExecutor): Promise<Map<string, LogPosition | null>> {
  const rows = (await executor
    .selectFrom(CHECKPOINTS_TABLE)
    .select(['name', 'commit_position', 'prepare_position'])
    .execute()) as CheckpointRow[];
  return new Map(rows.map((row) => [row.name, toPosition(row)]));
}

/**
 * Reads several checkpoints with one statement; inside a transaction on PostgreSQL it locks their rows, in name
 * order (so two workers locking overlapping sets cannot deadlock).
 */
export async function readCheckpoints(
  executor: ReadExecutor,
  names: readonly string[],
  options: { dialect?: ReadStoreDialect; lock?: boolean } = {},
): Promise<Map<string, LogPosition | null>> {
  if (names.length === 1) return new Map([[names[0], await readCheckpoint(executor, names[0], options)]]);
  let query = executor
    .selectFrom(CHECKPOINTS_TABLE)
    .select(['name', 'commit_position', 'prepare_position'])
    .where('name', 'in', [...names])
    .orderBy('name');
  if (options.lock && options.dialect === 'postgres') query = query.forUpdate();
  const rows = (await query.execute()) as CheckpointRow[];
  return new Map(rows.map((row) => [row.name, toPosition(row)]));
}

export async function writeCheckpoint(tx: ReadTx, name: string, position: LogPosition): Promise<void> {
  await writeCheckpoints(tx, [{ name, position }]);
}

/** Moves several checkpoints with one statement. */
export async function writeCheckpoints(tx: ReadTx, checkpoints: ReadonlyArray<{ name: string; position: LogPosition }>): Promise<void> {
  if (checkpoints.length === 0) return;
  const updatedAt = new Date().toISOString();
  await tx
    .insertInto(CHECKPOINTS_TABLE)
    .values(
      checkpoints.map(({ name, position }) => ({
        name,
        commit_position: position.commit,
        prepare_position: position.prepare,
        updated_at: updatedAt,
      })),
    )
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({
        commit_position: eb.ref('excluded.commit_position'),
        prepare_position: eb.ref('excluded.prepare_position'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/**
 * Creates a projection's checkpoint row (position null) if missing, so that concurrent workers on PostgreSQL always
 * find a row to lock (readCheckpoint with lock) instead of racing to insert the first one.
 */
export async function ensureCheckpointRow(executor: ReadExecutor, name: string): Promise<void> {
  await executor
    .insertInto(CHECKPOINTS_TABLE)
    .values({ name, commit_position: null, prepare_position: null, updated_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

export async function deleteCheckpoint(executor: ReadExecutor, name: string): Promise<void> {
  await executor.deleteFrom(CHECKPOINTS_TABLE).where('name', '=', name).execute();
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** True when `position` is strictly after `checkpoint` (null = nothing applied yet). */
export function isAfter(position: LogPosition, checkpoint: LogPosition | null): boolean {
  return checkpoint === null || comparePositions(position, checkpoint) > 0;
}
