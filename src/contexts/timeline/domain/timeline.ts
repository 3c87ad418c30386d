import { applyChanges } from '../../../shared/domain/corrections.js';
import type { Confidence, Occurred, Precision, Source } from '../../../shared/domain/facts.js';
import { occurredEnd, occurredStart, occurredDateProblem, shareADay } from '../../../shared/domain/occurred.js';

/**
 * The timeline as a pure function of the facts and amendments known: recorded facts (keyed by event id) with their
 * FactCorrected / FactRetracted events applied in log order, put in valid-time order. The projection stores facts
 * and amendments as recorded; the query (and "as known at" queries) take the same path over a prefix of the log.
 */

export const TIMELINE_FACT_TYPES = ['CitySeized', 'StatueToppled', 'StatementIssued', 'OfficeAssumed', 'OfficeLeft'] as const;

export interface RecordedFact {
  eventId: string;
  type: string;
  streamName: string;
  /** The body as recorded. */
  data: Record<string, unknown>;
  recordedPosition: bigint;
  recordedAt: string;
}

export interface RecordedAmendment {
  eventId: string;
  targetEventId: string;
  kind: 'corrected' | 'retracted';
  changes: Record<string, unknown>;
  reason: string | null;
  notice: string | null;
  actor: string | null;
  recordedPosition: bigint;
  recordedAt: string;
}

export interface AmendmentNotice {
  eventId: string;
  notice: string | null;
  reason: string | null;
  actor: string | null;
  recordedAt: string;
}

/** The ids a fact may name; each appears on an entry when the fact (as corrected) names it. */
export const ID_FIELDS = [
  'placeId',
  'factionId',
  'fromFactionId',
  'statueId',
  'depictsPersonId',
  'toppledByFactionId',
  'statementId',
  'speakerPersonId',
  'onBehalfOfFactionId',
  'officeId',
  'personId',
] as const;
const PERSON_FIELDS = ['personId', 'speakerPersonId', 'depictsPersonId'] as const;
const FACTION_FIELDS = ['factionId', 'fromFactionId', 'toppledByFactionId', 'onBehalfOfFactionId'] as const;

export interface TimelineEntry {
  eventId: string;
  type: string;
  streamName: string;
  occurred: Occurred;
  /** The first day the occurred date covers: the entry's place in valid time. */
  effectiveDate: string;
  /** The last day the occurred date covers. */
  endDate: string;
  /** Known only to the month or year. */
  approximate: boolean;
  /** A short text for the entry: the fact's summary, description or quote (as corrected). */
  summary: string | null;
  ids: Partial<Record<(typeof ID_FIELDS)[number], string>>;
  /** The fact's body with every correction applied. */
  data: Record<string, unknown>;
  sources: Source[];
  confidence: Confidence | null;
  /**
   * Another report contradicts it (another faction's seizure of the same place on a date sharing a day with it,
   * unless the later-starting one says it took the place from the earlier one's faction; another report of the
   * start of the same term of office on a date that shares no day with it), or it is marked disputed.
   */
  disputed: boolean;
  /** The other facts it is disputed with. */
  disputedWith: string[];
  corrections: AmendmentNotice[];
  retracted: boolean;
  retraction: AmendmentNotice | null;
  recordedAt: string;
  position: string;
}

