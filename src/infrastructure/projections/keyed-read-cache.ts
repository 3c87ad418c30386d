import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { ChangeKeys, ProjectionChange } from './projection.js';
import type { ReadModelChanges } from './read-model-changes.js';

export interface KeyedReadCacheOptions {
  /** The projection whose stored rows the entries are read from (any version of it). */
  projection: string;
  /** How many entries at most (least recently asked dropped first); 0 turns the cache off. */
  max: number;
  /** The key of the entry a change's keys name, if any. */
  keyOf(keys: ChangeKeys): string | undefined;
}

/**
 * Entries read from one read model's stored rows, kept in memory by key (a place, an office) so that current answers
 * need no read of the store. Exact, never merely fresh enough: it is on only when ReadModelChanges is exact (a SQLite
 * read store that only this process's projections write), and then
 *  - every change of the projection drops the entries it names, as soon as this process hears of it (after its
 *    commit, before any request served after that); a change naming no entry drops all;
 *  - a rebuild's reset or swap, or the projection thread's restart, drops all;
 *  - an entry read while a change was heard is not kept: what was read may predate the change.
 * So an answer made from it is the one the store gives from the moment this process hears of the store's last change.
 * A kept entry is shared by every answer made from it, so it is frozen (plain data: objects and arrays, all the way
 * down): no caller can change what the next one is told.
 */
export class KeyedReadCache<V extends object> implements OnModuleInit, OnModuleDestroy {
  private readonly entries?: LRUCache<string, V>;
  /** Moves on every change heard: a read that began before it is not kept. */
  private generation = 0;
  private watching?: { unsubscribe(): void };

  constructor(
    private readonly changes: ReadModelChanges,
    private readonly options: KeyedReadCacheOptions,
  ) {
    if (changes.exact && options.max > 0) this.entries = new LRUCache({ max: options.max });
  }

  /** Whether answers come from memory (false: every answer reads the store). */
  get enabled(): boolean {
    return this.entries !== undefined;
  }

  /** Follows the projection's changes (a cache that is off follows nothing). */
  onModuleInit(): void {
    if (!this.entries || this.watching) return;
    this.watching = this.changes.watch(this.options.projection, { changed: (change) => this.drop(change), reset: () => this.dropAll() });
  }

  onModuleDestroy(): void {
    this.watching?.unsubscribe();
    this.watching = undefined;
  }

  /** The entry as kept, or as `read` from the store (kept unless a change was heard meanwhile). */
  async get(key: string, read: () => Promise<V>): Promise<V> {
    const kept = this.entries?.get(key);
    if (kept) return kept;
    const generation = this.generation;
    const value = await read();
    if (this.entries && generation === this.generation) this.entries.set(key, deepFrozen(value));
    return value;
  }

  private drop(change: ProjectionChange): void {
    this.generation++;
    // An amendment concerns the fact as recorded and as it stood before, too: every version it names is dropped.
    const named = [change.keys, change.before, change.recorded].flatMap((keys) => (keys ? [this.options.keyOf(keys)] : [])).filter((key) => key !== undefined);
    if (named.length === 0) {
      this.entries?.clear();
      return;
    }
    for (const key of named) this.entries?.delete(key);
  }

  private dropAll(): void {
    this.generation++;
    this.entries?.clear();
  }
}

/** Freezes plain data (objects and arrays) all the way down; returns it. */
function deepFrozen<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFrozen(item);
  return Object.freeze(value);
}
