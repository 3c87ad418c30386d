import {
  type AllStreamSubscription,
  BACKWARDS,
  END,
  type EventStoreDBClient,
  excludeSystemEvents,
  START,
} from '@eventstore/db-client';
import { Observable, Subject } from 'rxjs';
import type { ReadStore } from '../read-store/read-store.js';
import { type AppliedBatch, applyEvents, applyEventsTogether, migrateProjection, resetProjection } from './apply-events.js';
import { isAfter, migrateCheckpoints, readAllCheckpoints } from './checkpoint-store.js';
import {
  type LogPosition,
  type ProjectedEvent,
  type Projection,
  type ProjectionChange,
  projectionBaseName,
} from './projection.js';
import { toProjectedEvent } from './projected-event.js';

export type ProjectionState = 'stopped' | 'catching-up' | 'live' | 'failed' | 'rebuilding';

export interface ProjectionError {
  message: string;
  eventId: string;
  eventType: string;
  streamName: string;
  position: string;
  at: string;
  /** When the runner will try this event again (null once it is running again). */
  retryAt: string | null;
}

export interface ProjectionStatus {
  name: string;
  state: ProjectionState;
  /** Commit position of the last event applied (decimal string), null before the first one. */
  checkpoint: string | null;
  /** Commit position of the last event in the log, null when the log is empty or unreadable. */
  headPosition: string | null;
  /** headPosition minus checkpoint, in log positions (0 = up to date). */
  lag: number | null;
  eventsApplied: number;
  lastAppliedAt: string | null;
  error: ProjectionError | null;
}

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export interface ProjectionRunnerOptions {
  /** Most events applied in one transaction per projection. */
  batchSize?: number;
  /**
   * Under a steady stream of events, start a batch at most this often (ms), so that each read-store commit carries
   * several events: writing a commit's pages is most of the cost of a small batch. An event arriving after a quiet
   * spell is applied at once. Default 10.
   */
  minBatchIntervalMs?: number;
  /** Pause the subscription when this many events wait to be applied. */
  highWaterMark?: number;
  /** First delay before resubscribing after a subscription error; doubles up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** First delay before retrying a projection whose handler failed; doubles up to maxFailureRetryMs. */
  failureRetryMs?: number;
  maxFailureRetryMs?: number;
  logger?: RunnerLogger;
}

export class ProjectionFailedError extends Error {
  constructor(
    readonly projection: string,
    readonly failure: ProjectionError,
  ) {
    super(`projection ${projection} is stopped at event ${failure.eventId} (${failure.eventType}): ${failure.message}`);
    this.name = 'ProjectionFailedError';
  }
}

export class WaitForTimeoutError extends Error {
  constructor(position: bigint, timeoutMs: number, behind: string[]) {
    super(`projections not at position ${position} after ${timeoutMs} ms: ${behind.join(', ')}`);
    this.name = 'WaitForTimeoutError';
  }
}

interface Entry {
  projection: Projection;
  checkpoint: LogPosition | null;
  state: 'running' | 'failed' | 'rebuilding' | 'stopped';
  error: ProjectionError | null;
  failures: number;
  retryTimer?: NodeJS.Timeout;
  applied: number;
  lastAppliedAt: string | null;
}

interface Waiter {
  position: bigint;
  /** Only these projections (default: all). */
  names: Set<string> | null;
  createdAt: number;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export type PositionLike = bigint | number | string | { commit: bigint | number | string };

export function toCommitPosition(position: PositionLike): bigint {
  if (typeof position === 'object') return BigInt(position.commit);
  return BigInt(position);
}

/** What the app uses of a runner, whether it runs in this thread or in a worker thread (ThreadedProjectionRunner). */
export type ProjectionRunnerApi = Pick<
  ProjectionRunner,
  'changes$' | 'start' | 'stop' | 'names' | 'statusSnapshot' | 'status' | 'waitFor' | 'waitForHead' | 'rebuild'
>;

const silentLogger: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Feeds every registered projection from ONE catch-up subscription to `$all`, starting after the lowest stored
 * checkpoint. Events are applied in small batches, each batch and the projection's checkpoint in one read-store
 * transaction (see applyEvents), so a crash never skips or double-applies. A handler that throws stops only its own
 * projection at that event (logged, kept in status, retried with backoff); a subscription error resubscribes from
 * the checkpoints with backoff.
 */
export class ProjectionRunner {
  private readonly changesSubject = new Subject<ProjectionChange>();
  /** Every read-model change, emitted after its transaction committed, in log order per projection. */
  readonly changes$: Observable<ProjectionChange> = this.changesSubject.asObservable();

