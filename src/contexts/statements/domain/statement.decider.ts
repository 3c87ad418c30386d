import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { StatementCommand } from './statements.commands.js';
import type { StatementEvent } from './statements.events.js';

/** The `statement-<statementId>` stream: a statement is issued once; its id is chosen by the editor. */
export interface StatementState {
  issued: boolean;
}

export const statementDecider: Decider<StatementCommand, StatementEvent, StatementState> = {
  initialState: () => ({ issued: false }),

  evolve: (state, event) => (event.type === 'StatementIssued' ? { issued: true } : state),

  decide(command, state) {
    const { statementId, speakerPersonId, onBehalfOfFactionId, occurred, quote, summary, medium, placeId, sources, confidence } =
      command.data;
    if (state.issued) {
      throw illegalState('STATEMENTS.STATEMENT_ALREADY_ISSUED', `statement ${statementId} already exists`, 'statementId');
    }
    assertFact(command.data, 'STATEMENTS');
    const data = defined({ statementId, speakerPersonId, onBehalfOfFactionId, occurred: { date: occurred.date, precision: occurred.precision }, quote, summary, medium, placeId, sources: cleanSources(sources), confidence });
    return [{ type: 'StatementIssued', data }];
  },
};
