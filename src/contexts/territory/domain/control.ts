import type { Confidence, Occurred, Precision } from '../../../shared/domain/facts.js';
import { isValidOccurred, occurredEnd, occurredStart, shareADay } from '../../../shared/domain/occurred.js';

/**
 * Territorial control as a pure function of the seizure facts known about one place. The read model stores the
 * facts and recomputes a place's whole timeline from them on every change, so out-of-order reports, duplicates,
 * corrections and "as known at" queries all take the same path and replaying an event changes nothing.
 */

/** A CitySeized fact (with any corrections already merged in). */
export interface SeizureFact {
  eventId: string;
  factionId: string;
  fromFactionId?: string | null;
  occurred: Occurred;
  confidence?: Confidence | null;
  /** Recording order (log position): the later-recorded report wins a same-day tie. */
  recordedPosition: bigint;
}

/**
 * Control of a place over a half-open valid-time range [from, to): `from` null = since before anything known,
 * `to` null = still current. A seizure takes effect on the first day its date covers.
 */
export interface ControlInterval {
  controller: string | null;
  from: string | null;
  to: string | null;
  /**
   * Several factions were reported taking it on the same day; or a report of another faction's seizure, starting
   * earlier, has a date sharing a day with the report this interval begins at (see `disputesEarlier`); or a
   * report's confidence is "disputed".
   */
  disputed: boolean;
  /** The factions reported in control over this interval (one unless disputed), sorted. */
  contenders: string[];
  /** The events that establish this interval, with the earlier-starting reports it disputes, in recording order. */
  sourceEventIds: string[];
  /** The start is known only to the month or year. */
  approximate: boolean;
  /** Inferred from a seizure's fromFactionId: nothing earlier is known about the place. */
  inferred: boolean;
}

interface Group {
  validFrom: string;
  facts: SeizureFact[];
}

const byRecording = (a: SeizureFact, b: SeizureFact) =>
  a.recordedPosition < b.recordedPosition ? -1 : a.recordedPosition > b.recordedPosition ? 1 : a.eventId.localeCompare(b.eventId);

/** The later-recorded of several contenders holds the interval (deterministic, explained by `contenders`). */
function lastRecorded(facts: SeizureFact[]): SeizureFact {
  return [...facts].sort(byRecording)[facts.length - 1];
}

const isApproximate = (precision: Precision) => precision !== 'day';

/**
 * Two reports of different factions seizing the place whose dates share a day cannot be ordered by their dates:
 * the later-starting one disputes the earlier-starting one, unless it says it took the place from that faction
 * (`fromFactionId`), which orders them.
 */
function disputesEarlier(later: SeizureFact, earlier: SeizureFact): boolean {
  return later.factionId !== earlier.factionId && later.fromFactionId !== earlier.factionId && shareADay(earlier.occurred, later.occurred);
}

export function computeControlIntervals(facts: readonly SeizureFact[]): ControlInterval[] {
  const valid = facts.filter((fact) => fact.factionId && fact.occurred && isValidOccurred(fact.occurred));
  const groups = new Map<string, Group>();
  for (const fact of valid) {
    const validFrom = occurredStart(fact.occurred);
    const group = groups.get(validFrom) ?? { validFrom, facts: [] };
    group.facts.push(fact);
    groups.set(validFrom, group);
  }
  const ordered = [...groups.values()].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
  if (ordered.length === 0) return [];

  const intervals: ControlInterval[] = [];
  const first = ordered[0];
  const baseline = first.facts.filter((fact) => fact.fromFactionId);
  if (baseline.length > 0) {
    const contenders = [...new Set(baseline.map((fact) => fact.fromFactionId as string))].sort();
    intervals.push({
      controller: lastRecorded(baseline).fromFactionId as string,
      from: null,
      to: first.validFrom,
      disputed: contenders.length > 1,
      contenders,
      sourceEventIds: [...baseline].sort(byRecording).map((fact) => fact.eventId),
      approximate: false,
      inferred: true,
    });
  }

  // The reports of earlier groups whose dates still cover the current group's first day (a month or a year).
  let open: SeizureFact[] = [];
  for (const group of ordered) {
    open = open.filter((earlier) => occurredEnd(earlier.occurred) >= group.validFrom);
    const facts = [...group.facts].sort(byRecording);
    // The interval begins at this group; the earlier-starting reports it disputes are listed with it.
    const rivals = open.filter((earlier) => facts.some((later) => disputesEarlier(later, earlier)));
    open.push(...facts);
    const contenders = [...new Set([...facts, ...rivals].map((fact) => fact.factionId))].sort();
    const disputed = contenders.length > 1 || facts.some((fact) => fact.confidence === 'disputed');
    const interval: ControlInterval = {
      controller: lastRecorded(facts).factionId,
      from: group.validFrom,
      to: null,
      disputed,
      contenders,
      sourceEventIds: [...facts, ...rivals].sort(byRecording).map((fact) => fact.eventId),
      approximate: facts.every((fact) => isApproximate(fact.occurred.precision)),
      inferred: false,
    };
    const previous = intervals[intervals.length - 1];
    // A later report of the same faction taking a place it already holds confirms the interval; it does not split it.
    if (previous && !previous.disputed && !interval.disputed && previous.controller === interval.controller) {
      previous.sourceEventIds.push(...interval.sourceEventIds);
      previous.inferred = false;
      continue;
    }
    if (previous) previous.to = interval.from;
    intervals.push(interval);
  }
  return intervals;
}

/** The interval covering a day (YYYY-MM-DD), or null when nothing is known about the place on that day. */
export function intervalAt(intervals: readonly ControlInterval[], day: string): ControlInterval | null {
  return (
    intervals.find((interval) => (interval.from === null || interval.from <= day) && (interval.to === null || day < interval.to)) ??
    null
  );
}
