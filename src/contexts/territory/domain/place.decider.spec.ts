import { deciderSpecification } from '../../../shared/domain/decider-specification.js';
import { placeDecider } from './place.decider.js';
import type { RegisterPlace, SeizeCity } from './territory.commands.js';
import type { CitySeized, PlaceRegistered } from './territory.events.js';

const spec = deciderSpecification(placeDecider);

const registerHama: RegisterPlace = {
  type: 'RegisterPlace',
  data: { placeId: 'hama', name: 'Hama', country: 'Syria', kind: 'city', coordinates: { lat: 35.13, lon: 36.75 } },
};
const hamaRegistered: PlaceRegistered = { type: 'PlaceRegistered', data: registerHama.data };

const seizeHama = (overrides: Partial<SeizeCity['data']> = {}): SeizeCity => ({
  type: 'SeizeCity',
  data: {
    placeId: 'hama',
    factionId: 'hts',
    fromFactionId: 'syrian-government',
    occurred: { date: '2024-12-05', precision: 'day' },
    sources: [{ outlet: 'Reuters', url: 'https://www.reuters.com/x' }],
    confidence: 'confirmed',
    ...overrides,
  },
});
const hamaSeized = (command: SeizeCity): CitySeized => ({ type: 'CitySeized', data: command.data });

describe('place decider', () => {
  describe('RegisterPlace', () => {
    it('registers a new place', () => spec.given([]).when(registerHama).then([hamaRegistered]));

    it('leaves out optional fields that were not given', () =>
      spec
        .given([])
        .when({ type: 'RegisterPlace', data: { placeId: 'x', name: 'X', country: 'Y' } })
        .then([{ type: 'PlaceRegistered', data: { placeId: 'x', name: 'X', country: 'Y' } }]));

    it('refuses to register a place twice', () =>
      spec.given([hamaRegistered]).when(registerHama).thenThrows('TERRITORY.PLACE_ALREADY_REGISTERED', (e) => {
        expect(e.kind).toBe('illegal-state');
        expect(e.errors[0].field).toBe('placeId');
      }));
  });

  describe('SeizeCity', () => {
    it('records a seizure of a registered place', () =>
      spec.given([hamaRegistered]).when(seizeHama()).then([hamaSeized(seizeHama())]));

    it('accepts a seizure dated before one already recorded (reports arrive out of order)', () => {
      const later = seizeHama({ occurred: { date: '2024-12-06', precision: 'day' } });
      const earlier = seizeHama({ occurred: { date: '2024-11', precision: 'month' }, factionId: 'syrian-government', fromFactionId: undefined });
      spec.given([hamaRegistered, hamaSeized(later)]).when(earlier).then([
        { type: 'CitySeized', data: { placeId: 'hama', factionId: 'syrian-government', occurred: { date: '2024-11', precision: 'month' }, sources: earlier.data.sources, confidence: 'confirmed' } },
      ]);
    });

    it('records a conflicting report for the same day (the read model marks it disputed)', () =>
      spec.given([hamaRegistered, hamaSeized(seizeHama())]).when(seizeHama({ factionId: 'other' })).then([hamaSeized(seizeHama({ factionId: 'other' }))]));

    it('rejects a seizure of a place that is not registered', () =>
      spec.given([]).when(seizeHama()).thenThrows('TERRITORY.UNKNOWN_PLACE', (e) => expect(e.kind).toBe('not-found')));

    it('rejects a faction seizing a place from itself', () =>
      spec.given([hamaRegistered]).when(seizeHama({ fromFactionId: 'hts' })).thenThrows('TERRITORY.SEIZED_FROM_ITSELF'));

    it('rejects a date that does not exist', () =>
      spec.given([hamaRegistered]).when(seizeHama({ occurred: { date: '2024-02-30', precision: 'day' } })).thenThrows('TERRITORY.INVALID_OCCURRED', (e) =>
        expect(e.errors[0].field).toBe('occurred.date')));

    it('rejects a date that does not match its precision', () =>
      spec.given([hamaRegistered]).when(seizeHama({ occurred: { date: '2024-12-05', precision: 'year' } })).thenThrows('TERRITORY.INVALID_OCCURRED'));

    it('requires a source', () =>
      spec.given([hamaRegistered]).when(seizeHama({ sources: [] })).thenThrows('TERRITORY.SOURCES_REQUIRED'));

    it('requires each source to have an outlet or a url', () =>
      spec.given([hamaRegistered]).when(seizeHama({ sources: [{ outlet: 'AFP' }, { note: 'a rumour' }] })).thenThrows('TERRITORY.SOURCE_INCOMPLETE', (e) =>
        expect(e.errors[0].field).toBe('sources[1].outlet')));

    it('ignores corrections and unknown events when folding', () =>
      spec
        .given([hamaRegistered, { type: 'FactCorrected', data: {} } as never, { type: 'SomethingNew', data: {} } as never])
        .when(seizeHama())
        .then([hamaSeized(seizeHama())]));
  });
});
