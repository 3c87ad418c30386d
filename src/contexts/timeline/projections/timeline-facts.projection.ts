import { Injectable } from '@nestjs/common';
import { earlierCorrections } from '../../../infrastructure/projections/amendments.js';
import { type AmendmentKeys, amendmentKeys, type ChangeKeys, type ProjectedEvent, type Projection } from '../../../infrastructure/projections/projection.js';
import { parseJsonColumn } from '../../../infrastructure/read-store/json-column.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import type { ReadTx } from '../../../infrastructure/read-store/read-store.js';
import { reusableQueryOn } from '../../../infrastructure/read-store/reusable-query.js';
import { TIMELINE_FACT_TYPES } from '../domain/timeline.js';
import { migrateTimelineTables, TimelineTables } from './timeline.tables.js';

/** One row per fact, compiled once: a redelivered event (same id) inserts nothing. */
const insertFact = reusableQueryOn(['event_id', 'event_type', 'stream_name', 'data', 'recorded_position', 'recorded_at'], (db, row) =>
  db.insertInto(TimelineTables.facts).values(row).onConflict((oc) => oc.column('event_id').doNothing()),
);

const PERSON_FIELDS = ['personId', 'speakerPersonId', 'depictsPersonId'];
const FACTION_FIELDS = ['factionId', 'fromFactionId', 'toppledByFactionId', 'onBehalfOfFactionId'];

/** What a change to this fact concerns, for the live feed's filters (an amendment's: of each version of the fact, see AmendmentKeys). */
export function keysOfFact(data: Record<string, unknown>): ChangeKeys {
  const keys: ChangeKeys = {};
  const first = (fields: string[]) => fields.map((field) => data[field]).find((value): value is string => typeof value === 'string');
  if (typeof data.placeId === 'string') keys.placeId = data.placeId;
  if (typeof data.officeId === 'string') keys.officeId = data.officeId;
  const personId = first(PERSON_FIELDS);
  if (personId) keys.personId = personId;
  const factionId = first(FACTION_FIELDS);
  if (factionId) keys.factionId = factionId;
  if (typeof data.fromFactionId === 'string') keys.fromFactionId = data.fromFactionId;
  return keys;
}

const isFactType = (type: string) => (TIMELINE_FACT_TYPES as readonly string[]).includes(type);

/**
 * The timeline: stores every fact and every amendment of one as recorded (keyed by event id, so a redelivered event
 * changes nothing); the query applies the amendments and orders the facts (domain/timeline.ts), which also answers
 * "as known at" by reading only what was recorded up to then.
 */
@Injectable()
export class TimelineFactsProjection implements Projection {
  readonly name = 'timeline.facts.v1';
  readonly eventTypes = [...TIMELINE_FACT_TYPES, 'FactCorrected', 'FactRetracted'] as const;
  readonly tables = Object.values(TimelineTables);

  migrate(db: ReadDb): Promise<void> {
    return migrateTimelineTables(db);
  }

  async handle(event: ProjectedEvent, tx: ReadTx): Promise<ChangeKeys | AmendmentKeys | false> {
    if (isFactType(event.type)) return this.fact(event, tx);
    if (event.type === 'FactCorrected' || event.type === 'FactRetracted') return this.amended(event, tx);
    return false;
  }

  private async fact(event: ProjectedEvent, tx: ReadTx): Promise<ChangeKeys | false> {
    if (typeof event.data !== 'object' || event.data === null) return false;
    const inserted = await tx.executeQuery(
      insertFact(tx, {
        event_id: event.id,
        event_type: event.type,
        stream_name: event.streamName,
        data: JSON.stringify(event.data),
        recorded_position: event.position,
        recorded_at: event.recordedAt,
      }),
    );
    if (Number(inserted.numAffectedRows ?? 1n) === 0) return false;
    return keysOfFact(event.data);
  }

  private async amended(event: ProjectedEvent, tx: ReadTx): Promise<AmendmentKeys | false> {
    const target = event.data.eventId;
    if (typeof target !== 'string') return false;
    const fact = await tx.selectFrom(TimelineTables.facts).select(['data']).where('event_id', '=', target).executeTakeFirst();
    if (!fact) return false; // aimed at reference data or at something this model does not hold
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    const changes = event.type === 'FactCorrected' && typeof event.data.changes === 'object' && event.data.changes !== null ? event.data.changes : null;
    const inserted = await tx
      .insertInto(TimelineTables.amendments)
      .values({
        event_id: event.id,
        target_event_id: target,
        kind: event.type === 'FactRetracted' ? 'retracted' : 'corrected',
        changes: changes ? JSON.stringify(changes) : null,
        reason: text(event.data.reason),
        notice: text(event.data.notice),
        actor: text(event.metadata.actor),
        recorded_position: event.position,
        recorded_at: event.recordedAt,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 1n) === 0) return false;
    // The fact as recorded, then as each earlier correction of it (stored here, in log order) left it.
    const earlier = await earlierCorrections(tx, TimelineTables.amendments, target, event.position);
    const recorded = parseJsonColumn<Record<string, unknown>>(String(fact.data), {});
    return amendmentKeys(recorded, earlier, changes ?? undefined, keysOfFact);
  }
}
