import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';

/** Tables of the territorial-control read model (projection territory.control.v1). */
export const TerritoryTables = {
  places: 'territory_places',
  factions: 'territory_factions',
  /** Every CitySeized fact as recorded, keyed by event id (the facts the intervals are computed from). */
  seizures: 'territory_seizures',
  /** FactCorrected / FactRetracted events aimed at a seizure, applied in log order when computing. */
  amendments: 'territory_amendments',
  /** Each place's current timeline, recomputed from its facts on every change. */
  intervals: 'territory_control_intervals',
} as const;

export interface PlaceRow {
  place_id: string;
  name: string;
  country: string;
  kind: string | null;
  lat: number | null;
  lon: number | null;
  event_id: string;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface SeizureRow {
  event_id: string;
  place_id: string;
  faction_id: string;
  from_faction_id: string | null;
  occurred_date: string;
  precision: string;
  confidence: string | null;
  sources: string;
  summary: string | null;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface AmendmentRow {
  event_id: string;
  target_event_id: string;
  place_id: string;
  kind: 'corrected' | 'retracted';
  changes: string | null;
  reason: string | null;
  notice: string | null;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface IntervalRow {
  place_id: string;
  seq: number;
  controller: string | null;
  from_date: string | null;
  to_date: string | null;
  disputed: number;
  contenders: string;
  source_event_ids: string;
  approximate: number;
  inferred: number;
}

export async function migrateTerritoryTables(db: ReadDb): Promise<void> {
  await db.schema
    .createTable(TerritoryTables.places)
    .ifNotExists()
    .addColumn('place_id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('kind', 'varchar(20)')
    .addColumn('lat', 'double precision')
    .addColumn('lon', 'double precision')
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(TerritoryTables.factions)
    .ifNotExists()
    .addColumn('faction_id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('aliases', 'text', (c) => c.notNull())
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(TerritoryTables.seizures)
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('place_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('faction_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('from_faction_id', 'varchar(80)')
    .addColumn('occurred_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('precision', 'varchar(5)', (c) => c.notNull())
    .addColumn('confidence', 'varchar(20)')
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('territory_seizures_place').ifNotExists().on(TerritoryTables.seizures).column('place_id').execute();
  await db.schema
    .createTable(TerritoryTables.amendments)
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('target_event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('place_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('changes', 'text')
    .addColumn('reason', 'text')
    .addColumn('notice', 'text')
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('territory_amendments_place').ifNotExists().on(TerritoryTables.amendments).column('place_id').execute();
  await db.schema
    .createTable(TerritoryTables.intervals)
    .ifNotExists()
    .addColumn('place_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('controller', 'varchar(80)')
    .addColumn('from_date', 'varchar(10)')
    .addColumn('to_date', 'varchar(10)')
    .addColumn('disputed', 'integer', (c) => c.notNull())
    .addColumn('contenders', 'text', (c) => c.notNull())
    .addColumn('source_event_ids', 'text', (c) => c.notNull())
    .addColumn('approximate', 'integer', (c) => c.notNull())
    .addColumn('inferred', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('territory_control_intervals_pk', ['place_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('territory_control_intervals_controller')
    .ifNotExists()
    .on(TerritoryTables.intervals)
    .column('controller')
    .execute();
}
