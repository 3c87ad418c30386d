import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { KeyedReadCache } from '../../../infrastructure/projections/keyed-read-cache.js';
import { ReadModelChanges } from '../../../infrastructure/projections/read-model-changes.js';
import type { ControlInterval } from '../domain/control.js';
import { TerritoryControlProjection } from '../projections/territory-control.projection.js';

/** What the current answers about one place are made of: its stored timeline, and whether the place is known. */
export interface StoredPlace {
  /** Registered, or named by a seizure. */
  known: boolean;
  /** The stored control intervals, in order. */
  intervals: readonly ControlInterval[];
}

/**
 * The stored timelines of recently asked places, kept in memory so that "who controlled X on D" and a place's
 * history are answered without reading the store: exact (KeyedReadCache), dropped by the territory projection's
 * changes naming the place. `READ_CACHE_ENTRIES` bounds it; 0, or a read store other than SQLite, turns it off.
 * Answers as known at `asAt` are recomputed from the facts and never come from here.
 */
@Injectable()
export class PlaceTimelineCache extends KeyedReadCache<StoredPlace> {
  constructor(
    @Inject(ReadModelChanges) changes: ReadModelChanges,
    @Inject(TerritoryControlProjection) projection: TerritoryControlProjection,
    @Inject(AppConfig) config: AppConfig,
  ) {
    super(changes, { projection: projection.name, max: config.READ_CACHE_ENTRIES, keyOf: (keys) => keys.placeId });
  }
}
