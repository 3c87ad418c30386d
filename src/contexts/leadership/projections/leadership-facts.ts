import { applyAmendmentsInLogOrder } from '../../../infrastructure/projections/amendments.js';
import type { AsAt } from '../../../infrastructure/projections/as-at.js';
import type { ReadExecutor } from '../../../infrastructure/read-store/read-store.js';
import type { Precision } from '../../../shared/domain/facts.js';
import type { LeaveReason } from '../domain/leadership.events.js';
import type { TermFact } from '../domain/terms.js';
import { type LeadershipAmendmentRow, LeadershipTables, type TermFactRow } from './leadership.tables.js';

export interface EffectiveTermFact extends TermFact {
  officeId: string;
}


const str = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function fromRow(row: TermFactRow): EffectiveTermFact {
  return {
    eventId: row.event_id,
    officeId: row.office_id,
    kind: row.kind,
    personId: row.person_id,
    acting: Number(row.acting) === 1,
    reason: (row.reason as LeaveReason | null) ?? null,
    occurred: { date: row.occurred_date, precision: row.precision as Precision },
    recordedPosition: BigInt(row.recorded_position),
  };
}

/** Merges a FactCorrected's `changes` (fields of the OfficeAssumed/OfficeLeft body); the office cannot change. */
function correct(fact: EffectiveTermFact, changes: Record<string, unknown>): EffectiveTermFact {
  const next = { ...fact };
  if (str(changes.personId)) next.personId = changes.personId;
  if (typeof changes.acting === 'boolean') next.acting = changes.acting;
  if (str(changes.reason)) next.reason = changes.reason as LeaveReason;
  const occurred = changes.occurred as { date?: unknown; precision?: unknown } | undefined;
  if (occurred && str(occurred.date) && str(occurred.precision)) {
    next.occurred = { date: occurred.date, precision: occurred.precision as Precision };
  }
  return next;
}

export function applyAmendments(rows: TermFactRow[], amendments: LeadershipAmendmentRow[]): EffectiveTermFact[] {
  const facts = new Map(rows.map((row) => [row.event_id, fromRow(row)]));
  return applyAmendmentsInLogOrder(facts, amendments, (fact, changes) => correct(fact, changes));
}

/** The term facts of one office (all offices when officeId is null) as known now, or as known at `asAt`. */
export async function loadTermFacts(executor: ReadExecutor, officeId: string | null, asAt?: AsAt): Promise<EffectiveTermFact[]> {
  let facts = executor.selectFrom(LeadershipTables.facts).selectAll();
  let amendments = executor.selectFrom(LeadershipTables.amendments).selectAll();
  if (officeId !== null) {
    facts = facts.where('office_id', '=', officeId);
    amendments = amendments.where('office_id', '=', officeId);
  }
  if (asAt?.kind === 'position') {
    facts = facts.where('recorded_position', '<=', asAt.position);
    amendments = amendments.where('recorded_position', '<=', asAt.position);
  } else if (asAt?.kind === 'time') {
    facts = facts.where('recorded_at', '<=', asAt.recordedAt);
    amendments = amendments.where('recorded_at', '<=', asAt.recordedAt);
  }
  const factRows = (await facts.execute()) as TermFactRow[];
  const amendmentRows = (await amendments.execute()) as LeadershipAmendmentRow[];
  return applyAmendments(factRows, amendmentRows);
}
