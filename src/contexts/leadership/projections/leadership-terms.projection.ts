import { Injectable } from '@nestjs/common';
import { yieldToEventLoop } from '../../../infrastructure/projections/apply-events.js';
import { earlierCorrections } from '../../../infrastructure/projections/amendments.js';
import { type AmendmentKeys, amendmentKeys, type ChangeKeys, eventOf, type ProjectedEvent, type Projection } from '../../../infrastructure/projections/projection.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import type { ReadExecutor, ReadTx } from '../../../infrastructure/read-store/read-store.js';
import type { FactCorrectedData, FactRetractedData } from '../../../shared/domain/corrections.events.js';
import type { OfficeAssumedData, OfficeEstablishedData, OfficeLeftData, PersonRegisteredData } from '../domain/leadership.events.js';
import { computeTerms, type StartReport, type Term } from '../domain/terms.js';
import { loadTermFacts } from './leadership-facts.js';
import { LeadershipTables, migrateLeadershipTables, type TermRow } from './leadership.tables.js';

const bool = (value: boolean) => (value ? 1 : 0);

export function termToRow(officeId: string, seq: number, term: Term): TermRow {
  return {
    office_id: officeId,
    seq,
    person_id: term.personId,
    start_date: term.start,
    end_date: term.end,
    acting: bool(term.acting),
    end_reason: term.endReason,
    predecessor_id: term.predecessorId,
    successor_id: term.successorId,
    approximate: bool(term.approximate),
    source_event_ids: JSON.stringify(term.sourceEventIds),
    disputed: bool(term.disputed),
    start_reports: JSON.stringify(term.startReports),
  };
}

export function rowToTerm(row: TermRow): Term {
  return {
    personId: row.person_id,
    start: row.start_date,
    end: row.end_date,
    acting: Number(row.acting) === 1,
    endReason: row.end_reason as Term['endReason'],
    predecessorId: row.predecessor_id,
    successorId: row.successor_id,
    approximate: Number(row.approximate) === 1,
    disputed: Number(row.disputed) === 1,
    startReports: JSON.parse(row.start_reports) as StartReport[],
    sourceEventIds: JSON.parse(row.source_event_ids) as string[],
  };
}

const sameRow = (a: TermRow, b: TermRow) =>
  (Object.keys(b) as (keyof TermRow)[]).every((key) =>
    typeof b[key] === 'number' ? Number(a[key]) === b[key] : a[key] === b[key],
  );

/**
 * Leadership history: stores offices, people and every term fact (with its corrections), and keeps each office's
 * terms recomputed from its facts by computeTerms (idempotent; late reports land in valid-time order).
 */
@Injectable()
export class LeadershipTermsProjection implements Projection {
  /**
   * v2: offices and people keep their recorded time (asAt answers before it know no such office or person).
   * v3: a departure known only to the month or year a term began ends that term (computeTerms), instead of a
   * phantom term before it while the term stayed open: stored terms are recomputed from the log.
   */
  readonly name = 'leadership.terms.v3';
  readonly eventTypes = ['OfficeEstablished', 'PersonRegistered', 'OfficeAssumed', 'OfficeLeft', 'FactCorrected', 'FactRetracted'] as const;
  readonly tables = Object.values(LeadershipTables);

  /** Offices whose facts changed in a transaction: their terms are recomputed once, in flush(). */
  private readonly dirty = new WeakMap<ReadTx, Set<string>>();

  migrate(db: ReadDb): Promise<void> {
    return migrateLeadershipTables(db);
  }

  async flush(tx: ReadTx): Promise<void> {
    const offices = this.dirty.get(tx);
    if (!offices) return;
    this.dirty.delete(tx);
    let done = 0;
    for (const officeId of [...offices].sort()) {
      await recomputeOffice(tx, officeId);
      if (++done % 16 === 0) await yieldToEventLoop();
    }
  }

  private touch(tx: ReadTx, officeId: string): void {
    const offices = this.dirty.get(tx) ?? new Set<string>();
    offices.add(officeId);
    this.dirty.set(tx, offices);
  }

  async handle(event: ProjectedEvent, tx: ReadTx): Promise<ChangeKeys | AmendmentKeys | false | void> {
    switch (event.type) {
      case 'OfficeEstablished':
        return this.officeEstablished(eventOf<OfficeEstablishedData>(event), tx);
      case 'PersonRegistered':
        return this.personRegistered(eventOf<PersonRegisteredData>(event), tx);
      case 'OfficeAssumed':
      case 'OfficeLeft':
        return this.termFact(eventOf<OfficeAssumedData | OfficeLeftData>(event), tx);
      case 'FactCorrected':
      case 'FactRetracted':
        return this.amended(eventOf<FactCorrectedData | FactRetractedData>(event), tx);
      default:
        return false;
    }
  }

  private async officeEstablished({ id, data, position, recordedAt }: ProjectedEvent<OfficeEstablishedData>, tx: ReadTx) {
    if (typeof data.officeId !== 'string') return false;
    const values = {
      title: String(data.title ?? data.officeId),
      jurisdiction: String(data.jurisdiction ?? ''),
      event_id: id,
      recorded_position: position,
      recorded_at: recordedAt,
    };
    await tx
      .insertInto(LeadershipTables.offices)
      .values({ office_id: data.officeId, ...values })
      .onConflict((oc) => oc.column('office_id').doUpdateSet(values))
      .execute();
    return { officeId: data.officeId };
  }

