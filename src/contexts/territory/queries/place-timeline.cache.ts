import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../../../config/app-config.js';
import type { ProjectionChange } from '../../../infrastructure/projections/projection.js';
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
 * The stored timelines of recently asked places, kept in memory so that "who controlled X on D" is answered without
 * reading the store. Exact, never merely fresh enough: it is on only when ReadModelChanges is exact (a SQLite read
 * store that only this process's projections write), and then
 *  - every change of the territory projection drops the places it names, as soon as this process hears of it (after
 *    its commit, before any request served after that); a change naming no place drops all;
 *  - a rebuild's reset or swap, or the projection thread's restart, drops all;
 *  - a place read while a change was heard is not kept: what was read may predate the change.
 * So an answer from here is the one the store gives from the moment this process hears of the store's last change.
 * `READ_CACHE_PLACES` bounds it (least recently asked dropped first); 0, or any other read store, turns it off.
 * Answers as known at `asAt` are recomputed from the facts and never come from here.
 */
@Injectable()
export class PlaceTimelineCache implements OnModuleInit, OnModuleDestroy {
  private readonly places?: LRUCache<string, StoredPlace>;
  /** Moves on every change heard: a read that began before it is not kept. */
  private generation = 0;
  private watching?: { unsubscribe(): void };

  constructor(
    @Inject(ReadModelChanges) private readonly changes: ReadModelChanges,
    @Inject(TerritoryControlProjection) private readonly projection: TerritoryControlProjection,
    @Inject(AppConfig) config: AppConfig,
  ) {
    if (changes.exact && config.READ_CACHE_PLACES > 0) this.places = new LRUCache({ max: config.READ_CACHE_PLACES });
  }

  /** Whether answers come from memory (false: every answer reads the store). */
  get enabled(): boolean {
    return this.places !== undefined;
  }

  onModuleInit(): void {
    if (!this.places) return;
    this.watching = this.changes.watch(this.projection.name, { changed: (change) => this.drop(change), reset: () => this.dropAll() });
  }

  onModuleDestroy(): void {
    this.watching?.unsubscribe();
  }

  /** The place as kept, or as `read` from the store (kept unless a change was heard meanwhile). */
  async get(placeId: string, read: () => Promise<StoredPlace>): Promise<StoredPlace> {
    const kept = this.places?.get(placeId);
    if (kept) return kept;
    const generation = this.generation;
    const place = await read();
    if (this.places && generation === this.generation) this.places.set(placeId, frozen(place));
    return place;
  }

  private drop(change: ProjectionChange): void {
    this.generation++;
    // An amendment concerns the fact as recorded and as it stood before, too (the place is the same: corrections
    // cannot move a fact to another entity, but the keys are honoured whatever they name).
    const named = [change.keys, change.before, change.recorded].map((keys) => keys?.placeId).filter((id) => id !== undefined);
    if (named.length === 0) {
      this.places?.clear();
      return;
    }
    for (const placeId of named) this.places?.delete(placeId);
  }

  private dropAll(): void {
    this.generation++;
    this.places?.clear();
  }
}

/** A kept place is shared by every answer made from it: frozen, so that no caller can change what the next is told. */
function frozen(place: StoredPlace): StoredPlace {
  for (const interval of place.intervals) {
    Object.freeze(interval.contenders);
    Object.freeze(interval.sourceEventIds);
    Object.freeze(interval);
  }
  Object.freeze(place.intervals);
  return Object.freeze(place);
}
