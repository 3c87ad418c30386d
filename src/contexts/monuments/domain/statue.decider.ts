import type { FactRetracted } from '../../../shared/domain/corrections.events.js';
import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined, standingFacts } from '../../../shared/domain/fact-rules.js';
import type { StatueCommand } from './monuments.commands.js';
import type { StatueEvent } from './monuments.events.js';

/**
 * The `statue-<statueId>` stream: a statue is toppled once (a second report is a correction, not a new fact),
 * unless the toppling was retracted.
 */
export interface StatueState {
  /** Ids of the StatueToppled events not retracted ('' when read without ids). */
  topplings: readonly string[];
}

export type StatueStreamEvent = (StatueEvent | FactRetracted) & { id?: string };

export const statueDecider: Decider<StatueCommand, StatueStreamEvent, StatueState> = {
  initialState: () => ({ topplings: [] }),

  evolve(state, event) {
    const topplings = standingFacts(state.topplings, event, 'StatueToppled');
    return topplings === state.topplings ? state : { topplings };
  },

  decide(command, state) {
    const { statueId, placeId, depictsPersonId, toppledByFactionId, occurred, sources, confidence, description } = command.data;
    if (state.topplings.length > 0) {
      throw illegalState('MONUMENTS.STATUE_ALREADY_TOPPLED', `statue ${statueId} is already recorded as toppled`, 'statueId');
    }
    assertFact(command.data, 'MONUMENTS');
    const data = defined({ statueId, placeId, depictsPersonId, toppledByFactionId, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence, description });
    return [{ type: 'StatueToppled', data }];
  },
};
