import { randomUUID } from 'node:crypto';
import { EventStorage, type ProposedEvent, type StoredEvent, TOMBSTONE_REVISION } from './storage.js';

/**
 * The event log's rules (expected revision, idempotency, soft delete, tombstone, stream metadata) and its writer.
 *
 * Writes are group-committed: every operation submitted during one turn of the event loop is applied in a single
 * SQLite transaction (one fsync) on `setImmediate`, in submission order, then answered, then published to live
 * subscribers in the same synchronous step. Because commit and publication happen in one tick, a reader that
 * queries storage and registers for live events in one tick sees every event exactly once.
 */

export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type WriteOutcome =
  | { readonly ok: true; readonly revision: number | null; readonly position: number | null }
  | {
      readonly ok: false;
      readonly error: 'wrong_expected_version';
      readonly current: number | null;
      readonly expected: ExpectedRevision;
    }
  | { readonly ok: false; readonly error: 'stream_deleted' }
  | { readonly ok: false; readonly error: 'timeout' }
  | { readonly ok: false; readonly error: 'unavailable'; readonly message: string };

export interface WriteRequest {
  readonly kind: 'append' | 'delete' | 'tombstone';
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly ProposedEvent[];
  /** Epoch ms after which the operation must not be applied. */
  readonly deadline?: number;
  /** Polled just before applying: a cancelled request writes nothing. */
  readonly isCancelled?: () => boolean;
}

/** Metadata keys that change what reads return. */
export interface StreamRetention {
  readonly truncateBefore?: number;
  readonly maxCount?: number;
  readonly maxAgeSeconds?: number;
}

export interface StreamInfo {
  readonly lastRevision: number;
  readonly tombstoned: boolean;
  readonly softDeleted: boolean;
  /** Lowest revision a read may return (from $tb and $maxCount). */
  readonly minVisibleRevision: number;
  readonly maxAgeSeconds?: number;
}

interface StreamState {
  last: number;
  tombstoned: boolean;
}

interface PendingWrite {
  readonly request: WriteRequest;
  readonly resolve: (outcome: WriteOutcome) => void;
}

export type CommitListener = (events: readonly StoredEvent[]) => void;

const METADATA_TYPE = '$metadata';
const SOFT_DELETE_TB = 9223372036854775807n;
const MAX_EVENTS_PER_TRANSACTION = 20_000;
const STATE_CACHE_LIMIT = 100_000;
const MAX_GATHER_TURNS = 4;

export function reportInternalError(error: unknown): void {
  process.emitWarning(`embedded event store: ${(error as Error)?.stack ?? String(error)}`);
}

export function metastreamOf(stream: string): string {
  return `$$${stream}`;
}

function isMetastream(stream: string): boolean {
  return stream.startsWith('$$');
}

function parseRetention(event: StoredEvent | undefined): { retention: StreamRetention; raw: Record<string, unknown> | null } {
  if (!event || !event.isJson) return { retention: {}, raw: null };
  try {
    const raw = JSON.parse(event.data.toString('utf8')) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { retention: {}, raw: null };
    const obj = raw as Record<string, unknown>;
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return {
      retention: { truncateBefore: num(obj.$tb), maxCount: num(obj.$maxCount), maxAgeSeconds: num(obj.$maxAge) },
      raw: obj,
    };
  } catch {
    return { retention: {}, raw: null };
  }
}

function isSoftDeleteMarker(retention: StreamRetention): boolean {
  return retention.truncateBefore !== undefined && retention.truncateBefore >= Number.MAX_SAFE_INTEGER;
}

export class EventLog {
  private readonly states = new Map<string, StreamState>();
  private readonly metadata = new Map<string, { retention: StreamRetention; raw: Record<string, unknown> | null }>();
  private queue: PendingWrite[] = [];
  private flushScheduled = false;
  private gatherFrom = 0;
  private gatherTurns = 0;
  private readonly listeners = new Set<CommitListener>();
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  /** While true, writes queue up unanswered (the file's integrity check is still running). */
  private held = false;
  /** Set when the file failed its integrity check: every write is refused with this message. */
  private refusal: string | undefined;

