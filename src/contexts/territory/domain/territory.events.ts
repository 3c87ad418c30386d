import type { Confidence, Occurred, Source } from '../../../shared/domain/facts.js';

/** Wire contract: event type names and fields are never renamed. */

export interface FactionRegisteredData {
  factionId: string;
  name: string;
  aliases: string[];
}

export const PLACE_KINDS = ['city', 'town', 'village', 'region', 'site'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export interface PlaceRegisteredData {
  placeId: string;
  name: string;
  country: string;
  kind?: PlaceKind;
  coordinates?: { lat: number; lon: number };
}

export interface CitySeizedData {
  placeId: string;
  factionId: string;
  fromFactionId?: string;
  occurred: Occurred;
  sources: Source[];
  confidence?: Confidence;
  summary?: string;
}

export type FactionRegistered = { type: 'FactionRegistered'; data: FactionRegisteredData };
export type PlaceRegistered = { type: 'PlaceRegistered'; data: PlaceRegisteredData };
export type CitySeized = { type: 'CitySeized'; data: CitySeizedData };

export type FactionEvent = FactionRegistered;
/** The `city-<placeId>` stream holds the place's registration and every seizure of it. */
export type PlaceEvent = PlaceRegistered | CitySeized;
