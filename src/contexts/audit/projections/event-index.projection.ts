import { Injectable } from '@nestjs/common';
import type { ProjectedEvent, Projection } from '../../../infrastructure/projections/projection.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import type { ReadExecutor, ReadTx } from '../../../infrastructure/read-store/read-store.js';
import { reusableQueryOn } from '../../../infrastructure/read-store/reusable-query.js';

/** Every event type Dateline records: the index holds them all (facts, reference data, amendments). */
export const INDEXED_EVENT_TYPES = [
  'FactionRegistered',
  'PlaceRegistered',
  'PersonRegistered',
  'OfficeEstablished',
  'CitySeized',
  'StatueToppled',
  'StatementIssued',
  'OfficeAssumed',
  'OfficeLeft',
  'FactCorrected',
  'FactRetracted',
] as const;

export const EVENT_INDEX_TABLE = 'audit_event_index';

export interface EventIndexRow {
  event_id: string;
  stream_name: string;
  event_type: string;
  revision: string | number | bigint;
  correlation_id: string | null;
  causation_id: string | null;
  actor: string | null;
  recorded_at: string;
  position: string | number | bigint;
  /** For FactCorrected / FactRetracted: the event they amend. */
  target_event_id: string | null;
  /** The Idempotency-Key of the command that appended it, if any. */
  idempotency_key: string | null;
}

const INDEX_COLUMNS = [
  'event_id',
  'stream_name',
  'event_type',
  'revision',
  'correlation_id',
  'causation_id',
  'actor',
  'recorded_at',
  'position',
  'target_event_id',
  'idempotency_key',
] as const;

/** One row per event, compiled once: a redelivered event (same id) changes nothing. */
const insertIndexRow = reusableQueryOn(INDEX_COLUMNS, (db, row) =>
  db.insertInto(EVENT_INDEX_TABLE).values(row).onConflict((oc) => oc.column('event_id').doNothing()),
);

/**
 * Where each event lives: the event store client cannot look an event up by id, and corrections name the event
 * they amend by id (and auditors ask for every event of a correlation id). Insert-only, keyed by event id, so a
 * redelivered event changes nothing.
 */
@Injectable()
export class EventIndexProjection implements Projection {
  readonly name = 'audit.fact-index.v1';
  readonly eventTypes = INDEXED_EVENT_TYPES;
  readonly tables = [EVENT_INDEX_TABLE];

  async migrate(db: ReadDb): Promise<void> {
    await db.schema
      .createTable(EVENT_INDEX_TABLE)
      .ifNotExists()
      .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('stream_name', 'text', (c) => c.notNull())
      .addColumn('event_type', 'varchar(100)', (c) => c.notNull())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addColumn('correlation_id', 'varchar(200)')
      .addColumn('causation_id', 'varchar(200)')
      .addColumn('actor', 'varchar(200)')
      .addColumn('recorded_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('position', 'bigint', (c) => c.notNull())
      .addColumn('target_event_id', 'varchar(64)')
      .addColumn('idempotency_key', 'varchar(200)')
      .execute();
    await db.schema.createIndex('audit_event_index_correlation').ifNotExists().on(EVENT_INDEX_TABLE).column('correlation_id').execute();
    await db.schema.createIndex('audit_event_index_key').ifNotExists().on(EVENT_INDEX_TABLE).column('idempotency_key').execute();
    await db.schema.createIndex('audit_event_index_target').ifNotExists().on(EVENT_INDEX_TABLE).column('target_event_id').execute();
  }

  async handle(event: ProjectedEvent, tx: ReadTx): Promise<false> {
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : null);
    const target = event.type === 'FactCorrected' || event.type === 'FactRetracted' ? text(event.data.eventId) : null;
    await tx.executeQuery(
      insertIndexRow(tx, {
        event_id: event.id,
        stream_name: event.streamName,
        event_type: event.type,
        revision: event.revision,
        correlation_id: text(event.metadata.correlationId),
        causation_id: text(event.metadata.causationId),
        actor: text(event.metadata.actor),
        recorded_at: event.recordedAt,
        position: event.position,
        target_event_id: target,
        idempotency_key: text(event.metadata.idempotencyKey),
      }),
    );
    // An index for the write side and auditors: no live update is worth sending for it.
    return false;
  }
}

/** Reads of the index (write-side lookups and audit queries). */
export const EventIndex = {
  find: (db: ReadExecutor, eventId: string): Promise<EventIndexRow | undefined> =>
    db.selectFrom(EVENT_INDEX_TABLE).selectAll().where('event_id', '=', eventId).executeTakeFirst() as Promise<EventIndexRow | undefined>,

  /** The stream of the first event appended with this Idempotency-Key. */
  streamOfKey: async (db: ReadExecutor, key: string): Promise<string | undefined> => {
    const row = await db.selectFrom(EVENT_INDEX_TABLE).select('stream_name').where('idempotency_key', '=', key).orderBy('position').limit(1).executeTakeFirst();
    return row?.stream_name as string | undefined;
  },

  byCorrelation: (db: ReadExecutor, correlationId: string): Promise<EventIndexRow[]> =>
    db.selectFrom(EVENT_INDEX_TABLE).selectAll().where('correlation_id', '=', correlationId).orderBy('position').orderBy('stream_name').orderBy('revision').execute() as Promise<EventIndexRow[]>,
};