export interface TimelineFilter {
  /** YYYY-MM-DD: facts whose valid time ends on or after it. */
  from?: string;
  /** YYYY-MM-DD: facts whose valid time starts on or before it. */
  to?: string;
  placeId?: string;
  personId?: string;
  factionId?: string;
  includeRetracted?: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

function occurredOf(data: Record<string, unknown>): Occurred | null {
  const occurred = data.occurred as Partial<Occurred> | undefined;
  if (!occurred || typeof occurred !== 'object') return null;
  if (occurredDateProblem(occurred.date, occurred.precision) !== undefined) return null;
  return { date: occurred.date as string, precision: occurred.precision as Precision };
}

const notice = (amendment: RecordedAmendment): AmendmentNotice => ({
  eventId: amendment.eventId,
  notice: amendment.notice,
  reason: amendment.reason,
  actor: amendment.actor,
  recordedAt: amendment.recordedAt,
});

const byPosition = (a: { recordedPosition: bigint }, b: { recordedPosition: bigint }) =>
  a.recordedPosition < b.recordedPosition ? -1 : a.recordedPosition > b.recordedPosition ? 1 : 0;

/** Valid-time order: effective date, then the order the desk recorded the facts. */
export function compareEntries(a: Pick<TimelineEntry, 'effectiveDate' | 'position'>, b: Pick<TimelineEntry, 'effectiveDate' | 'position'>): number {
  if (a.effectiveDate !== b.effectiveDate) return a.effectiveDate < b.effectiveDate ? -1 : 1;
  const [pa, pb] = [BigInt(a.position), BigInt(b.position)];
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/**
 * Every fact with its amendments applied, in valid-time order, disputes marked. Retracted facts are kept (marked)
 * so a filter can show them; a fact whose (corrected) valid time is unreadable is left out.
 */
export function buildTimeline(facts: readonly RecordedFact[], amendments: readonly RecordedAmendment[]): TimelineEntry[] {
  const current = new Map<string, { fact: RecordedFact; data: Record<string, unknown>; corrections: AmendmentNotice[]; retraction: AmendmentNotice | null }>();
  for (const fact of facts) current.set(fact.eventId, { fact, data: { ...fact.data }, corrections: [], retraction: null });
  for (const amendment of [...amendments].sort(byPosition)) {
    const entry = current.get(amendment.targetEventId);
    if (!entry || entry.retraction) continue;
    if (amendment.kind === 'retracted') entry.retraction = notice(amendment);
    else {
      entry.data = applyChanges(entry.data, amendment.changes);
      entry.corrections.push(notice(amendment));
    }
  }
  const entries: TimelineEntry[] = [];
  for (const { fact, data, corrections, retraction } of current.values()) {
    const occurred = occurredOf(data);
    if (!occurred) continue;
    const ids: TimelineEntry['ids'] = {};
    for (const field of ID_FIELDS) {
      const value = text(data[field]);
      if (value) ids[field] = value;
    }
    const confidence = (text(data.confidence) as Confidence | null) ?? null;
    entries.push({
      eventId: fact.eventId,
      type: fact.type,
      streamName: fact.streamName,
      occurred,
      effectiveDate: occurredStart(occurred),
      endDate: occurredEnd(occurred),
      approximate: occurred.precision !== 'day',
      summary: text(data.summary) ?? text(data.description) ?? text(data.quote),
      ids,
      data,
      sources: Array.isArray(data.sources) ? (data.sources as Source[]) : [],
      confidence,
      disputed: confidence === 'disputed',
      disputedWith: [],
      corrections,
      retracted: retraction !== null,
      retraction,
      recordedAt: fact.recordedAt,
      position: fact.recordedPosition.toString(),
    });
  }
  markDisputes(entries);
  markDisputedTermStarts(entries);
  return entries.sort(compareEntries);
}

const dispute = (entry: TimelineEntry, rival: TimelineEntry) => {
  entry.disputed = true;
  if (!entry.disputedWith.includes(rival.eventId)) entry.disputedWith.push(rival.eventId);
};

/**
 * Two standing seizures of one place by different factions whose dates share a day dispute each other: effective
 * the same day, or a later-starting one whose first day falls in an earlier one's month or year ("2012-07" and
 * "2012-07-15"), unless the later-starting one names the earlier one's faction as the one it took the place from
 * (`fromFactionId`). The territory read model marks the interval beginning at the later-starting one disputed.
 */
function markDisputes(entries: TimelineEntry[]): void {
  const seizures = new Map<string, TimelineEntry[]>();
  for (const entry of entries) {
    if (entry.type !== 'CitySeized' || entry.retracted || !entry.ids.placeId) continue;
    const place = seizures.get(entry.ids.placeId);
    if (place) place.push(entry);
    else seizures.set(entry.ids.placeId, [entry]);
  }
  for (const place of seizures.values()) {
    place.sort(compareEntries);
    for (let i = 0; i < place.length; i++) {
      const earlier = place[i];
      for (let j = i + 1; j < place.length; j++) {
        const later = place[j];
        if (later.effectiveDate > earlier.endDate) break; // sorted by first day: none further shares a day with it
        if (later.ids.factionId === earlier.ids.factionId || !shareADay(earlier.occurred, later.occurred)) continue;
        // "B took it from A" orders the two reports; a same-day pair stays disputed, as before.
        if (later.effectiveDate !== earlier.effectiveDate && later.ids.fromFactionId === earlier.ids.factionId) continue;
        dispute(earlier, later);
        dispute(later, earlier);
      }
    }
  }
}

/**
 * Two standing OfficeAssumed reports of the same term (same office, person and acting flag, no departure of that
 * person from that office on or between their dates) whose dates share no day ("2000-07-10" and "2000-07-17"; not
 * "2000-07" and "2000-07-17") dispute each other, as the leadership read model marks that term disputed.
 */
function markDisputedTermStarts(entries: TimelineEntry[]): void {
  const standing = entries.filter((entry) => !entry.retracted && entry.ids.officeId && entry.ids.personId);
  const key = (entry: TimelineEntry) => `${entry.ids.officeId}\u0000${entry.ids.personId}`;
  const starts = standing.filter((entry) => entry.type === 'OfficeAssumed');
  const departures = standing.filter((entry) => entry.type === 'OfficeLeft');
  starts.forEach((a, i) =>
    starts.slice(i + 1).forEach((b) => {
      if (key(a) !== key(b) || (a.data.acting === true) !== (b.data.acting === true)) return;
      if (a.effectiveDate <= b.endDate && b.effectiveDate <= a.endDate) return; // compatible dates
      const [from, to] = a.effectiveDate < b.effectiveDate ? [a.effectiveDate, b.effectiveDate] : [b.effectiveDate, a.effectiveDate];
      if (departures.some((left) => key(left) === key(a) && from <= left.effectiveDate && left.effectiveDate <= to)) return;
      dispute(a, b);
      dispute(b, a);
    }),
  );
}

export function matchesFilter(entry: TimelineEntry, filter: TimelineFilter): boolean {
  if (entry.retracted && !filter.includeRetracted) return false;
  if (filter.from && entry.endDate < filter.from) return false;
  if (filter.to && entry.effectiveDate > filter.to) return false;
  if (filter.placeId && entry.ids.placeId !== filter.placeId) return false;
  if (filter.personId && !PERSON_FIELDS.some((field) => entry.ids[field] === filter.personId)) return false;
  if (filter.factionId && !FACTION_FIELDS.some((field) => entry.ids[field] === filter.factionId)) return false;
  return true;
}

/** The timeline as the facts and amendments given make it, filtered. */
export function timeline(facts: readonly RecordedFact[], amendments: readonly RecordedAmendment[], filter: TimelineFilter = {}): TimelineEntry[] {
  return buildTimeline(facts, amendments).filter((entry) => matchesFilter(entry, filter));
}
