import type { FactCorrected, FactRetracted } from '../../../shared/domain/corrections.events.js';
import type { Decider } from '../../../shared/domain/decider.js';
import { DomainError, illegalState, notFound, validationError } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { Occurred } from '../../../shared/domain/facts.js';
import { isValidOccurred, occurredEnd, occurredStart } from '../../../shared/domain/occurred.js';
import type { AssumeOffice, EstablishOffice, LeaveOffice, OfficeCommand } from './leadership.commands.js';
import type { OfficeEvent } from './leadership.events.js';

/**
 * The `office-<officeId>` stream: its establishment, then every term start (OfficeAssumed) and end (OfficeLeft),
 * and the corrections and retractions of those facts. The open terms are the ones recorded as started and not
 * recorded as ended (retracted facts do not count), whatever their valid-time order: several may be open at once
 * (a successor is often reported before the predecessor's departure).
 */
interface TermFact {
  eventId?: string;
  kind: 'assumed' | 'left';
  personId: string;
  acting: boolean;
  since: Occurred;
  retracted: boolean;
}

export interface OfficeState {
  established: boolean;
  facts: TermFact[];
}

/** Events as read from the stream carry their id, which corrections and retractions point at. */
export type OfficeStreamEvent = (OfficeEvent | FactCorrected | FactRetracted) & { id?: string };

export function openTermsOf(state: OfficeState): Record<string, { acting: boolean; since: Occurred }> {
  const open: Record<string, { acting: boolean; since: Occurred }> = {};
  for (const fact of state.facts) {
    if (fact.retracted) continue;
    if (fact.kind === 'assumed') open[fact.personId] = { acting: fact.acting, since: fact.since };
    else delete open[fact.personId];
  }
  return open;
}

/** A term as the office stream records it: started by an OfficeAssumed, ended (or not yet) by an OfficeLeft. */
export interface TermSpan {
  personId: string;
  acting: boolean;
  start: Occurred;
  end?: Occurred;
}

/** The terms in recording order: each departure ends the person's open term (retracted facts do not count). */
export function termsOf(state: OfficeState): TermSpan[] {
  const terms: TermSpan[] = [];
  for (const fact of state.facts) {
    if (fact.retracted) continue;
    const open = terms.find((term) => term.personId === fact.personId && term.end === undefined);
    if (fact.kind === 'assumed') {
      if (!open) terms.push({ personId: fact.personId, acting: fact.acting, start: fact.since });
    } else if (open) open.end = fact.since;
  }
  return terms;
}

const startDay = (occurred: Occurred) => (isValidOccurred(occurred) ? occurredStart(occurred) : '');
const describe = (term: TermSpan) =>
  `${term.personId}'s term from ${term.start.date}${term.end ? ` to ${term.end.date}` : ' (not ended)'}`;

/** Whether `later` (starting no earlier than `earlier`) starts before `earlier` has ended: two holders at once. */
function overlaps(earlier: TermSpan, later: TermSpan): boolean {
  return earlier.end === undefined || startDay(later.start) < startDay(earlier.end);
}

/** A term that ends before it starts: its last possible day of leaving is before its first possible day of taking office. */
const endsBeforeStart = (term: TermSpan) =>
  term.end !== undefined && isValidOccurred(term.end) && isValidOccurred(term.start) && occurredEnd(term.end) < occurredStart(term.start);

const termOverlap = (officeId: string, term: TermSpan, message: string): DomainError =>
  new DomainError('LEADERSHIP.TERM_OVERLAPS', message, 'illegal-state', [{ field: 'occurred', message }], {
    conflictingTerm: { officeId, personId: term.personId, acting: term.acting, start: term.start, end: term.end ?? null },
  });

/**
 * What breaks the office's rules in this state, one line per problem: two non-acting terms at once (a term not
 * ended before the next one starts) and terms that end before they start. Corrections may not add any.
 */
export function officeRuleViolations(state: OfficeState): string[] {
  const terms = termsOf(state);
  const main = terms.filter((term) => !term.acting).sort((a, b) => startDay(a.start).localeCompare(startDay(b.start)));
  const violations = terms.filter(endsBeforeStart).map((term) => `${describe(term)} ends before it starts`);
  main.forEach((earlier, i) =>
    main.slice(i + 1).forEach((later) => {
      if (overlaps(earlier, later)) violations.push(`${describe(later)} overlaps ${describe(earlier)}`);
    }),
  );
  return violations;
}

