import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';

/** Tables of the leadership read model (projection leadership.terms.v3). */
export const LeadershipTables = {
  offices: 'leadership_offices',
  people: 'leadership_people',
  /** Every OfficeAssumed / OfficeLeft fact as recorded, keyed by event id (the facts terms are computed from). */
  facts: 'leadership_term_facts',
  /** FactCorrected / FactRetracted events aimed at a term fact, applied in log order when computing. */
  amendments: 'leadership_amendments',
  /** Each office's terms, recomputed from its facts on every change. */
  terms: 'leadership_terms',
} as const;

export interface OfficeRow {
  office_id: string;
  title: string;
  jurisdiction: string;
  event_id: string;
  recorded_position: string | number | bigint;
  /** When it was established (recorded time): `asAt` answers before it know no such office. */
  recorded_at: string;
}

export interface PersonRow {
  person_id: string;
  name: string;
  aliases: string;
  event_id: string;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface TermFactRow {
  event_id: string;
  office_id: string;
  person_id: string;
  kind: 'assumed' | 'left';
  acting: number;
  reason: string | null;
  occurred_date: string;
  precision: string;
  confidence: string | null;
  sources: string;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface LeadershipAmendmentRow {
  event_id: string;
  target_event_id: string;
  office_id: string;
  kind: 'corrected' | 'retracted';
  changes: string | null;
  reason: string | null;
  notice: string | null;
  recorded_position: string | number | bigint;
  recorded_at: string;
}

export interface TermRow {
  office_id: string;
  seq: number;
  person_id: string;
  start_date: string | null;
  end_date: string | null;
  acting: number;
  end_reason: string | null;
  predecessor_id: string | null;
  successor_id: string | null;
  approximate: number;
  source_event_ids: string;
  /** 1 when the reports of the term's start disagree. */
  disputed: number;
  /** JSON: the term's StartReport list. */
  start_reports: string;
}

export async function migrateLeadershipTables(db: ReadDb): Promise<void> {
  await db.schema
    .createTable(LeadershipTables.offices)
    .ifNotExists()
    .addColumn('office_id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('jurisdiction', 'text', (c) => c.notNull())
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(LeadershipTables.people)
    .ifNotExists()
    .addColumn('person_id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('aliases', 'text', (c) => c.notNull())
    .addColumn('event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(LeadershipTables.facts)
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('office_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('person_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('acting', 'integer', (c) => c.notNull())
    .addColumn('reason', 'varchar(20)')
    .addColumn('occurred_date', 'varchar(10)', (c) => c.notNull())
    .addColumn('precision', 'varchar(5)', (c) => c.notNull())
    .addColumn('confidence', 'varchar(20)')
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('leadership_term_facts_office').ifNotExists().on(LeadershipTables.facts).column('office_id').execute();
  await db.schema
    .createTable(LeadershipTables.amendments)
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('target_event_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('office_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('changes', 'text')
    .addColumn('reason', 'text')
    .addColumn('notice', 'text')
    .addColumn('recorded_position', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('leadership_amendments_office').ifNotExists().on(LeadershipTables.amendments).column('office_id').execute();
  await db.schema
    .createTable(LeadershipTables.terms)
    .ifNotExists()
    .addColumn('office_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('person_id', 'varchar(80)', (c) => c.notNull())
    .addColumn('start_date', 'varchar(10)')
    .addColumn('end_date', 'varchar(10)')
    .addColumn('acting', 'integer', (c) => c.notNull())
    .addColumn('end_reason', 'varchar(20)')
    .addColumn('predecessor_id', 'varchar(80)')
    .addColumn('successor_id', 'varchar(80)')
    .addColumn('approximate', 'integer', (c) => c.notNull())
    .addColumn('source_event_ids', 'text', (c) => c.notNull())
    .addColumn('disputed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('start_reports', 'text', (c) => c.notNull().defaultTo('[]'))
    .addPrimaryKeyConstraint('leadership_terms_pk', ['office_id', 'seq'])
    .execute();
  await db.schema.createIndex('leadership_terms_person').ifNotExists().on(LeadershipTables.terms).column('person_id').execute();
}
