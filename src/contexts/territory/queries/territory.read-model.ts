import { Inject, Injectable, Optional } from '@nestjs/common';
import { type CompiledQuery, sql } from 'kysely';
import { type AsAt, recordedBy } from '../../../infrastructure/projections/as-at.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../../../infrastructure/read-store/read-store.tokens.js';
import { reusableQuery } from '../../../infrastructure/read-store/reusable-query.js';
import { computeControlIntervals, type ControlInterval, intervalAt } from '../domain/control.js';
import { rowToInterval } from '../projections/territory-control.projection.js';
import { loadSeizures } from '../projections/territory-facts.js';
import { type IntervalRow, type PlaceRow, TerritoryTables } from '../projections/territory.tables.js';
import { PlaceTimelineCache, type StoredPlace } from './place-timeline.cache.js';

/** GET /territory/places/:placeId/control */
export interface PlaceControl {
  placeId: string;
  /** Faction id, or null when nothing is known about the place on that day. */
  controller: string | null;
  /** First day of the current interval (null: since before anything known, or nothing known). */
  since: string | null;
  /** First day of the next interval known (exclusive end), null when open. */
  until: string | null;
  disputed: boolean;
  contenders: string[];
  sourceEventIds: string[];
  approximate: boolean;
}

/** One entry of GET /territory/places/:placeId/history */
export interface ControlPeriod {
  controller: string | null;
  from: string | null;
  /** Exclusive: the day the next interval takes effect; null for the current one. */
  to: string | null;
  disputed: boolean;
  contenders: string[];
  sourceEventIds: string[];
  approximate: boolean;
}

export interface PlaceSummary {
  placeId: string;
  name: string;
  country: string;
  kind: string | null;
  coordinates: { lat: number; lon: number } | null;
}

export type MapEntry = PlaceControl & { name: string | null; coordinates: { lat: number; lon: number } | null };

export function toControl(placeId: string, intervals: readonly ControlInterval[], asOf: string): PlaceControl {
  const interval = intervalAt(intervals, asOf);
  return {
    placeId,
    controller: interval?.controller ?? null,
    since: interval?.from ?? null,
    until: interval?.to ?? null,
    disputed: interval?.disputed ?? false,
    contenders: interval?.contenders ?? [],
    sourceEventIds: interval?.sourceEventIds ?? [],
    approximate: interval?.approximate ?? false,
  };
}

export const toPeriod = ({ controller, from, to, disputed, contenders, sourceEventIds, approximate }: ControlInterval): ControlPeriod => ({
  controller,
  from,
  to,
  disputed,
  contenders,
  sourceEventIds,
  approximate,
});

function summary(row: PlaceRow): PlaceSummary {
  return {
    placeId: row.place_id,
    name: row.name,
    country: row.country,
    kind: row.kind,
    coordinates: row.lat !== null && row.lon !== null ? { lat: Number(row.lat), lon: Number(row.lon) } : null,
  };
}

/**
 * Queries of the territorial-control read model. Current answers read the stored timelines; `asAt` answers
 * recompute them with the same pure function from the facts recorded up to that point.
 */
@Injectable()
export class TerritoryReadModel {
  /** Registered, or named by a seizure: one statement, compiled once. */
  private readonly knownPlace: (values: { placeId: string }) => CompiledQuery<unknown>;
  /** A place's stored timeline in order: one statement, compiled once. */
  private readonly storedTimeline: (values: { placeId: string }) => CompiledQuery<IntervalRow>;

  constructor(
    @Inject(READ_DB) private readonly db: ReadDb,
    @Optional() @Inject(PlaceTimelineCache) private readonly cache?: PlaceTimelineCache,
  ) {
    this.knownPlace = reusableQuery(['placeId'], (p) =>
      db
        .selectFrom(TerritoryTables.places)
        .select(sql.lit(1).as('known'))
        .where('place_id', '=', p.placeId)
        .unionAll(db.selectFrom(TerritoryTables.seizures).select(sql.lit(1).as('known')).where('place_id', '=', p.placeId))
        .limit(sql.lit(1)),
    );
    this.storedTimeline = reusableQuery(['placeId'], (p) =>
      db.selectFrom(TerritoryTables.intervals).selectAll().where('place_id', '=', p.placeId).orderBy('seq'),
    );
  }

