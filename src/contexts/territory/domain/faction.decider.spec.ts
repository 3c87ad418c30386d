import { deciderSpecification } from '../../../shared/domain/decider-specification.js';
import { factionDecider } from './faction.decider.js';

const spec = deciderSpecification(factionDecider);

describe('faction decider', () => {
  it('registers a faction, aliases defaulting to none', () =>
    spec
      .given([])
      .when({ type: 'RegisterFaction', data: { factionId: 'hts', name: 'Hayat Tahrir al-Sham' } })
      .then([{ type: 'FactionRegistered', data: { factionId: 'hts', name: 'Hayat Tahrir al-Sham', aliases: [] } }]));

  it('keeps aliases', () =>
    spec
      .given([])
      .when({ type: 'RegisterFaction', data: { factionId: 'hts', name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] } })
      .then([{ type: 'FactionRegistered', data: { factionId: 'hts', name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] } }]));

  it('refuses to register a faction twice', () =>
    spec
      .given([{ type: 'FactionRegistered', data: { factionId: 'hts', name: 'HTS', aliases: [] } }])
      .when({ type: 'RegisterFaction', data: { factionId: 'hts', name: 'HTS' } })
      .thenThrows('TERRITORY.FACTION_ALREADY_REGISTERED', (e) => expect(e.errors[0].field).toBe('factionId')));
});
