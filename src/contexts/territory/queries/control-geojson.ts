import type { MapEntry } from './territory.read-model.js';

/** One place of GET /territory/control.geojson: a Point at [lon, lat] whose properties are the map's answer. */
export interface ControlFeature {
  type: 'Feature';
  id: string;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: Omit<MapEntry, 'coordinates'>;
}

/** GET /territory/control.geojson */
export interface ControlFeatureCollection {
  type: 'FeatureCollection';
  features: ControlFeature[];
}

/**
 * The control map as GeoJSON: the places that have coordinates, in the map's order. One function, so the query
 * endpoint and its explanation cannot answer differently.
 */
export function toFeatureCollection(entries: readonly MapEntry[]): ControlFeatureCollection {
  const features: ControlFeature[] = [];
  for (const { coordinates, ...properties } of entries) {
    if (coordinates === null) continue;
    features.push({ type: 'Feature', id: properties.placeId, geometry: { type: 'Point', coordinates: [coordinates.lon, coordinates.lat] }, properties });
  }
  return { type: 'FeatureCollection', features };
}