  /**
   * The current stored timeline of a place and whether it is known, from memory when PlaceTimelineCache is on (the
   * same answer as the store's: see there), else read from the store.
   */
  storedPlace(placeId: string): Promise<StoredPlace> {
    return this.cache ? this.cache.get(placeId, () => this.readStoredPlace(placeId)) : this.readStoredPlace(placeId);
  }

  /** One read when the place has a timeline: intervals are only ever computed from seizures naming the place. */
  private async readStoredPlace(placeId: string): Promise<StoredPlace> {
    const { rows } = await this.db.executeQuery(this.storedTimeline({ placeId }));
    const intervals = rows.map(rowToInterval);
    return { intervals, known: intervals.length > 0 || (await this.placeKnown(placeId)) };
  }

  async place(placeId: string): Promise<PlaceSummary | null> {
    const row = await this.db.selectFrom(TerritoryTables.places).selectAll().where('place_id', '=', placeId).executeTakeFirst();
    return row ? summary(row as PlaceRow) : null;
  }

  /** Registered, or at least named by a seizure. */
  async placeKnown(placeId: string): Promise<boolean> {
    return (await this.db.executeQuery(this.knownPlace({ placeId }))).rows.length > 0;
  }

  /**
   * As known at `asAt`: registered, or at least named by a seizure, recorded by then. The map as known at `asAt`
   * lists the same places: one registered later was not known yet.
   */
  async placeKnownAt(placeId: string, asAt: AsAt): Promise<boolean> {
    const known = await recordedBy(this.db.selectFrom(TerritoryTables.places).select(sql.lit(1).as('known')).where('place_id', '=', placeId), asAt)
      .unionAll(recordedBy(this.db.selectFrom(TerritoryTables.seizures).select(sql.lit(1).as('known')).where('place_id', '=', placeId), asAt))
      .limit(sql.lit(1))
      .execute();
    return known.length > 0;
  }

  /** The stored timeline, or as known at `asAt` recomputed from the facts recorded by then. */
  async intervals(placeId: string, asAt?: AsAt): Promise<readonly ControlInterval[]> {
    if (asAt) return computeControlIntervals(await loadSeizures(this.db, placeId, asAt));
    return (await this.storedPlace(placeId)).intervals;
  }

  /** Every known place's controller on `asOf` (optionally only those a faction controls), by place id. */
  async controlOfAll(asOf: string, options: { factionId?: string; asAt?: AsAt } = {}): Promise<MapEntry[]> {
    // As known at asAt, a place registered later was not on the map yet (its seizures are later still), as
    // placeKnownAt answers for one place.
    const registered = recordedBy(this.db.selectFrom(TerritoryTables.places).selectAll(), options.asAt);
    const places = ((await registered.execute()) as PlaceRow[]).map(summary);
    const byPlace = new Map<string, ControlInterval[]>();
    if (options.asAt) {
      const facts = await loadSeizures(this.db, null, options.asAt);
      for (const placeId of new Set(facts.map((fact) => fact.placeId))) {
        byPlace.set(placeId, computeControlIntervals(facts.filter((fact) => fact.placeId === placeId)));
      }
    } else {
      const rows = (await this.db
        .selectFrom(TerritoryTables.intervals)
        .selectAll()
        .where((eb) => eb.or([eb('from_date', 'is', null), eb('from_date', '<=', asOf)]))
        .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>', asOf)]))
        .execute()) as IntervalRow[];
      for (const row of rows) byPlace.set(row.place_id, [rowToInterval(row)]);
    }
    const known = new Map(places.map((place) => [place.placeId, place]));
    const ids = [...new Set([...known.keys(), ...byPlace.keys()])].sort();
    const entries = ids.map((placeId) => {
      const place = known.get(placeId);
      return {
        ...toControl(placeId, byPlace.get(placeId) ?? [], asOf),
        name: place?.name ?? null,
        coordinates: place?.coordinates ?? null,
      };
    });
    return options.factionId ? entries.filter((entry) => entry.controller === options.factionId) : entries;
  }
}
