import type { Occurred } from '../../../shared/domain/facts.js';
import { isValidOccurred, occurredStart } from '../../../shared/domain/occurred.js';
import type { LeaveReason } from './leadership.events.js';

/**
 * The terms of one office as a pure function of the OfficeAssumed/OfficeLeft facts known about it. The read model
 * stores the facts and recomputes the office's terms on every change: out-of-order reports, duplicates,
 * corrections and "as known at" queries take the same path, and replaying an event changes nothing.
 */

export interface TermFact {
  eventId: string;
  kind: 'assumed' | 'left';
  personId: string;
  /** OfficeAssumed only. */
  acting?: boolean;
  /** OfficeLeft only. */
  reason?: LeaveReason | null;
  occurred: Occurred;
  /** Recording order (log position). */
  recordedPosition: bigint;
}

/** A term over the half-open valid-time range [start, end): start null = began before anything known, end null = current. */
export interface Term {
  personId: string;
  start: string | null;
  end: string | null;
  acting: boolean;
  /** Null while current, or when the term ended because someone else took office and no departure was reported. */
  endReason: LeaveReason | null;
  /** The previous non-acting holder (other than this term's holder). */
  predecessorId: string | null;
  /** The next non-acting holder (other than this term's holder). */
  successorId: string | null;
  /** Start or end known only to the month or year. */
  approximate: boolean;
  sourceEventIds: string[];
}

export interface Vacancy {
  from: string;
  to: string | null;
}

interface Dated {
  fact: TermFact;
  day: string;
}

const byRecording = (a: Dated, b: Dated) =>
  a.fact.recordedPosition < b.fact.recordedPosition
    ? -1
    : a.fact.recordedPosition > b.fact.recordedPosition
      ? 1
      : a.fact.eventId.localeCompare(b.fact.eventId);

export function computeTerms(facts: readonly TermFact[]): Term[] {
  const days = new Map<string, Dated[]>();
  for (const fact of facts) {
    if (!fact.personId || !fact.occurred || !isValidOccurred(fact.occurred)) continue;
    const day = occurredStart(fact.occurred);
    days.set(day, [...(days.get(day) ?? []), { fact, day }]);
  }

  const terms: Term[] = [];
  let current: Term | null = null;

  const leave = ({ fact, day }: Dated) => {
    const approximate = fact.occurred.precision !== 'day';
    if (current && current.personId === fact.personId) {
      current.end = day;
      current.endReason = fact.reason ?? 'other';
      current.approximate ||= approximate;
      current.sourceEventIds.push(fact.eventId);
      current = null;
      return;
    }
    // Not the holder now: the report explains (or repeats) how their latest term ended.
    const earlier = [...terms].reverse().find((term) => term.personId === fact.personId && term !== current);
    if (earlier) {
      earlier.endReason ??= fact.reason ?? 'other';
      earlier.sourceEventIds.push(fact.eventId);
      return;
    }
    // Nothing known about their start: they held it until they left.
    const term: Term = {
      personId: fact.personId,
      start: null,
      end: day,
      acting: false,
      endReason: fact.reason ?? 'other',
      predecessorId: null,
      successorId: null,
      approximate,
      sourceEventIds: [fact.eventId],
    };
    if (current) terms.splice(terms.indexOf(current), 0, term);
    else terms.push(term);
  };

  const assume = ({ fact, day }: Dated) => {
    const acting = fact.acting === true;
    if (current && current.personId === fact.personId && current.acting === acting) {
      current.sourceEventIds.push(fact.eventId); // a repeated report of the same term
      return;
    }
    if (current) current.end = day; // succeeded without a reported departure: endReason stays null
    current = {
      personId: fact.personId,
      start: day,
      end: null,
      acting,
      endReason: null,
      predecessorId: null,
      successorId: null,
      approximate: fact.occurred.precision !== 'day',
      sourceEventIds: [fact.eventId],
    };
    terms.push(current);
  };

  for (const day of [...days.keys()].sort()) {
    const facts = days.get(day)!.sort(byRecording);
    const holder = (current as Term | null)?.personId;
    // Same day: the holder leaves before the successor takes office; someone who takes office and leaves on one
    // day has a one-day term.
    const leavesFirst = facts.filter((d) => d.fact.kind === 'left' && d.fact.personId === holder);
    const assumes = facts.filter((d) => d.fact.kind === 'assumed');
    const leavesAfter = facts.filter((d) => d.fact.kind === 'left' && d.fact.personId !== holder);
    leavesFirst.forEach(leave);
    assumes.forEach(assume);
    leavesAfter.forEach(leave);
  }

  terms.forEach((term, index) => {
    const other = (candidate: Term) => !candidate.acting && candidate.personId !== term.personId;
    term.predecessorId = [...terms.slice(0, index)].reverse().find(other)?.personId ?? null;
    term.successorId = terms.slice(index + 1).find(other)?.personId ?? null;
  });
  return terms;
}

/** The term covering a day (YYYY-MM-DD), or null when the office was vacant or nothing is known. */
export function termAt(terms: readonly Term[], day: string): Term | null {
  return terms.find((term) => (term.start === null || term.start <= day) && (term.end === null || day < term.end)) ?? null;
}

/** When the office is vacant on `day`: since when (the last earlier term's end), or null if nothing earlier is known. */
export function vacantSince(terms: readonly Term[], day: string): string | null {
  const ended = terms.filter((term) => term.end !== null && term.end <= day).map((term) => term.end as string);
  return ended.length > 0 ? ended.sort()[ended.length - 1] : null;
}

/** Gaps between known terms (and after the last one when it ended). */
export function computeVacancies(terms: readonly Term[]): Vacancy[] {
  const vacancies: Vacancy[] = [];
  terms.forEach((term, index) => {
    if (term.end === null) return;
    const next = terms[index + 1];
    if (!next) vacancies.push({ from: term.end, to: null });
    else if (next.start !== null && next.start > term.end) vacancies.push({ from: term.end, to: next.start });
  });
  return vacancies;
}
