import { applyAmendmentsInLogOrder } from '../../../infrastructure/projections/amendments.js';
import { type AsAt, recordedBy } from '../../../infrastructure/projections/as-at.js';
import type { ReadExecutor } from '../../../infrastructure/read-store/read-store.js';
import type { Confidence, Occurred, Precision } from '../../../shared/domain/facts.js';
import type { SeizureFact } from '../domain/control.js';
import { type AmendmentRow, type SeizureRow, TerritoryTables } from './territory.tables.js';

/** A seizure as currently known: the recorded fact with its corrections merged in (retracted ones dropped). */
export interface EffectiveSeizure extends SeizureFact {
  placeId: string;
  recordedAt: string;
  correctedBy: string[];
}


type TimelineRow = Omit<SeizureRow, 'sources' | 'summary'>;

function fromRow(row: TimelineRow): EffectiveSeizure {
  return {
    eventId: row.event_id,
    placeId: row.place_id,
    factionId: row.faction_id,
    fromFactionId: row.from_faction_id,
    occurred: { date: row.occurred_date, precision: row.precision as Precision },
    confidence: (row.confidence as Confidence | null) ?? null,
    recordedPosition: BigInt(row.recorded_position),
    recordedAt: row.recorded_at,
    correctedBy: [],
  };
}

const str = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** Merges a FactCorrected's `changes` (fields of the CitySeized body) into a seizure; the place cannot change. */
function correct(fact: EffectiveSeizure, changes: Record<string, unknown>, by: string): EffectiveSeizure {
  const next = { ...fact, correctedBy: [...fact.correctedBy, by] };
  if (str(changes.factionId)) next.factionId = changes.factionId;
  if ('fromFactionId' in changes) next.fromFactionId = str(changes.fromFactionId) ? changes.fromFactionId : null;
  const occurred = changes.occurred as Partial<Occurred> | undefined;
  if (occurred && str(occurred.date) && str(occurred.precision)) {
    next.occurred = { date: occurred.date, precision: occurred.precision as Precision };
  }
  if ('confidence' in changes) next.confidence = str(changes.confidence) ? (changes.confidence as Confidence) : null;
  return next;
}

/** Applies amendments (in log order) to recorded seizures. */
export function applyAmendments(seizures: TimelineRow[], amendments: AmendmentRow[]): EffectiveSeizure[] {
  const facts = new Map(seizures.map((row) => [row.event_id, fromRow(row)]));
  return applyAmendmentsInLogOrder(facts, amendments, (fact, changes, amendment) => correct(fact, changes, amendment.event_id));
}

/** What the timeline needs: sources and summary stay in the table (they are only read to explain an answer). */
const TIMELINE_COLUMNS = ['event_id', 'place_id', 'faction_id', 'from_faction_id', 'occurred_date', 'precision', 'confidence', 'recorded_position', 'recorded_at'] as const;

/** The seizures of one place, of several, or of all (null) as known now, or as known at `asAt`. */
export async function loadSeizures(
  executor: ReadExecutor,
  placeId: string | readonly string[] | null,
  asAt?: AsAt,
): Promise<EffectiveSeizure[]> {
  if (Array.isArray(placeId) && placeId.length === 0) return [];
  let seizures = executor.selectFrom(TerritoryTables.seizures).select(TIMELINE_COLUMNS);
  let amendments = executor.selectFrom(TerritoryTables.amendments).selectAll();
  if (typeof placeId === 'string') {
    seizures = seizures.where('place_id', '=', placeId);
    amendments = amendments.where('place_id', '=', placeId);
  } else if (placeId !== null) {
    seizures = seizures.where('place_id', 'in', placeId);
    amendments = amendments.where('place_id', 'in', placeId);
  }
  seizures = recordedBy(seizures, asAt);
  amendments = recordedBy(amendments, asAt);
  const seizureRows = await seizures.execute();
  const amendmentRows = await amendments.execute();
  return applyAmendments(seizureRows as TimelineRow[], amendmentRows as AmendmentRow[]);
}
