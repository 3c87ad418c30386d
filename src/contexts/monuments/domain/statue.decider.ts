import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { StatueCommand } from './monuments.commands.js';
import type { StatueEvent } from './monuments.events.js';

/** The `statue-<statueId>` stream: a statue is toppled once (a second report is a correction, not a new fact). */
export interface StatueState {
  toppled: boolean;
}

export const statueDecider: Decider<StatueCommand, StatueEvent, StatueState> = {
  initialState: () => ({ toppled: false }),

  evolve: (state, event) => (event.type === 'StatueToppled' ? { toppled: true } : state),

  decide(command, state) {
    const { statueId, placeId, depictsPersonId, toppledByFactionId, occurred, sources, confidence, description } = command.data;
    if (state.toppled) {
      throw illegalState('MONUMENTS.STATUE_ALREADY_TOPPLED', `statue ${statueId} is already recorded as toppled`, 'statueId');
    }
    assertFact(command.data, 'MONUMENTS');
    const data = defined({ statueId, placeId, depictsPersonId, toppledByFactionId, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence, description });
    return [{ type: 'StatueToppled', data }];
  },
};
