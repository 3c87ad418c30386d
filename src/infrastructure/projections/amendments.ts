import { parseJsonColumn } from '../read-store/json-column.js';
import type { ReadTx } from '../read-store/read-store.js';

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

/**
 * The `changes` of the corrections of one fact stored in a read model's amendments table before log position
 * `before`, in log order: the fact as recorded, then as each of them left it (see `amendmentKeys`). `scope` narrows
 * the read to an indexed column the table is queried by (the fact's place or office).
 */
export async function earlierCorrections(
  tx: ReadTx,
  table: string,
  target: string,
  before: bigint,
  scope?: { column: string; value: string },
): Promise<Record<string, unknown>[]> {
  let query = tx.selectFrom(table).select(['changes', 'recorded_position']);
  if (scope) query = query.where(scope.column, '=', scope.value);
  const rows = await query
    .where('target_event_id', '=', target)
    .where('kind', '=', 'corrected')
    .where('recorded_position', '<', before)
    .execute();
  return inLogOrder(rows as Array<{ changes: string | null; recorded_position: string | number | bigint }>).map((row) =>
    parseJsonColumn<Record<string, unknown>>(row.changes, {}),
  );
}
