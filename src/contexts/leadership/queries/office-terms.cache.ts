import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config.js';
import { KeyedReadCache } from '../../../infrastructure/projections/keyed-read-cache.js';
import { ReadModelChanges } from '../../../infrastructure/projections/read-model-changes.js';
import type { Term } from '../domain/terms.js';
import { LeadershipTermsProjection } from '../projections/leadership-terms.projection.js';

/** What the current answers about one office are made of: its stored terms, and whether the office is known. */
export interface StoredOffice {
  /** Established, or named by a term fact. */
  known: boolean;
  /** The stored terms, in order. */
  terms: readonly Term[];
}

/**
 * The stored terms of recently asked offices, kept in memory so that "who held office X on D", its terms and its
 * vacancies are answered without reading the store: exact (KeyedReadCache), dropped by the leadership projection's
 * changes naming the office. `READ_CACHE_ENTRIES` bounds it; 0, or a read store other than SQLite, turns it off.
 * Answers as known at `asAt` are recomputed from the facts and never come from here.
 */
@Injectable()
export class OfficeTermsCache extends KeyedReadCache<StoredOffice> {
  constructor(
    @Inject(ReadModelChanges) changes: ReadModelChanges,
    @Inject(LeadershipTermsProjection) projection: LeadershipTermsProjection,
    @Inject(AppConfig) config: AppConfig,
  ) {
    super(changes, { projection: projection.name, max: config.READ_CACHE_ENTRIES, keyOf: (keys) => keys.officeId });
  }
}
