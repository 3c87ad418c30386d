import { parseJsonColumn } from '../read-store/json-column.js';

/** A stored FactCorrected / FactRetracted aimed at a fact of a read model. */
export interface AmendmentRowLike {
  event_id: string;
  target_event_id: string;
  kind: string;
  changes: string | null;
  recorded_position: string | number | bigint;
}

/**
 * Applies amendments to facts keyed by event id, in log order: a retraction removes the fact, a correction replaces
 * it with `correct(fact, changes, amendment)`. Amendments aimed at facts not in the map are ignored.
 */
export function applyAmendmentsInLogOrder<Fact, Amendment extends AmendmentRowLike>(
  facts: Map<string, Fact>,
  amendments: readonly Amendment[],
  correct: (fact: Fact, changes: Record<string, unknown>, amendment: Amendment) => Fact,
): Fact[] {
  for (const amendment of inLogOrder(amendments)) {
    const fact = facts.get(amendment.target_event_id);
    if (fact === undefined) continue;
    if (amendment.kind === 'retracted') facts.delete(amendment.target_event_id);
    else facts.set(amendment.target_event_id, correct(fact, parseJsonColumn<Record<string, unknown>>(amendment.changes, {}), amendment));
  }
  return [...facts.values()];
}

/** Stored rows sorted by their log position (a copy; the read store may return them in any order). */
export function inLogOrder<Row extends { recorded_position: string | number | bigint }>(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => {
    const [pa, pb] = [BigInt(a.recorded_position), BigInt(b.recorded_position)];
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
}
