import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState } from '../../../shared/domain/domain-error.js';
import type { FactionCommand } from './territory.commands.js';
import type { FactionEvent } from './territory.events.js';

/** The `faction-<factionId>` stream: a faction is registered once. */
export interface FactionState {
  registered: boolean;
}

export const factionDecider: Decider<FactionCommand, FactionEvent, FactionState> = {
  initialState: () => ({ registered: false }),

  evolve: (state, event) => (event.type === 'FactionRegistered' ? { registered: true } : state),

  decide(command, state) {
    const { factionId, name, aliases } = command.data;
    if (state.registered) {
      throw illegalState('TERRITORY.FACTION_ALREADY_REGISTERED', `faction ${factionId} is already registered`, 'factionId');
    }
    return [{ type: 'FactionRegistered', data: { factionId, name, aliases: aliases ?? [] } }];
  },
};
