import { deciderSpecification } from '../../../shared/domain/decider-specification.js';
import type { ToppleStatue } from './monuments.commands.js';
import { statueDecider } from './statue.decider.js';

const spec = deciderSpecification(statueDecider);

const topple = (overrides: Partial<ToppleStatue['data']> = {}): ToppleStatue => ({
  type: 'ToppleStatue',
  data: {
    statueId: 'hafez-statue-hama',
    placeId: 'hama',
    depictsPersonId: 'hafez-al-assad',
    occurred: { date: '2024-12', precision: 'month' },
    sources: [{ url: 'https://example.org/video' }],
    description: 'Pulled down in the main square.',
    ...overrides,
  },
});

describe('statue decider', () => {
  it('records a toppling', () => spec.given([]).when(topple()).then([{ type: 'StatueToppled', data: topple().data }]));

  it('refuses to topple a statue twice', () =>
    spec.given([{ type: 'StatueToppled', data: topple().data }]).when(topple()).thenThrows('MONUMENTS.STATUE_ALREADY_TOPPLED', (e) => {
      expect(e.kind).toBe('illegal-state');
      expect(e.errors[0].field).toBe('statueId');
    }));

  it('rejects a year-precision date written as a day', () =>
    spec.given([]).when(topple({ occurred: { date: '2024-12-01', precision: 'year' } })).thenThrows('MONUMENTS.INVALID_OCCURRED'));

  it('a statue whose toppling was retracted can be toppled', () =>
    spec
      .given([{ type: 'StatueToppled', data: topple().data, id: 'e1' }, { type: 'FactRetracted', data: { eventId: 'e1', reason: 'hoax', notice: 'Withdrawn.' } }])
      .when(topple())
      .then([{ type: 'StatueToppled', data: topple().data }]));
});
