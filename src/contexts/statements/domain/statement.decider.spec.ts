import { deciderSpecification } from '../../../shared/domain/decider-specification.js';
import { statementDecider } from './statement.decider.js';
import type { IssueStatement } from './statements.commands.js';

const spec = deciderSpecification(statementDecider);

const issue = (overrides: Partial<IssueStatement['data']> = {}): IssueStatement => ({
  type: 'IssueStatement',
  data: {
    statementId: 'jawlani-hama',
    speakerPersonId: 'abu-mohammed-al-jawlani',
    onBehalfOfFactionId: 'hts',
    occurred: { date: '2024-12-05', precision: 'day' },
    quote: 'We entered Hama.',
    medium: 'video',
    placeId: 'hama',
    sources: [{ outlet: 'Telegram', note: 'HTS channel' }],
    ...overrides,
  },
});

describe('statement decider', () => {
  it('records a statement', () => spec.given([]).when(issue()).then([{ type: 'StatementIssued', data: issue().data }]));

  it('refuses an existing statement id', () =>
    spec.given([{ type: 'StatementIssued', data: issue().data }]).when(issue({ quote: 'Other words.' })).thenThrows('STATEMENTS.STATEMENT_ALREADY_ISSUED', (e) =>
      expect(e.errors[0].field).toBe('statementId')));

  it('a statement whose issuing was retracted can be recorded anew under its id', () =>
    spec
      .given([{ type: 'StatementIssued', data: issue().data, id: 'e1' }, { type: 'FactRetracted', data: { eventId: 'e1', reason: 'misattributed', notice: 'Withdrawn.' } }])
      .when(issue({ quote: 'Other words.' }))
      .then([{ type: 'StatementIssued', data: issue({ quote: 'Other words.' }).data }]));

  it('requires each source to have an outlet or a url', () =>
    spec.given([]).when(issue({ sources: [{ note: 'heard' }] })).thenThrows('STATEMENTS.SOURCE_INCOMPLETE'));
});
