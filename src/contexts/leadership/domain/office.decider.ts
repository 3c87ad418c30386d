import type { FactCorrected, FactRetracted } from '../../../shared/domain/corrections.events.js';
import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState, notFound } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { Occurred } from '../../../shared/domain/facts.js';
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