  constructor(readonly storage: EventStorage) {}

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Holds every write (queued, unanswered) until `check` settles: then they are written, or, if it rejects, refused
   * with its message, as is every later write. Reads are not held.
   */
  holdWritesUntil(check: Promise<void>): void {
    this.held = true;
    check.then(
      () => {
        this.held = false;
        if (this.queue.length > 0 && !this.flushScheduled) this.schedule();
      },
      (error: unknown) => {
        this.held = false;
        this.refusal = (error as Error)?.message ?? String(error);
        const queue = this.queue;
        this.queue = [];
        for (const pending of queue) pending.resolve({ ok: false, error: 'unavailable', message: this.refusal });
        this.notifyIdle();
      },
    );
  }

  private schedule(): void {
    this.flushScheduled = true;
    this.gatherFrom = this.queue.length;
    this.gatherTurns = 0;
    setImmediate(this.gather);
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  submit(request: WriteRequest): Promise<WriteOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'unavailable', message: 'event store is shutting down' });
    if (this.refusal !== undefined) return Promise.resolve({ ok: false, error: 'unavailable', message: this.refusal });
    return new Promise((resolve) => {
      this.queue.push({ request, resolve });
      if (this.held) return;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.gatherFrom = this.queue.length;
        this.gatherTurns = 0;
        setImmediate(this.gather);
      }
    });
  }

  /** Resolves once every submitted write is answered; later submissions are refused. */
  async drainAndClose(): Promise<void> {
    this.closed = true;
    if (this.queue.length === 0 && !this.flushScheduled) return;
    // Writes held for the integrity check are answered when it settles.
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- reads of stream state (outside or inside a transaction) -------------------------------------------------

  private state(stream: string): StreamState {
    let state = this.states.get(stream);
    if (!state) {
      state = { last: this.storage.lastRevision(stream), tombstoned: this.storage.isTombstoned(stream) };
      this.states.set(stream, state);
    }
    return state;
  }

  private meta(stream: string): { retention: StreamRetention; raw: Record<string, unknown> | null } {
    let meta = this.metadata.get(stream);
    if (!meta) {
      const metastream = metastreamOf(stream);
      const last = this.state(metastream).last;
      meta = parseRetention(last >= 0 ? this.storage.eventAt(metastream, last) : undefined);
      this.metadata.set(stream, meta);
    }
    return meta;
  }

  streamInfo(stream: string): StreamInfo {
    const state = this.state(stream);
    if (isMetastream(stream)) {
      // Only the latest metadata event of a metastream is visible, as in the reference server.
      return { lastRevision: state.last, tombstoned: state.tombstoned, softDeleted: false, minVisibleRevision: Math.max(0, state.last) };
    }
    const { retention } = this.meta(stream);
    const softDeleted = isSoftDeleteMarker(retention);
    let min = 0;
    if (retention.truncateBefore !== undefined) min = Math.max(min, retention.truncateBefore);
    if (retention.maxCount !== undefined) min = Math.max(min, state.last + 1 - retention.maxCount);
    return {
      lastRevision: state.last,
      tombstoned: state.tombstoned,
      softDeleted,
      minVisibleRevision: min,
      maxAgeSeconds: retention.maxAgeSeconds,
    };
  }

  // ---- the writer --------------------------------------------------------------------------------------------

  /**
   * Runs on setImmediate. While the previous event-loop turn brought more writes (concurrent writers whose requests
   * are still arriving), wait one more turn, a few at most: one fsync then covers all of them. A lone writer pays a
   * single extra turn.
   */
  private readonly gather = (): void => {
    const grew = this.queue.length > this.gatherFrom;
    if (grew && this.gatherTurns < MAX_GATHER_TURNS && !this.closed) {
      this.gatherFrom = this.queue.length;
      this.gatherTurns++;
      setImmediate(this.gather);
      return;
    }
    this.flush();
  };

  private flush(): void {
    this.flushScheduled = false;
    let count = 0;
    let take = 0;
    while (take < this.queue.length && (take === 0 || count + this.queue[take].request.events.length <= MAX_EVENTS_PER_TRANSACTION)) {
      count += this.queue[take].request.events.length;
      take++;
    }
    const batch = this.queue.slice(0, take);
    this.queue = this.queue.slice(take);

    const now = Date.now();
    const committed: StoredEvent[] = [];
    const outcomes: WriteOutcome[] = [];
    const touched = new Set<string>();
    try {
      this.storage.begin();
      for (const { request } of batch) {
        if (request.isCancelled?.()) {
          outcomes.push({ ok: false, error: 'unavailable', message: 'cancelled' });
        } else if (request.deadline !== undefined && request.deadline < now) {
          outcomes.push({ ok: false, error: 'timeout' });
        } else {
          outcomes.push(this.apply(request, now, committed, touched));
        }
      }
      this.storage.commit();
    } catch (error) {
      this.storage.rollback();
      for (const stream of touched) {
        this.states.delete(stream);
        this.metadata.delete(stream);
      }
      committed.length = 0;
      const message = `write failed: ${(error as Error).message}`;
      outcomes.length = 0;
      for (let i = 0; i < batch.length; i++) outcomes.push({ ok: false, error: 'unavailable', message });
    }
    for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
    if (committed.length > 0) {
      for (const listener of this.listeners) {
        try {
          listener(committed);
        } catch (error) {
          // A failing subscriber must not take the writer (and every other subscriber) down with it.
          reportInternalError(error);
        }
      }
    }
    if (this.states.size > STATE_CACHE_LIMIT) {
      this.states.clear();
      this.metadata.clear();
    }
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      this.gatherFrom = this.queue.length;
      this.gatherTurns = 0;
      setImmediate(this.gather);
    } else {
      this.notifyIdle();
    }
  }

  private insert(stream: string, revision: number, event: ProposedEvent, now: number, committed: StoredEvent[], touched: Set<string>): StoredEvent {
    touched.add(stream);
    const stored = this.storage.insert(stream, revision, event, now);
    committed.push(stored);
    const state = this.state(stream);
    if (revision === TOMBSTONE_REVISION) state.tombstoned = true;
    else state.last = Math.max(state.last, revision);
    if (isMetastream(stream)) {
      const target = stream.slice(2);
      touched.add(target);
      this.metadata.set(target, parseRetention(stored));
    }
    return stored;
  }

  private appendEvents(stream: string, events: readonly ProposedEvent[], now: number, committed: StoredEvent[], touched: Set<string>): StoredEvent | undefined {
    let revision = this.state(stream).last;
    let last: StoredEvent | undefined;
    for (const event of events) last = this.insert(stream, ++revision, event, now, committed, touched);
    return last;
  }

  private writeMetadata(stream: string, raw: Record<string, unknown> | string, now: number, committed: StoredEvent[], touched: Set<string>): StoredEvent {
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const metastream = metastreamOf(stream);
    const event: ProposedEvent = { eventId: randomUUID(), type: METADATA_TYPE, isJson: true, data: Buffer.from(text, 'utf8'), metadata: Buffer.alloc(0) };
    return this.insert(metastream, this.state(metastream).last + 1, event, now, committed, touched);
  }

  /**
   * The expected-revision table of the reference server (protocol notes 4.4). Returns 'write' when the operation
   * may proceed, 'idempotent:<rev>' style results are handled by the caller.
   */
  private check(stream: string, expected: ExpectedRevision, kind: WriteRequest['kind']): 'write' | WriteOutcome {
    const state = this.state(stream);
    if (state.tombstoned) return { ok: false, error: 'stream_deleted' };
    const current = state.last >= 0 ? state.last : null;
    const wev = (): WriteOutcome => ({ ok: false, error: 'wrong_expected_version', current, expected });
    const metaExists = !isMetastream(stream) && this.state(metastreamOf(stream)).last >= 0;
    const softDeleted = !isMetastream(stream) && isSoftDeleteMarker(this.meta(stream).retention);

    if (kind === 'delete' && state.last < 0 && !metaExists) return wev();
    if (softDeleted) {
      switch (expected.kind) {
        case 'any':
        case 'no_stream':
          return 'write';
        case 'stream_exists':
          return { ok: false, error: 'stream_deleted' };
        case 'revision':
          return expected.revision === BigInt(state.last) ? 'write' : wev();
      }
    }
    if (state.last < 0) {
      switch (expected.kind) {
        case 'any':
        case 'no_stream':
          return 'write';
        case 'stream_exists':
          return metaExists ? 'write' : wev();
        case 'revision':
          return wev();
      }
    }
    switch (expected.kind) {
      case 'any':
      case 'stream_exists':
        return 'write';
      case 'no_stream':
        return wev();
      case 'revision':
        return expected.revision === BigInt(state.last) ? 'write' : wev();
    }
  }

  /** Same ids already at revisions from..: the request was applied before; answer as then, write nothing. */
  private idempotent(stream: string, from: number, events: readonly ProposedEvent[]): WriteOutcome | undefined {
    if (events.length === 0 || from < 0) return undefined;
    const existing = this.storage.readStreamForward(stream, from, events.length);
    if (existing.length !== events.length || existing[0].revision !== from) return undefined;
    for (let i = 0; i < events.length; i++) {
      if (existing[i].eventId !== events[i].eventId || existing[i].revision !== from + i) return undefined;
    }
    const last = existing[existing.length - 1];
    return { ok: true, revision: last.revision, position: last.position };
  }

  private apply(request: WriteRequest, now: number, committed: StoredEvent[], touched: Set<string>): WriteOutcome {
    const { stream, expected, events } = request;
    const state = this.state(stream);
    if (request.kind === 'append' && !state.tombstoned && state.last >= 0 && events.length > 0) {
      // Idempotent re-append is checked before the revision rule, as the reference does.
      let from: number | undefined;
      if (expected.kind === 'any' || expected.kind === 'stream_exists') {
        from = this.storage.revisionOfEventId(stream, events[0].eventId);
      } else if (expected.kind === 'no_stream') {
        from = 0;
      } else if (expected.kind === 'revision' && expected.revision < BigInt(state.last)) {
        from = Number(expected.revision) + 1;
      }
      if (from !== undefined) {
        const replay = this.idempotent(stream, from, events);
        if (replay) return replay;
        if (expected.kind === 'any' || expected.kind === 'stream_exists') {
          return { ok: false, error: 'wrong_expected_version', current: state.last, expected };
        }
      }
    }

    const verdict = this.check(stream, expected, request.kind);
    if (verdict !== 'write') return verdict;

    if (request.kind === 'tombstone') {
      const record: ProposedEvent = { eventId: randomUUID(), type: '$streamDeleted', isJson: false, data: Buffer.alloc(0), metadata: Buffer.alloc(0) };
      const stored = this.insert(stream, TOMBSTONE_REVISION, record, now, committed, touched);
      return { ok: true, revision: null, position: stored.position };
    }
    if (request.kind === 'delete') {
      const stored = this.writeMetadata(stream, `{"$tb":${SOFT_DELETE_TB}}`, now, committed, touched);
      return { ok: true, revision: null, position: stored.position };
    }

    if (events.length === 0) {
      const last = this.state(stream).last;
      return { ok: true, revision: last >= 0 ? last : null, position: null };
    }
    const wasSoftDeleted = !isMetastream(stream) && isSoftDeleteMarker(this.meta(stream).retention);
    const firstRevision = state.last + 1;
    let lastStored = this.appendEvents(stream, events, now, committed, touched)!;
    if (wasSoftDeleted) {
      // Undelete: keep the older events hidden and keep every other metadata key.
      const raw = { ...(this.meta(stream).raw ?? {}), $tb: firstRevision };
      this.writeMetadata(stream, raw, now, committed, touched);
    } else if (isMetastream(stream)) {
      const target = stream.slice(2);
      const targetState = this.state(target);
      const previous = this.metadataBefore(target, lastStored);
      if (previous && isSoftDeleteMarker(previous) && !isSoftDeleteMarker(this.meta(target).retention) && targetState.last >= 0) {
        // New metadata on a soft-deleted stream undeletes it without showing the old events again.
        const raw = this.meta(target).raw;
        if (raw && raw.$tb === undefined) {
          lastStored = this.writeMetadata(target, { ...raw, $tb: targetState.last + 1 }, now, committed, touched);
        }
      }
    }
    return { ok: true, revision: lastStored.revision, position: lastStored.position };
  }

  private metadataBefore(target: string, written: StoredEvent): StreamRetention | undefined {
    if (written.revision === 0) return undefined;
    const previous = this.storage.eventAt(metastreamOf(target), written.revision - 1);
    return previous ? parseRetention(previous).retention : undefined;
  }
}
