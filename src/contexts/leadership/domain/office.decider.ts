import type { FactCorrected, FactRetracted } from '../../../shared/domain/corrections.events.js';
import type { Decider } from '../../../shared/domain/decider.js';
import { DomainError, illegalState, notFound, validationError } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { Occurred } from '../../../shared/domain/facts.js';
import { isValidOccurred, occurredEnd, occurredStart } from '../../../shared/domain/occurred.js';
import type { AssumeOffice, EstablishOffice, LeaveOffice, OfficeCommand } from './leadership.commands.js';
import type { OfficeEvent } from './leadership.events.js';
import { claimedEnd, compatibleDates, correctTermFact, describeTerm, type FoldedTerm, foldTerms, type OfficeTerms, type Term, type TermFact } from './terms.js';

/**
 * The `office-<officeId>` stream: its establishment, then every term start (OfficeAssumed) and end (OfficeLeft),
 * and the corrections and retractions of those facts. The decider folds the standing facts into terms with the
 * same valid-time function the read model uses (foldTerms), so both sides agree on which terms are open, whatever
 * order the reports arrived in. A term is open until a departure (LeaveOffice) is reported for it.
 */
interface RecordedTermFact extends TermFact {
  retracted: boolean;
}

export interface OfficeState {
  established: boolean;
  facts: RecordedTermFact[];
}

/** Events as read from the stream carry their id, which corrections and retractions point at. */
export type OfficeStreamEvent = (OfficeEvent | FactCorrected | FactRetracted) & { id?: string };

/** The standing (not retracted) facts, as the read model would hold them. */
const standing = (state: OfficeState): TermFact[] => state.facts.filter((fact) => !fact.retracted);

/** The office's terms in valid-time order, as the read model computes them. */
export const officeTerms = (state: OfficeState): OfficeTerms => foldTerms(standing(state));

/** The terms of a person no departure has ended yet (at most one, unless the stream holds older overlaps). */
const openTermsOf = (terms: readonly FoldedTerm[], personId: string) => terms.filter((term) => term.personId === personId && term.departure === null);

/**
 * The terms a person still holds: open ones, except an acting term a later holder ended (the read model shows it
 * ended; a departure may still be reported for it). A full term someone else's start cut short is still held: the
 * office's rules say it must be ended by a departure.
 */
const heldBy = (terms: readonly FoldedTerm[], personId: string) => openTermsOf(terms, personId).filter((term) => term.end === null || !term.acting);

const startDay = (occurred: Occurred) => (isValidOccurred(occurred) ? occurredStart(occurred) : '');

/** The reported start a departure is checked against: the latest, so no report of the start falls after the end. */
const latestStart = (term: Term): Occurred | null => term.startReports.at(-1)?.occurred ?? null;

/** A departure on `end` ends the term before it starts: its last possible day is before the first possible day of the start. */
const endsBeforeStart = (start: Occurred | null, end: Occurred) =>
  start !== null && isValidOccurred(end) && isValidOccurred(start) && occurredEnd(end) < occurredStart(start);

const termOverlap = (officeId: string, term: FoldedTerm, message: string): DomainError =>
  new DomainError('LEADERSHIP.TERM_OVERLAPS', message, 'illegal-state', [{ field: 'occurred', message }], {
    conflictingTerm: {
      officeId,
      personId: term.personId,
      acting: term.acting,
      start: term.startReports[0]?.occurred ?? null,
      end: term.departure ?? (term.end ? { date: term.end, precision: 'day' } : null),
    },
  });

/**
 * What breaks the office's rules in this state, one line per problem: two non-acting terms at once (a term not
 * ended before the next one starts) and terms that end before they start. Corrections may not add any.
 */
export function officeRuleViolations(state: OfficeState): string[] {
  return officeTerms(state).problems;
}

function amend(state: OfficeState, eventId: string, change: (fact: RecordedTermFact) => RecordedTermFact): OfficeState {
  if (!state.facts.some((fact) => fact.eventId === eventId)) return state;
  return { ...state, facts: state.facts.map((fact) => (fact.eventId === eventId ? change(fact) : fact)) };
}

/** The fact a command would add, placed after everything recorded. */
const CANDIDATE = '(this command)';
function candidateFact(state: OfficeState, fact: Omit<TermFact, 'eventId' | 'recordedPosition'>): TermFact {
  return { ...fact, eventId: CANDIDATE, recordedPosition: BigInt(state.facts.length) };
}

function establish(command: EstablishOffice, state: OfficeState): OfficeEvent[] {
  const { officeId, title, jurisdiction } = command.data;
  if (state.established) {
    throw illegalState('LEADERSHIP.OFFICE_ALREADY_ESTABLISHED', `office ${officeId} is already established`, 'officeId');
  }
  return [{ type: 'OfficeEstablished', data: { officeId, title, jurisdiction } }];
}

