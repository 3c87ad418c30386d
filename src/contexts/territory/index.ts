/** What other contexts may use of territory: its queries and the answers' types. */
export { GetControlGeoJsonQuery, GetControlMapQuery, GetPlaceControlQuery, GetPlaceHistoryQuery } from './queries/territory.queries.js';
export type { ControlPeriod, MapEntry, PlaceControl } from './queries/territory.read-model.js';
export type { ControlFeature, ControlFeatureCollection } from './queries/control-geojson.js';
