import type { Occurred, Precision } from '../../../shared/domain/facts.js';
import { isValidOccurred, occurredEnd, occurredStart } from '../../../shared/domain/occurred.js';
import type { LeaveReason } from './leadership.events.js';

/**
 * The terms of one office as a pure function of the OfficeAssumed/OfficeLeft facts known about it, in valid-time
 * order. This is the one notion of terms: the read model stores the facts and recomputes the office's terms on
 * every change (out-of-order reports, duplicates, corrections and "as known at" queries take the same path, and
 * replaying an event changes nothing), and the office decider folds the same facts with the same function to find
 * open terms and overlaps, so the write side never refuses a command over a term the read model shows ended.
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

/** One reported start of a term: every report of the same date and precision, with the events that reported it. */
export interface StartReport {
  /** The first day the reported date covers. */
  start: string;
  occurred: Occurred;
  approximate: boolean;
  sourceEventIds: string[];
}

/** A term over the half-open valid-time range [start, end): start null = began before anything known, end null = current. */
export interface Term {
  personId: string;
  /** The earliest reported start (see startReports when disputed). */
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
  /** Reports of its start disagree: two of them cover no common day ("2000-07-10" and "2000-07-17"). */
  disputed: boolean;
  /** Each reported start, earliest first. */
  startReports: StartReport[];
  sourceEventIds: string[];
}

/** A term as the fold builds it, with what the write side's rules also need. */
export interface FoldedTerm extends Term {
  /** The reported departure (LeaveOffice), null when none was reported. */
  departure: Occurred | null;
}

export interface Vacancy {
  from: string;
  to: string | null;
}

