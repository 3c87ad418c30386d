import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState } from '../../../shared/domain/domain-error.js';
import type { PersonCommand } from './leadership.commands.js';
import type { PersonEvent } from './leadership.events.js';

/** The `person-<personId>` stream: a person is registered once. */
export interface PersonState {
  registered: boolean;
}

export const personDecider: Decider<PersonCommand, PersonEvent, PersonState> = {
  initialState: () => ({ registered: false }),

  evolve: (state, event) => (event.type === 'PersonRegistered' ? { registered: true } : state),

  decide(command, state) {
    const { personId, name, aliases } = command.data;
    if (state.registered) {
      throw illegalState('LEADERSHIP.PERSON_ALREADY_REGISTERED', `person ${personId} is already registered`, 'personId');
    }
    return [{ type: 'PersonRegistered', data: { personId, name, aliases: aliases ?? [] } }];
  },
};