function assume(command: AssumeOffice, state: OfficeState): OfficeEvent[] {
  const { officeId, personId, acting, occurred, sources, confidence } = command.data;
  if (!state.established) throw notFound('LEADERSHIP.UNKNOWN_OFFICE', `office ${officeId} is not established`, 'officeId');
  const { terms } = officeTerms(state);
  // Another report of the start of a term already recorded (same person and acting flag, no departure between)?
  const candidate = candidateFact(state, { kind: 'assumed', personId, acting: acting ?? false, occurred });
  const after = occurred && typeof occurred === 'object' && isValidOccurred(occurred) ? foldTerms([...standing(state), candidate]).terms : [];
  const joined = after.find((term) => term.sourceEventIds.includes(CANDIDATE));
  const reported = joined?.startReports.filter((report) => !report.sourceEventIds.includes(CANDIDATE) || report.sourceEventIds.length > 1) ?? [];
  const disputes = reported.length > 0 && reported.every((report) => !compatibleDates(report.occurred, occurred));
  // A compatible repeat of an ended term merges into it; of an open term it is refused. A report that disagrees
  // with every recorded start is kept: the term is marked disputed.
  const repeatsEnded = reported.length > 0 && !disputes && joined?.departure !== null;
  if (!disputes && !repeatsEnded && heldBy(terms, personId).length > 0) {
    throw illegalState('LEADERSHIP.ALREADY_HOLDING_OFFICE', `${personId} already holds ${officeId} (a term is open)`, 'personId');
  }
  assertFact(command.data, 'LEADERSHIP');
  if (!acting) {
    // Acting (interim) terms may overlap; two full holders at once may not. A term no departure ended blocks any
    // start after its own, an ended one blocks a start inside it. An earlier term reported late is fine.
    const day = occurredStart(occurred);
    const others = terms.filter((term) => !term.acting && term.personId !== personId && (term.start === null || term.start <= day));
    const open = others.filter((term) => term.departure === null).sort((a, b) => (b.start ?? '').localeCompare(a.start ?? ''))[0];
    if (open) {
      throw termOverlap(officeId, open, `${officeId} is held by ${open.personId} since ${open.startReports[0]?.occurred.date ?? open.start} and that term is not ended: record LeaveOffice for ${open.personId} first (or record this term as acting)`);
    }
    const covering = others.find((term) => day < (claimedEnd(term) ?? ''));
    if (covering) {
      throw termOverlap(officeId, covering, `${occurred.date} falls within ${describeTerm(covering)}: two non-acting terms of ${officeId} cannot overlap`);
    }
  }
  const data = defined({ officeId, personId, acting: acting ?? false, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence });
  return [{ type: 'OfficeAssumed', data }];
}

function leave(command: LeaveOffice, state: OfficeState): OfficeEvent[] {
  const { officeId, personId, reason, occurred, sources, confidence } = command.data;
  if (!state.established) throw notFound('LEADERSHIP.UNKNOWN_OFFICE', `office ${officeId} is not established`, 'officeId');
  const { terms } = officeTerms(state);
  const term = openTermsOf(terms, personId).at(-1);
  if (!term) {
    throw illegalState('LEADERSHIP.NOT_HOLDING_OFFICE', `${personId} does not hold ${officeId} (no open term)`, 'personId');
  }
  assertFact(command.data, 'LEADERSHIP');
  const start = latestStart(term);
  if (endsBeforeStart(start, occurred)) {
    throw validationError('LEADERSHIP.TERM_ENDS_BEFORE_START', 'occurred', `${personId}'s term of ${officeId} started ${start!.date}: it cannot end on ${occurred.date}, before it started`);
  }
  if (!term.acting) {
    const later = terms.find(
      (other) => other !== term && !other.acting && other.personId !== personId && other.start !== null && (term.start === null || other.start >= term.start) && other.start < startDay(occurred),
    );
    if (later) {
      throw termOverlap(officeId, later, `${describeTerm(later)} starts before ${occurred.date}: ${personId}'s term must end on or before ${later.start}`);
    }
  }
  const data = defined({ officeId, personId, reason, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence });
  return [{ type: 'OfficeLeft', data }];
}

/** Where a fact sits in the stream: its id (a placeholder when the event carries none) and its recording order. */
const recorded = (state: OfficeState, id: string | undefined) => ({
  eventId: id ?? `unidentified-${state.facts.length}`,
  recordedPosition: BigInt(state.facts.length),
  retracted: false,
});

export const officeDecider: Decider<OfficeCommand, OfficeStreamEvent, OfficeState> = {
  initialState: () => ({ established: false, facts: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'OfficeEstablished':
        return { ...state, established: true };
      case 'OfficeAssumed': {
        const { personId, acting, occurred } = event.data;
        return { ...state, facts: [...state.facts, { ...recorded(state, event.id), kind: 'assumed', personId, acting: acting === true, occurred }] };
      }
      case 'OfficeLeft': {
        const { personId, reason, occurred } = event.data;
        return { ...state, facts: [...state.facts, { ...recorded(state, event.id), kind: 'left', personId, reason, occurred }] };
      }
      case 'FactRetracted':
        return amend(state, event.data.eventId, (fact) => ({ ...fact, retracted: true }));
      case 'FactCorrected':
        return amend(state, event.data.eventId, (fact) => correctTermFact(fact, event.data.changes ?? {}));
      default:
        return state;
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'EstablishOffice':
        return establish(command, state);
      case 'AssumeOffice':
        return assume(command, state);
      case 'LeaveOffice':
        return leave(command, state);
    }
  },
};

/**
 * A correction or retraction of a term fact must leave the office's rules as valid as they were: it may not make
 * a term end before it starts (400 on `changes.occurred`) nor make two non-acting terms overlap (409). Problems
 * already in the stream (recorded before these rules) do not block unrelated amendments.
 */
export function keepsOfficeRules(before: OfficeState, after: OfficeState): void {
  const known = new Set(officeRuleViolations(before));
  const added = officeRuleViolations(after).filter((violation) => !known.has(violation));
  if (added.length === 0) return;
  const endsEarly = added.find((violation) => violation.endsWith('ends before it starts'));
  if (endsEarly) throw validationError('LEADERSHIP.TERM_ENDS_BEFORE_START', 'changes.occurred', `after this correction ${endsEarly}`);
  throw illegalState('LEADERSHIP.TERM_OVERLAPS', `after this amendment ${added[0]}: two non-acting terms of one office cannot overlap`, 'eventId');
}
