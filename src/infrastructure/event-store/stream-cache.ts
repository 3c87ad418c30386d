import { LRUCache } from 'lru-cache';
import type { StoredEvent } from './serialization.js';

/** A stream as a command last saw it: its events (as a read returns them) and its revision (null: no stream). */
export interface StreamSnapshot {
  readonly events: readonly StoredEvent[];
  readonly revision: bigint | null;
}

/**
 * The streams this process wrote or read most recently, so that a command can decide without reading its whole
 * stream again. It is never trusted blindly: every append carries the cached revision as its expected revision, so a
 * stream that changed behind this process's back (another API instance, `npm run import` on the same data) fails the
 * append, the entry is dropped, and the command reads the stream and decides again. Bounded by events held.
 *
 * What it cannot see: a stream soft-deleted or truncated (`$tb`/`$maxCount`) outside Dateline keeps its cached events
 * here until the entry is evicted or the process restarts; Dateline itself never deletes or truncates its streams.
 * STREAM_CACHE_EVENTS=0 turns it off (every command then reads its stream).
 */
export class StreamCache {
  private readonly entries: LRUCache<string, StreamSnapshot>;

  constructor(readonly maxEvents: number) {
    this.entries = new LRUCache<string, StreamSnapshot>({
      maxSize: Math.max(1, maxEvents),
      sizeCalculation: (snapshot) => Math.max(1, snapshot.events.length),
    });
  }

  get(streamName: string): StreamSnapshot | undefined {
    return this.entries.get(streamName);
  }

  set(streamName: string, snapshot: StreamSnapshot): void {
    if (snapshot.events.length > this.maxEvents) this.entries.delete(streamName);
    else this.entries.set(streamName, snapshot);
  }

  delete(streamName: string): void {
    this.entries.delete(streamName);
  }

  get size(): number {
    return this.entries.size;
  }
}