  private readonly entries = new Map<string, Entry>();
  private readonly options: Required<Omit<ProjectionRunnerOptions, 'logger'>>;
  private readonly logger: RunnerLogger;
  private subscription?: AllStreamSubscription;
  private paused = false;
  /** The subscription reported it reached the end of the log (and has not fallen behind since). */
  private caughtUp = false;
  private generation = 0;
  private queue: ProjectedEvent[] = [];
  private draining: Promise<void> | null = null;
  private lock: Promise<unknown> = Promise.resolve();
  /** performance.now() when the last batch started applying. */
  private lastBatchAt = Number.NEGATIVE_INFINITY;
  private running = false;
  private backoffMs: number;
  private resubscribeTimer?: NodeJS.Timeout;
  private readonly waiters = new Set<Waiter>();
  private waiterPoll?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly store: ReadStore,
    private readonly projections: () => readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 500,
      minBatchIntervalMs: options.minBatchIntervalMs ?? 10,
      highWaterMark: options.highWaterMark ?? 5000,
      initialBackoffMs: options.initialBackoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      failureRetryMs: options.failureRetryMs ?? 5_000,
      maxFailureRetryMs: options.maxFailureRetryMs ?? 300_000,
    };
    this.logger = options.logger ?? silentLogger;
    this.backoffMs = this.options.initialBackoffMs;
  }

  /** Migrates every projection (dropping the tables of an older version), then subscribes. Resolves before catch-up. */
  async start(): Promise<void> {
    if (this.running) return;
    await migrateCheckpoints(this.store.db);
    const stored = await readAllCheckpoints(this.store.db);
    for (const projection of this.projections()) {
      const older = [...stored.keys()].filter(
        (name) => name !== projection.name && projectionBaseName(name) === projectionBaseName(projection.name),
      );
      for (const name of older) {
        this.logger.log(`${name} replaced by ${projection.name}: dropping its tables, rebuilding from the log`);
        await resetProjection(this.store, projection, name);
      }
      await migrateProjection(this.store, projection);
      this.entries.set(projection.name, {
        projection,
        checkpoint: stored.get(projection.name) ?? null,
        state: 'running',
        error: null,
        failures: 0,
        applied: 0,
        lastAppliedAt: null,
      });
    }
    this.running = true;
    this.subscribe();
  }

  /**
   * Unsubscribes, lets the batch in flight commit, and rejects pending waitFor calls. `start()` resumes from the
   * checkpoints; changes$ stays open across a stop, so its subscribers receive the changes applied after a restart.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.generation++;
    clearTimeout(this.resubscribeTimer);
    clearInterval(this.waiterPoll);
    this.waiterPoll = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    this.queue = [];
    await this.quietly(subscription?.unsubscribe());
    await this.draining;
    await this.lock;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.retryTimer);
      entry.state = 'stopped';
    }
    for (const waiter of this.waiters) this.settle(waiter, new Error('projection runner stopped'));
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Status without touching the event store (lag unknown). */
  statusSnapshot(): ProjectionStatus[] {
    return [...this.entries.values()].map((entry) => this.describe(entry, undefined));
  }

  /** Per projection: state, checkpoint, lag behind the head of the log, last error. */
  async status(): Promise<ProjectionStatus[]> {
    let head: LogPosition | null | undefined;
    try {
      head = await this.headPosition();
    } catch {
      head = undefined;
    }
    return [...this.entries.values()].map((entry) => this.describe(entry, head));
  }

  /**
   * Resolves once every projection has applied the log up to `position` (a command's result position), or once
   * every projection has applied the whole log as it was when this was called. Rejects when a projection that has
   * not reached it is stopped on a failing event, or after timeoutMs. `projections` narrows it to some projections.
   */
  waitFor(position: PositionLike, options: { timeoutMs?: number; projections?: string[] } = {}): Promise<void> {
    const target = toCommitPosition(position);
    const timeoutMs = options.timeoutMs ?? 15_000;
    for (const name of options.projections ?? []) {
      if (!this.entries.has(name)) return Promise.reject(new Error(`unknown projection ${name}`));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position: target,
        names: options.projections ? new Set(options.projections) : null,
        createdAt: performance.now(),
        resolve,
        reject,
        timer: setTimeout(() => {
          const behind = this.entriesFor(waiter)
            .filter((entry) => !this.reached(entry, target))
            .map((entry) => `${entry.projection.name} at ${entry.checkpoint?.commit ?? 'start'} (${entry.state})`);
          this.settle(waiter, new WaitForTimeoutError(target, timeoutMs, behind));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
      this.checkWaiters();
      if (this.waiters.has(waiter)) this.ensureWaiterPoll();
    });
  }

  /** Waits until every projection has applied everything in the log now. */
  async waitForHead(options: { timeoutMs?: number } = {}): Promise<void> {
    const head = await this.headPosition();
    if (head) await this.waitFor(head.commit, options);
  }

  /**
   * Rebuilds one projection from the log: drops its tables and checkpoint, recreates them and replays from the
   * start (the other projections skip what they already applied). Resolves once the reset is done; await
   * waitForHead() for the replay.
   */
  async rebuild(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`unknown projection ${name}`);
    await this.withLock(async () => {
      clearTimeout(entry.retryTimer);
      entry.state = 'rebuilding';
      await resetProjection(this.store, entry.projection);
      Object.assign(entry, { checkpoint: null, error: null, failures: 0, applied: 0, lastAppliedAt: null, state: 'running' });
    });
    this.logger.log(`${name}: rebuilding from the start of the log`);
    this.restart(0);
  }

  /** Retries a projection stopped on a failing event now instead of at its scheduled time. */
  retry(name: string): void {
    const entry = this.entries.get(name);
    if (!entry || entry.state !== 'failed') return;
    clearTimeout(entry.retryTimer);
    entry.state = 'running';
    if (entry.error) entry.error.retryAt = null;
    this.logger.log(`${name}: retrying from ${entry.checkpoint?.commit ?? 'the start'}`);
    this.restart(0);
  }

  // ---- subscription -------------------------------------------------------------------------------------------

  private subscribe(): void {
    if (!this.running) return;
    const generation = ++this.generation;
    const active = [...this.entries.values()].filter((entry) => entry.state === 'running');
    if (active.length === 0) return;
    const from = active.some((entry) => entry.checkpoint === null)
      ? null
      : active.map((entry) => entry.checkpoint!).reduce((min, p) => (isAfter(min, p) ? p : min));
    let subscription: AllStreamSubscription;
    try {
      subscription = this.client.subscribeToAll({
        fromPosition: from ? { commit: from.commit, prepare: from.prepare } : START,
        filter: excludeSystemEvents(),
      });
    } catch (error) {
      this.logger.warn(`cannot subscribe to $all: ${(error as Error).message}`);
      this.restart(this.nextBackoff());
      return;
    }
    this.subscription = subscription;
    this.paused = false;
    this.caughtUp = false;
    subscription.on('caughtUp', () => {
      if (generation === this.generation) this.caughtUp = true;
    });
    subscription.on('fellBehind', () => {
      if (generation === this.generation) this.caughtUp = false;
    });
    subscription.on('data', (resolved) => {
      if (generation !== this.generation) return;
      this.backoffMs = this.options.initialBackoffMs;
      const event = toProjectedEvent(resolved);
      if (!event) return;
      this.queue.push(event);
      if (this.queue.length >= this.options.highWaterMark && !this.paused) {
        this.paused = true;
        subscription.pause();
      }
      this.kick();
    });
    const lost = (reason: string) => {
      if (generation !== this.generation || !this.running) return;
      this.logger.warn(`$all subscription lost (${reason}); resubscribing from the checkpoints in ${this.backoffMs} ms`);
      this.restart(this.nextBackoff());
    };
    subscription.on('error', (error) => lost(error.message));
    subscription.on('end', () => lost('ended'));
    subscription.on('close', () => lost('closed'));
  }

  private nextBackoff(): number {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
    return delay;
  }

  /** Drops the current subscription and what it buffered, and subscribes again from the checkpoints. */
  private restart(delayMs: number): void {
    if (!this.running) return;
    this.generation++;
    const old = this.subscription;
    this.subscription = undefined;
    this.queue = [];
    void this.quietly(old?.unsubscribe());
    clearTimeout(this.resubscribeTimer);
    // Subscribe after the batch in flight committed, so the start position reflects it.
    this.resubscribeTimer = setTimeout(() => {
      void this.withLock(async () => this.subscribe());
    }, delayMs);
  }

  // ---- applying -----------------------------------------------------------------------------------------------

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.queue.length > 0 && this.running) this.kick();
    });
  }

  private async drain(): Promise<void> {
    // Let the events of the current network read pile up first, so a catch-up applies full batches rather than
    // one transaction per event.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0 && this.running) {
      const wait = this.lastBatchAt + this.options.minBatchIntervalMs - performance.now();
      if (wait > 0 && this.queue.length < this.options.batchSize) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.queue.length === 0 || !this.running) break;
      this.lastBatchAt = performance.now();
      const generation = this.generation;
      const batch = this.queue.splice(0, this.options.batchSize);
      if (this.paused && this.queue.length < this.options.highWaterMark / 2) {
        this.paused = false;
        this.subscription?.resume();
      }
      await this.withLock(() => this.applyBatch(batch, generation));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Applies a batch to every running projection in ONE transaction (a commit is most of the cost of the small batches
   * a live log brings). If that throws, nothing was committed: the batch is then applied to each projection in its
   * own transaction, so a failing handler stops only its own projection.
   */
  private async applyBatch(batch: ProjectedEvent[], generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const work: Array<{ entry: Entry; events: ProjectedEvent[] }> = [];
    for (const entry of this.entries.values()) {
      if (entry.state !== 'running') continue;
      const fresh = batch.filter((event) => isAfter({ commit: event.position, prepare: event.preparePosition }, entry.checkpoint));
      if (fresh.length > 0) work.push({ entry, events: fresh });
    }
    if (work.length > 1) {
      try {
        const results = await applyEventsTogether(
          this.store,
          work.map(({ entry, events }) => ({ projection: entry.projection, events })),
        );
        work.forEach(({ entry }, i) => this.committed(entry, results[i]));
        this.checkWaiters();
        return;
      } catch {
        // Rolled back as a whole: find out below which projection fails, each in its own transaction.
      }
    }
    for (const { entry, events } of work) {
      try {
        this.committed(entry, await applyEvents(this.store, entry.projection, events));
      } catch (error) {
        await this.isolateFailure(entry, events, error);
      }
    }
    this.checkWaiters();
  }

  /** The batch failed as a whole: apply it event by event so everything before the faulty event is kept. */
  private async isolateFailure(entry: Entry, events: ProjectedEvent[], batchError: unknown): Promise<void> {
    for (const event of events) {
      try {
        this.committed(entry, await applyEvents(this.store, entry.projection, [event]));
      } catch (error) {
        this.fail(entry, event, error);
        return;
      }
    }
    this.logger.warn(`${entry.projection.name}: a batch failed (${(batchError as Error).message}) but each event applied alone`);
  }

  private committed(entry: Entry, result: AppliedBatch): void {
    if (result.checkpoint && isAfter(result.checkpoint, entry.checkpoint)) entry.checkpoint = result.checkpoint;
    if (result.advancedBy > 0) {
      entry.applied += result.advancedBy;
      entry.lastAppliedAt = new Date().toISOString();
      if (entry.error) {
        this.logger.log(`${entry.projection.name}: recovered past ${entry.error.eventId}`);
        entry.error = null;
        entry.failures = 0;
      }
    }
    for (const change of result.changes) this.changesSubject.next(change);
  }

  private fail(entry: Entry, event: ProjectedEvent, error: unknown): void {
    entry.failures++;
    const delay = Math.min(this.options.failureRetryMs * 2 ** (entry.failures - 1), this.options.maxFailureRetryMs);
    const message = error instanceof Error ? error.message : String(error);
    entry.state = 'failed';
    entry.error = {
      message,
      eventId: event.id,
      eventType: event.type,
      streamName: event.streamName,
      position: event.position.toString(),
      at: new Date().toISOString(),
      retryAt: new Date(Date.now() + delay).toISOString(),
    };
    this.logger.error(
      `${entry.projection.name}: ${event.type} ${event.id} at ${event.position} failed: ${message}; ` +
        `stopped at ${entry.checkpoint?.commit ?? 'the start'}, retrying in ${delay} ms`,
      error instanceof Error ? error.stack : undefined,
    );
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(() => this.retry(entry.projection.name), delay);
    entry.retryTimer.unref?.();
    this.checkWaiters();
  }

  // ---- waiting ------------------------------------------------------------------------------------------------

  private entriesFor(waiter: Waiter): Entry[] {
    const all = [...this.entries.values()];
    return waiter.names ? all.filter((entry) => waiter.names!.has(entry.projection.name)) : all;
  }

  private reached(entry: Entry, position: bigint): boolean {
    return entry.checkpoint !== null && entry.checkpoint.commit >= position;
  }

  private checkWaiters(): void {
    for (const waiter of this.waiters) {
      const entries = this.entriesFor(waiter);
      const failed = entries.find((entry) => entry.state === 'failed' && !this.reached(entry, waiter.position));
      if (failed) this.settle(waiter, new ProjectionFailedError(failed.projection.name, failed.error!));
      else if (entries.every((entry) => this.reached(entry, waiter.position))) this.settle(waiter);
    }
  }

  /**
   * A position may lie beyond the last event a projection sees (a command's result position can point past its
   * last event, or at filtered system events): while someone waits, poll the head of the log and release the
   * waiters created before it once every projection has applied it.
   */
  private ensureWaiterPoll(): void {
    if (this.waiterPoll) return;
    this.waiterPoll = setInterval(() => void this.pollHead(), 100);
    this.waiterPoll.unref?.();
  }

  private async pollHead(): Promise<void> {
    if (this.waiters.size === 0) {
      clearInterval(this.waiterPoll);
      this.waiterPoll = undefined;
      return;
    }
    if (this.polling || this.queue.length > 0 || this.draining) return;
    this.polling = true;
    try {
      const readAt = performance.now();
      const head = await this.headPosition();
      if (head === undefined) return;
      for (const waiter of this.waiters) {
        const entries = this.entriesFor(waiter);
        if (waiter.createdAt > readAt || entries.some((entry) => entry.state !== 'running')) continue;
        if (head === null || entries.every((entry) => this.reached(entry, head.commit))) this.settle(waiter);
      }
    } catch {
      // The event store is unreachable: the subscription's own error handling deals with it.
    } finally {
      this.polling = false;
    }
  }

  private settle(waiter: Waiter, error?: Error): void {
    if (!this.waiters.delete(waiter)) return;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  /**
   * Position of the last non-system event in the log: null when there is none, undefined when the last events
   * read are all system events (unknown).
   */
  private async headPosition(): Promise<LogPosition | null | undefined> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 10 });
    let sawAny = false;
    let found: LogPosition | null = null;
    // Read to the end (at most maxCount events) rather than breaking out: leaving a read half-consumed keeps its
    // gRPC call open, which would hold up the client's dispose().
    for await (const resolved of read) {
      sawAny = true;
      const event: ProjectedEvent | null = found ? null : toProjectedEvent(resolved);
      if (event) found = { commit: event.position, prepare: event.preparePosition };
    }
    return found ?? (sawAny ? undefined : null);
  }

  private describe(entry: Entry, head: LogPosition | null | undefined): ProjectionStatus {
    let lag: number | null = null;
    if (head === null) lag = 0;
    else if (head) lag = Math.max(0, Number(head.commit - (entry.checkpoint?.commit ?? -1n)));
    const state: ProjectionState =
      entry.state === 'running'
        ? lag === 0 || (lag === null && this.caughtUp && this.queue.length === 0)
          ? 'live'
          : 'catching-up'
        : entry.state;
    return {
      name: entry.projection.name,
      state,
      checkpoint: entry.checkpoint ? entry.checkpoint.commit.toString() : null,
      headPosition: head ? head.commit.toString() : null,
      lag,
      eventsApplied: entry.applied,
      lastAppliedAt: entry.lastAppliedAt,
      error: entry.error ? { ...entry.error } : null,
    };
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async quietly(promise: Promise<unknown> | undefined): Promise<void> {
    if (!promise) return;
    await Promise.race([promise.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}
