import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState, notFound } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { Occurred } from '../../../shared/domain/facts.js';
import type { AssumeOffice, EstablishOffice, LeaveOffice, OfficeCommand } from './leadership.commands.js';
import type { OfficeEvent } from './leadership.events.js';

/**
 * The `office-<officeId>` stream: its establishment, then every term start (OfficeAssumed) and end (OfficeLeft).
 * `openTerms` are the terms recorded as started and not yet recorded as ended, whatever their valid-time order:
 * several may be open at once (a successor is often reported before the predecessor's departure).
 */
export interface OfficeState {
  established: boolean;
  openTerms: Record<string, { acting: boolean; since: Occurred }>;
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
  if (state.openTerms[personId]) {
    throw illegalState('LEADERSHIP.ALREADY_HOLDING_OFFICE', `${personId} already holds ${officeId} (a term is open)`, 'personId');
  }
  assertFact(command.data, 'LEADERSHIP');
  const data = defined({ officeId, personId, acting: acting ?? false, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence });
  return [{ type: 'OfficeAssumed', data }];
}

function leave(command: LeaveOffice, state: OfficeState): OfficeEvent[] {
  const { officeId, personId, reason, occurred, sources, confidence } = command.data;
  if (!state.established) throw notFound('LEADERSHIP.UNKNOWN_OFFICE', `office ${officeId} is not established`, 'officeId');
  if (!state.openTerms[personId]) {
    throw illegalState('LEADERSHIP.NOT_HOLDING_OFFICE', `${personId} does not hold ${officeId} (no open term)`, 'personId');
  }
  assertFact(command.data, 'LEADERSHIP');
  const data = defined({ officeId, personId, reason, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence });
  return [{ type: 'OfficeLeft', data }];
}

export const officeDecider: Decider<OfficeCommand, OfficeEvent, OfficeState> = {
  initialState: () => ({ established: false, openTerms: {} }),

  evolve(state, event) {
    switch (event.type) {
      case 'OfficeEstablished':
        return { ...state, established: true };
      case 'OfficeAssumed': {
        const { personId, acting, occurred } = event.data;
        return { ...state, openTerms: { ...state.openTerms, [personId]: { acting, since: occurred } } };
      }
      case 'OfficeLeft': {
        const { [event.data.personId]: _closed, ...openTerms } = state.openTerms;
        return { ...state, openTerms };
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
