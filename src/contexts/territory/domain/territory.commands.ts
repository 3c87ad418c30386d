import type { CitySeizedData, PlaceRegisteredData } from './territory.events.js';

/** Commands are data: everything a decider needs arrives in them (no clock, no I/O). */
export type RegisterFaction = { type: 'RegisterFaction'; data: { factionId: string; name: string; aliases?: string[] } };
export type RegisterPlace = { type: 'RegisterPlace'; data: PlaceRegisteredData };
export type SeizeCity = { type: 'SeizeCity'; data: CitySeizedData };

export type FactionCommand = RegisterFaction;
/** Commands decided against the `city-<placeId>` stream. */
export type PlaceCommand = RegisterPlace | SeizeCity;
