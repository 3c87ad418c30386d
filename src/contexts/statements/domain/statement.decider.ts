import type { FactRetracted } from '../../../shared/domain/corrections.events.js';
import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined, standingFacts } from '../../../shared/domain/fact-rules.js';
import type { StatementCommand } from './statements.commands.js';
import type { StatementEvent } from './statements.events.js';

/**
 * The `statement-<statementId>` stream: a statement is issued once; its id is chosen by the editor. A retracted
 * statement can be recorded anew under its id (what a correction of its identity is told to do).
 */
export interface StatementState {
  /** Ids of the StatementIssued events not retracted ('' when read without ids). */
  issued: readonly string[];
}

export type StatementStreamEvent = (StatementEvent | FactRetracted) & { id?: string };

export const statementDecider: Decider<StatementCommand, StatementStreamEvent, StatementState> = {
  initialState: () => ({ issued: [] }),

  evolve(state, event) {
    const issued = standingFacts(state.issued, event, 'StatementIssued');
    return issued === state.issued ? state : { issued };
  },

  decide(command, state) {
    const { statementId, speakerPersonId, onBehalfOfFactionId, occurred, quote, summary, medium, placeId, sources, confidence } =
      command.data;
    if (state.issued.length > 0) {
      throw illegalState('STATEMENTS.STATEMENT_ALREADY_ISSUED', `statement ${statementId} already exists`, 'statementId');
    }
    assertFact(command.data, 'STATEMENTS');
    const data = defined({ statementId, speakerPersonId, onBehalfOfFactionId, occurred: { date: occurred.date, precision: occurred.precision }, quote, summary, medium, placeId, sources: cleanSources(sources), confidence });
    return [{ type: 'StatementIssued', data }];
  },
};