  private async personRegistered({ id, data, position, recordedAt }: ProjectedEvent<PersonRegisteredData>, tx: ReadTx) {
    if (typeof data.personId !== 'string') return false;
    const values = {
      name: String(data.name ?? data.personId),
      aliases: JSON.stringify(data.aliases ?? []),
      event_id: id,
      recorded_position: position,
      recorded_at: recordedAt,
    };
    await tx
      .insertInto(LeadershipTables.people)
      .values({ person_id: data.personId, ...values })
      .onConflict((oc) => oc.column('person_id').doUpdateSet(values))
      .execute();
    return { personId: data.personId };
  }

  private async termFact(event: ProjectedEvent<OfficeAssumedData | OfficeLeftData>, tx: ReadTx) {
    const { data } = event;
    if (typeof data.officeId !== 'string' || typeof data.personId !== 'string' || !data.occurred) return false;
    const assumed = event.type === 'OfficeAssumed';
    await tx
      .insertInto(LeadershipTables.facts)
      .values({
        event_id: event.id,
        office_id: data.officeId,
        person_id: data.personId,
        kind: assumed ? 'assumed' : 'left',
        acting: bool(assumed && (data as OfficeAssumedData).acting === true),
        reason: assumed ? null : ((data as OfficeLeftData).reason ?? null),
        occurred_date: String(data.occurred.date),
        precision: String(data.occurred.precision),
        confidence: data.confidence ?? null,
        sources: JSON.stringify(data.sources ?? []),
        recorded_position: event.position,
        recorded_at: event.recordedAt,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
    this.touch(tx, data.officeId);
    return { officeId: data.officeId, personId: data.personId };
  }

  private async amended(event: ProjectedEvent<FactCorrectedData | FactRetractedData>, tx: ReadTx) {
    const target = event.data.eventId;
    if (typeof target !== 'string') return false;
    if (event.type === 'FactCorrected') {
      const changes = (event.data as FactCorrectedData).changes ?? {};
      const corrected = await this.correctReference(target, changes, tx);
      if (corrected) return corrected;
    }
    const fact = await tx
      .selectFrom(LeadershipTables.facts)
      .select(['office_id', 'person_id'])
      .where('event_id', '=', target)
      .executeTakeFirst();
    if (!fact) return false; // aimed at a fact this model does not hold
    await tx
      .insertInto(LeadershipTables.amendments)
      .values({
        event_id: event.id,
        target_event_id: target,
        office_id: fact.office_id,
        kind: event.type === 'FactRetracted' ? 'retracted' : 'corrected',
        changes: event.type === 'FactCorrected' ? JSON.stringify((event.data as FactCorrectedData).changes ?? {}) : null,
        reason: event.data.reason ?? null,
        notice: event.data.notice ?? null,
        recorded_position: event.position,
        recorded_at: event.recordedAt,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
    this.touch(tx, fact.office_id);
    // The term fact as recorded, then as each earlier correction of it (stored here, in log order) left it; a
    // correction may name another person, never another office. The change concerns every version (AmendmentKeys).
    const earlier = await earlierCorrections(tx, LeadershipTables.amendments, target, event.position, { column: 'office_id', value: fact.office_id });
    const recorded = { officeId: fact.office_id, personId: fact.person_id };
    const changes = event.type === 'FactCorrected' ? (event.data as FactCorrectedData).changes : undefined;
    return amendmentKeys(recorded, earlier, changes, (term) => ({
      officeId: fact.office_id,
      ...(typeof term.personId === 'string' && { personId: term.personId }),
    }));
  }

  /** A corrected office or person registration is applied in place. */
  private async correctReference(target: string, changes: Record<string, unknown>, tx: ReadTx): Promise<ChangeKeys | null> {
    const office = await tx.selectFrom(LeadershipTables.offices).select('office_id').where('event_id', '=', target).executeTakeFirst();
    if (office) {
      const set: Record<string, string> = {};
      if (typeof changes.title === 'string') set.title = changes.title;
      if (typeof changes.jurisdiction === 'string') set.jurisdiction = changes.jurisdiction;
      if (Object.keys(set).length > 0) await tx.updateTable(LeadershipTables.offices).set(set).where('office_id', '=', office.office_id).execute();
      return { officeId: office.office_id };
    }
    const person = await tx.selectFrom(LeadershipTables.people).select('person_id').where('event_id', '=', target).executeTakeFirst();
    if (person) {
      const set: Record<string, string> = {};
      if (typeof changes.name === 'string') set.name = changes.name;
      if (Array.isArray(changes.aliases)) set.aliases = JSON.stringify(changes.aliases);
      if (Object.keys(set).length > 0) await tx.updateTable(LeadershipTables.people).set(set).where('person_id', '=', person.person_id).execute();
      return { personId: person.person_id };
    }
    return null;
  }
}

/** Rewrites the stored terms of one office from its facts, touching only the rows that changed. */
export async function recomputeOffice(tx: ReadExecutor, officeId: string): Promise<void> {
  const next = computeTerms(await loadTermFacts(tx, officeId)).map((term, seq) => termToRow(officeId, seq, term));
  const existing = (await tx.selectFrom(LeadershipTables.terms).selectAll().where('office_id', '=', officeId).execute()) as TermRow[];
  const bySeq = new Map(existing.map((row) => [Number(row.seq), row]));
  for (const row of next) {
    const old = bySeq.get(row.seq);
    if (old && sameRow(old, row)) continue;
    if (old) {
      const { office_id: _o, seq: _s, ...changes } = row;
      await tx.updateTable(LeadershipTables.terms).set(changes).where('office_id', '=', officeId).where('seq', '=', row.seq).execute();
    } else {
      await tx.insertInto(LeadershipTables.terms).values(row).execute();
    }
  }
  if (existing.length > next.length) {
    await tx.deleteFrom(LeadershipTables.terms).where('office_id', '=', officeId).where('seq', '>=', next.length).execute();
  }
}