function amend(state: OfficeState, eventId: string, change: (fact: TermFact) => TermFact): OfficeState {
  if (!state.facts.some((fact) => fact.eventId === eventId)) return state;
  return { ...state, facts: state.facts.map((fact) => (fact.eventId === eventId ? change(fact) : fact)) };
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
  if (openTermsOf(state)[personId]) {
    throw illegalState('LEADERSHIP.ALREADY_HOLDING_OFFICE', `${personId} already holds ${officeId} (a term is open)`, 'personId');
  }
  assertFact(command.data, 'LEADERSHIP');
  if (!acting) {
    // Acting (interim) terms may overlap; two full holders at once may not. A term still open blocks any new one,
    // an ended one blocks a start inside it. An earlier term reported late (starting before every other) is fine.
    const day = occurredStart(occurred);
    const open = termsOf(state).find((term) => !term.acting && term.end === undefined && startDay(term.start) <= day);
    if (open) {
      throw termOverlap(officeId, open, `${officeId} is held by ${open.personId} since ${open.start.date} and that term is not ended: record LeaveOffice for ${open.personId} first (or record this term as acting)`);
    }
    const covering = termsOf(state).find((term) => !term.acting && term.end !== undefined && startDay(term.start) <= day && day < startDay(term.end));
    if (covering) {
      throw termOverlap(officeId, covering, `${occurred.date} falls within ${describe(covering)}: two non-acting terms of ${officeId} cannot overlap`);
    }
  }
  const data = defined({ officeId, personId, acting: acting ?? false, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence });
  return [{ type: 'OfficeAssumed', data }];
}

function leave(command: LeaveOffice, state: OfficeState): OfficeEvent[] {
  const { officeId, personId, reason, occurred, sources, confidence } = command.data;
  if (!state.established) throw notFound('LEADERSHIP.UNKNOWN_OFFICE', `office ${officeId} is not established`, 'officeId');
  if (!openTermsOf(state)[personId]) {
    throw illegalState('LEADERSHIP.NOT_HOLDING_OFFICE', `${personId} does not hold ${officeId} (no open term)`, 'personId');
  }
  assertFact(command.data, 'LEADERSHIP');
  const terms = termsOf(state);
  const term = terms.find((candidate) => candidate.personId === personId && candidate.end === undefined);
  if (term) {
    const ended: TermSpan = { ...term, end: occurred };
    if (endsBeforeStart(ended)) {
      throw validationError('LEADERSHIP.TERM_ENDS_BEFORE_START', 'occurred', `${personId}'s term of ${officeId} started ${term.start.date}: it cannot end on ${occurred.date}, before it started`);
    }
    if (!term.acting) {
      const later = terms.find(
        (other) => other !== term && !other.acting && startDay(other.start) >= startDay(term.start) && startDay(other.start) < startDay(occurred),
      );
      if (later) {
        throw termOverlap(officeId, later, `${describe(later)} starts before ${occurred.date}: ${personId}'s term must end on or before ${later.start.date}`);
      }
    }
  }
  const data = defined({ officeId, personId, reason, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence });
  return [{ type: 'OfficeLeft', data }];
}

export const officeDecider: Decider<OfficeCommand, OfficeStreamEvent, OfficeState> = {
  initialState: () => ({ established: false, facts: [] }),

  evolve(state, event) {
    switch (event.type) {
      case 'OfficeEstablished':
        return { ...state, established: true };
      case 'OfficeAssumed': {
        const { personId, acting, occurred } = event.data;
        return { ...state, facts: [...state.facts, { eventId: event.id, kind: 'assumed', personId, acting, since: occurred, retracted: false }] };
      }
      case 'OfficeLeft': {
        const { personId, occurred } = event.data;
        return { ...state, facts: [...state.facts, { eventId: event.id, kind: 'left', personId, acting: false, since: occurred, retracted: false }] };
      }
      case 'FactRetracted':
        return amend(state, event.data.eventId, (fact) => ({ ...fact, retracted: true }));
      case 'FactCorrected': {
        const { personId, acting, occurred } = event.data.changes ?? {};
        return amend(state, event.data.eventId, (fact) => ({
          ...fact,
          ...(typeof personId === 'string' ? { personId } : {}),
          ...(typeof acting === 'boolean' ? { acting } : {}),
          ...(occurred && typeof occurred === 'object' ? { since: occurred as Occurred } : {}),
        }));
      }
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
