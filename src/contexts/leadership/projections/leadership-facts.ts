import { applyAmendmentsInLogOrder } from '../../../infrastructure/projections/amendments.js';
import { type AsAt, recordedBy } from '../../../infrastructure/projections/as-at.js';
import type { ReadExecutor } from '../../../infrastructure/read-store/read-store.js';
import type { Precision } from '../../../shared/domain/facts.js';
import type { LeaveReason } from '../domain/leadership.events.js';
import { correctTermFact, type TermFact } from '../domain/terms.js';
import { type LeadershipAmendmentRow, LeadershipTables, type TermFactRow } from './leadership.tables.js';

export interface EffectiveTermFact extends TermFact {
  officeId: string;
}


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

export function applyAmendments(rows: TermFactRow[], amendments: LeadershipAmendmentRow[]): EffectiveTermFact[] {
  const facts = new Map(rows.map((row) => [row.event_id, fromRow(row)]));
  return applyAmendmentsInLogOrder(facts, amendments, (fact, changes) => correctTermFact(fact, changes));
}

/** The term facts of one office (all offices when officeId is null) as known now, or as known at `asAt`. */
export async function loadTermFacts(executor: ReadExecutor, officeId: string | null, asAt?: AsAt): Promise<EffectiveTermFact[]> {
  let facts = executor.selectFrom(LeadershipTables.facts).selectAll();
  let amendments = executor.selectFrom(LeadershipTables.amendments).selectAll();
  if (officeId !== null) {
    facts = facts.where('office_id', '=', officeId);
    amendments = amendments.where('office_id', '=', officeId);
  }
  facts = recordedBy(facts, asAt);
  amendments = recordedBy(amendments, asAt);
  const factRows = (await facts.execute()) as TermFactRow[];
  const amendmentRows = (await amendments.execute()) as LeadershipAmendmentRow[];
  return applyAmendments(factRows, amendmentRows);
}