/** The terms of an office and what breaks the office's rules in them (one line per problem). */
export interface OfficeTerms {
  terms: FoldedTerm[];
  problems: string[];
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

/** Two reported dates are compatible when they cover a common day: "2000-07" and "2000-07-17" are, "2000-07-10" and "2000-07-17" are not. */
export const compatibleDates = (a: Occurred, b: Occurred): boolean =>
  occurredStart(a) <= occurredEnd(b) && occurredStart(b) <= occurredEnd(a);

const sameDate = (a: Occurred, b: Occurred) => a.date === b.date && a.precision === b.precision;

/** The start reports of a term from its OfficeAssumed facts, earliest first (then in recording order). */
function startReportsOf(facts: readonly Dated[]): StartReport[] {
  const reports: StartReport[] = [];
  for (const { fact, day } of [...facts].sort((a, b) => a.day.localeCompare(b.day) || byRecording(a, b))) {
    const same = reports.find((report) => sameDate(report.occurred, fact.occurred));
    if (same) same.sourceEventIds.push(fact.eventId);
    else reports.push({ start: day, occurred: { ...fact.occurred }, approximate: fact.occurred.precision !== 'day', sourceEventIds: [fact.eventId] });
  }
  return reports;
}

const isDisputed = (reports: readonly StartReport[]) =>
  reports.some((a, i) => reports.slice(i + 1).some((b) => !compatibleDates(a.occurred, b.occurred)));

/** A term for the office's rule messages. */
export const describeTerm = (term: Pick<Term, 'personId' | 'start'> & { departure: Occurred | null }) =>
  `${term.personId}'s term from ${term.start ?? 'an unknown date'}${term.departure ? ` to ${occurredStart(term.departure)}` : ' (not ended)'}`;

/**
 * Where a term claims to end: its reported departure (not before the term's start: see effectiveDay); a term no
 * departure ended claims the office for good.
 */
export const claimedEnd = (term: FoldedTerm): string | null => {
  if (!term.departure) return null;
  const day = occurredStart(term.departure);
  return term.start !== null && day < term.start ? term.start : day;
};

/**
 * The day a fact takes effect: the first day its date allows ("2012-07" from 1 July), except that a departure known
 * only to its month or year takes effect no earlier than a start of the same person's inside that month or year.
 * "Took office on 15 July, left in July" ends the term on 15 July (approximate), rather than a fortnight before it
 * began, which would leave them holding the office for good after a phantom term ending on 1 July.
 */
function effectiveDay(fact: TermFact, facts: readonly TermFact[]): string {
  const first = occurredStart(fact.occurred);
  if (fact.kind !== 'left' || fact.occurred.precision === 'day') return first;
  const last = occurredEnd(fact.occurred);
  let day = first;
  for (const other of facts) {
    if (other.kind !== 'assumed' || other.personId !== fact.personId || !other.occurred || !isValidOccurred(other.occurred)) continue;
    const start = occurredStart(other.occurred);
    if (start > day && start <= last) day = start;
  }
  return day;
}

/**
 * Folds the facts of one office in valid-time order. A non-acting holder holds until they leave or the next
 * non-acting holder takes office; acting terms run beside a non-acting one without ending it (the holder on a day
 * is the non-acting one), and end when they leave, another acting holder steps in or a non-acting holder takes
 * office. A second report of a term's start (same person, same acting flag, no departure between) joins that term.
 */
export function foldTerms(facts: readonly TermFact[]): OfficeTerms {
  const days = new Map<string, Dated[]>();
  for (const fact of facts) {
    if (!fact.personId || !fact.occurred || !isValidOccurred(fact.occurred)) continue;
    const day = effectiveDay(fact, facts);
    days.set(day, [...(days.get(day) ?? []), { fact, day }]);
  }

  const terms: FoldedTerm[] = [];
  const starts = new Map<FoldedTerm, Dated[]>();
  /** Departures that did not end a current term, checked against the starts recorded before them. */
  const unmatched: Dated[] = [];
  let full: FoldedTerm | null = null;
  let acting: FoldedTerm[] = [];
  const current = (): FoldedTerm[] => [...(full ? [full] : []), ...acting];

  const leave = (dated: Dated) => {
    const { fact, day } = dated;
    const approximate = fact.occurred.precision !== 'day';
    const reason = fact.reason ?? 'other';
    const mine = current().filter((term) => term.personId === fact.personId);
    if (mine.length > 0) {
      for (const term of mine) {
        term.end = day;
        term.endReason = reason;
        term.departure = fact.occurred;
        term.approximate ||= approximate;
        term.sourceEventIds.push(fact.eventId);
      }
      if (full?.personId === fact.personId) full = null;
      acting = acting.filter((term) => term.personId !== fact.personId);
      return;
    }
    unmatched.push(dated);
    // Not the holder now: the report explains (or repeats) how their latest term ended.
    const earlier = [...terms].reverse().find((term) => term.personId === fact.personId);
    if (earlier) {
      if (earlier.departure === null) {
        earlier.endReason = reason;
        earlier.departure = fact.occurred;
      }
      earlier.sourceEventIds.push(fact.eventId);
      return;
    }
    // Nothing known about their start: they held it until they left.
    const term: FoldedTerm = {
      personId: fact.personId,
      start: null,
      end: day,
      acting: false,
      endReason: reason,
      predecessorId: null,
      successorId: null,
      approximate,
      disputed: false,
      startReports: [],
      sourceEventIds: [fact.eventId],
      departure: fact.occurred,
    };
    const first = current().map((held) => terms.indexOf(held)).sort((a, b) => a - b)[0];
    if (first === undefined) terms.push(term);
    else terms.splice(first, 0, term);
  };

  const assume = (dated: Dated) => {
    const { fact, day } = dated;
    const isActing = fact.acting === true;
    const same = current().find((term) => term.personId === fact.personId && term.acting === isActing);
    if (same) {
      // Another report of the start of the same term.
      same.sourceEventIds.push(fact.eventId);
      starts.get(same)!.push(dated);
      return;
    }
    // Succeeded without a reported departure: endReason stays null.
    for (const term of acting) term.end = day;
    acting = [];
    if (!isActing && full) {
      full.end = day;
      full = null;
    }
    const term: FoldedTerm = {
      personId: fact.personId,
      start: day,
      end: null,
      acting: isActing,
      endReason: null,
      predecessorId: null,
      successorId: null,
      approximate: fact.occurred.precision !== 'day',
      disputed: false,
      startReports: [],
      sourceEventIds: [fact.eventId],
      departure: null,
    };
    starts.set(term, [dated]);
    terms.push(term);
    if (isActing) acting = [term];
    else full = term;
  };

  for (const day of [...days.keys()].sort()) {
    const facts = days.get(day)!.sort(byRecording);
    const holders = new Set(current().map((term) => term.personId));
    // Same day: the holder leaves before the successor takes office; someone who takes office and leaves on one
    // day has a one-day term.
    const leavesFirst = facts.filter((d) => d.fact.kind === 'left' && holders.has(d.fact.personId));
    const assumes = facts.filter((d) => d.fact.kind === 'assumed');
    const leavesAfter = facts.filter((d) => d.fact.kind === 'left' && !holders.has(d.fact.personId));
    leavesFirst.forEach(leave);
    assumes.forEach(assume);
    leavesAfter.forEach(leave);
  }

  terms.forEach((term, index) => {
    term.startReports = startReportsOf(starts.get(term) ?? []);
    term.disputed = isDisputed(term.startReports);
    const other = (candidate: Term) => !candidate.acting && candidate.personId !== term.personId;
    term.predecessorId = [...terms.slice(0, index)].reverse().find(other)?.personId ?? null;
    term.successorId = terms.slice(index + 1).find(other)?.personId ?? null;
  });
  return { terms, problems: [...endsBeforeStart(facts, unmatched), ...overlaps(terms)] };
}

/** The terms alone, as the read model stores and answers them. */
export function computeTerms(facts: readonly TermFact[]): Term[] {
  return foldTerms(facts).terms.map(({ departure: _departure, ...term }) => term);
}

/**
 * A departure that ended no term although a start of the same person recorded before it lies wholly after it: the
 * term it was reported for would end before it starts.
 */
function endsBeforeStart(facts: readonly TermFact[], unmatched: readonly Dated[]): string[] {
  return unmatched.flatMap(({ fact }) => {
    const start = facts.find(
      (other) =>
        other.kind === 'assumed' &&
        other.personId === fact.personId &&
        other.recordedPosition < fact.recordedPosition &&
        isValidOccurred(other.occurred) &&
        occurredEnd(fact.occurred) < occurredStart(other.occurred),
    );
    return start ? [`${fact.personId}'s term from ${start.occurred.date} to ${fact.occurred.date} ends before it starts`] : [];
  });
}

/** Two non-acting terms whose claimed ranges (start to reported departure, or for good) share a day. */
function overlaps(terms: readonly FoldedTerm[]): string[] {
  const main = terms.filter((term) => !term.acting);
  const problems: string[] = [];
  main.forEach((a, i) =>
    main.slice(i + 1).forEach((b) => {
      const [aEnd, bEnd] = [claimedEnd(a), claimedEnd(b)];
      const aBeforeBEnds = bEnd === null || a.start === null || a.start < bEnd;
      const bBeforeAEnds = aEnd === null || b.start === null || b.start < aEnd;
      if (aBeforeBEnds && bBeforeAEnds) problems.push(`${describeTerm(b)} overlaps ${describeTerm(a)}`);
    }),
  );
  return problems;
}

const covers = (term: Term, day: string) => (term.start === null || term.start <= day) && (term.end === null || day < term.end);

/** The term covering a day (YYYY-MM-DD): the non-acting one when an acting term runs beside it; null when vacant or nothing is known. */
export function termAt(terms: readonly Term[], day: string): Term | null {
  const covering = terms.filter((term) => covers(term, day));
  return covering.find((term) => !term.acting) ?? covering[0] ?? null;
}

/** The acting terms covering a day. */
export function actingTermsAt(terms: readonly Term[], day: string): Term[] {
  return terms.filter((term) => term.acting && covers(term, day));
}

/** When the office is vacant on `day`: since when (the last earlier term's end), or null if nothing earlier is known. */
export function vacantSince(terms: readonly Term[], day: string): string | null {
  const ended = terms.filter((term) => term.end !== null && term.end <= day).map((term) => term.end as string);
  return ended.length > 0 ? ended.sort()[ended.length - 1] : null;
}

/** Gaps between known terms (and after the last one when it ended); an acting term inside another fills no gap twice. */
export function computeVacancies(terms: readonly Term[]): Vacancy[] {
  const vacancies: Vacancy[] = [];
  const ordered = [...terms].sort((a, b) => (a.start === null ? -1 : b.start === null ? 1 : a.start.localeCompare(b.start)));
  /** Undefined before the first term; null once a term runs for good. */
  let coveredUntil: string | null | undefined;
  for (const term of ordered) {
    if (typeof coveredUntil === 'string' && term.start !== null && term.start > coveredUntil) vacancies.push({ from: coveredUntil, to: term.start });
    if (coveredUntil === null || term.end === null) coveredUntil = null;
    else coveredUntil = coveredUntil === undefined || term.end > coveredUntil ? term.end : coveredUntil;
  }
  if (typeof coveredUntil === 'string') vacancies.push({ from: coveredUntil, to: null });
  return vacancies;
}

const text = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * A term fact with a FactCorrected's `changes` merged (fields of the OfficeAssumed/OfficeLeft body); the office
 * cannot change. The decider and the read model amend facts with this one function.
 */
export function correctTermFact<F extends TermFact>(fact: F, changes: Record<string, unknown>): F {
  const next = { ...fact };
  if (text(changes.personId)) next.personId = changes.personId;
  if (typeof changes.acting === 'boolean') next.acting = changes.acting;
  if (text(changes.reason)) next.reason = changes.reason as LeaveReason;
  const occurred = changes.occurred as { date?: unknown; precision?: unknown } | undefined;
  if (occurred && typeof occurred === 'object' && text(occurred.date) && text(occurred.precision)) {
    next.occurred = { date: occurred.date, precision: occurred.precision as Precision };
  }
  return next;
}
