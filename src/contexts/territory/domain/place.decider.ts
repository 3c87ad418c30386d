import type { Decider } from '../../../shared/domain/decider.js';
import { illegalState, notFound, validationError } from '../../../shared/domain/domain-error.js';
import { assertFact, cleanSources, defined } from '../../../shared/domain/fact-rules.js';
import type { PlaceCommand, RegisterPlace, SeizeCity } from './territory.commands.js';
import type { PlaceEvent } from './territory.events.js';

/**
 * The `city-<placeId>` stream: the place's registration, then every seizure. Seizures are facts about valid time
 * that may arrive in any order and may conflict; the read model sorts and marks them, the decider only checks
 * that the place exists and the fact is well-formed.
 */
export interface PlaceState {
  registered: boolean;
}

function register(command: RegisterPlace, state: PlaceState): PlaceEvent[] {
  const { placeId, name, country, kind, coordinates } = command.data;
  if (state.registered) {
    throw illegalState('TERRITORY.PLACE_ALREADY_REGISTERED', `place ${placeId} is already registered`, 'placeId');
  }
  const point = coordinates ? { lat: coordinates.lat, lon: coordinates.lon } : undefined;
  return [{ type: 'PlaceRegistered', data: defined({ placeId, name, country, kind, coordinates: point }) }];
}

function seize(command: SeizeCity, state: PlaceState): PlaceEvent[] {
  const { placeId, factionId, fromFactionId, occurred, sources, confidence, summary } = command.data;
  if (!state.registered) throw notFound('TERRITORY.UNKNOWN_PLACE', `place ${placeId} is not registered`, 'placeId');
  if (fromFactionId === factionId) {
    throw validationError('TERRITORY.SEIZED_FROM_ITSELF', 'fromFactionId', 'a faction cannot seize a place from itself');
  }
  assertFact(command.data, 'TERRITORY');
  const data = defined({ placeId, factionId, fromFactionId, occurred: { date: occurred.date, precision: occurred.precision }, sources: cleanSources(sources), confidence, summary });
  return [{ type: 'CitySeized', data }];
}

export const placeDecider: Decider<PlaceCommand, PlaceEvent, PlaceState> = {
  initialState: () => ({ registered: false }),

  evolve: (state, event) => (event.type === 'PlaceRegistered' ? { registered: true } : state),

  decide(command, state) {
    switch (command.type) {
      case 'RegisterPlace':
        return register(command, state);
      case 'SeizeCity':
        return seize(command, state);
    }
  },
};
