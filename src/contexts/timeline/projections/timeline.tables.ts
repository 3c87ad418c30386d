import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';

/** Tables of the timeline read model (projection timeline.facts.v1). */
export const TimelineTables = {
  /** Every fact event as recorded, keyed by event id. */
  facts: 'timeline_facts',
  /** FactCorrected / FactRetracted events aimed at a fact of timeline_facts, applied in log order when reading. */
  amendments: 'timeline_amendments',
} as const;

export interface FactRow {
  event_id: string;
  event_type: string;
  stream_name: string;
  data: string;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface AmendmentRow {
  event_id: string;
  target_event_id: string;
  kind: 'corrected' | 'retracted';
  changes: string | null;
  reason: string | null;
  notice: string | null;
  actor: string | null;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export async function migrateTimelineTables(db: ReadDb): Promise<void> {
  await db.schema
    .createTable(TimelineTables.facts)
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('event_type', 'varchar(40)', (c) => c.notNull())
    .addColumn('stream_name', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('timeline_facts_position').ifNotExists().on(TimelineTables.facts).column('recorded_position').execute();
  await db.schema
    .createTable(TimelineTables.amendments)
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('target_event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('changes', 'text')
    .addColumn('reason', 'text')
    .addColumn('notice', 'text')
    .addColumn('actor', 'text')
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('timeline_amendments_target').ifNotExists().on(TimelineTables.amendments).column('target_event_id').execute();
}
