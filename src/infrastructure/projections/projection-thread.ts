import { EventStoreDBClient } from '@eventstore/db-client';
import { Observable, Subject } from 'rxjs';
import { type MessagePort, parentPort, Worker, workerData } from 'node:worker_threads';
import { openReadStore, type ReadStoreOptions } from '../read-store/read-store.factory.js';
import { ReadStore } from '../read-store/read-store.js';
import type { Projection, ProjectionChange } from './projection.js';
import {
  type PositionLike,
  ProjectionFailedError,
  ProjectionRunner,
  type ProjectionRunnerApi,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
  type RunnerLogger,
  toCommitPosition,
  WaitForTimeoutError,
} from './projection-runner.js';

/**
 * The projections in their own worker thread. The runner's SQLite statements, commits and WAL checkpoints (two
 * fsyncs each) then never hold the API's event loop: requests keep being served while a batch is applied. The
 * thread has its own event-store client and read-store connection; the API reads the same read store through its own.
 */

type CallMethod = 'status' | 'waitFor' | 'waitForHead' | 'rebuild' | 'stop';

interface WorkerSetup {
  eventStoreUrl: string;
  readStore: ReadStoreOptions;
  runner: Omit<ProjectionRunnerOptions, 'logger'>;
}

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  projection?: string;
  failure?: ProjectionFailedError['failure'];
}

type ToWorker = { type: 'call'; id: number; method: CallMethod; args: unknown[] };

type FromWorker =
  | { type: 'ready'; names: string[]; statuses: ProjectionStatus[] }
  | { type: 'start-failed'; error: SerializedError }
  | { type: 'change'; change: ProjectionChange }
  | { type: 'statuses'; statuses: ProjectionStatus[] }
  | { type: 'log'; level: 'log' | 'warn' | 'error'; message: string; stack?: string }
  | { type: 'result'; id: number; value?: unknown; error?: SerializedError };

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const serialized: SerializedError = { name: error.name, message: error.message, stack: error.stack };
  if (error instanceof ProjectionFailedError) Object.assign(serialized, { projection: error.projection, failure: error.failure });
  return serialized;
}

/** The same error classes on this side of the thread, so callers can tell a failed projection from a timeout. */
function revive(serialized: SerializedError): Error {
  let error: Error;
  if (serialized.name === 'ProjectionFailedError' && serialized.projection && serialized.failure) {
    error = new ProjectionFailedError(serialized.projection, serialized.failure);
  } else {
    error = new Error(serialized.message);
    if (serialized.name === 'WaitForTimeoutError') Object.setPrototypeOf(error, WaitForTimeoutError.prototype);
    error.name = serialized.name;
  }
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}

// ---- inside the worker thread ------------------------------------------------------------------------------------

/**
 * The worker thread's side: runs `projections` with a ProjectionRunner on its own client and read-store connection,
 * answers the host's calls, and forwards changes, statuses (before every answer, and every 100 ms when they changed)
 * and log lines. Called by the app's worker entry module.
 */
export async function serveProjectionsInThisThread(projections: () => Projection[]): Promise<void> {
  const port = parentPort as MessagePort;
  const setup = workerData as WorkerSetup;
  const post = (message: FromWorker) => port.postMessage(message);
  const logger: RunnerLogger = {
    log: (message) => post({ type: 'log', level: 'log', message }),
    warn: (message) => post({ type: 'log', level: 'warn', message }),
    error: (message, stack) => post({ type: 'log', level: 'error', message, stack }),
  };
  let client: EventStoreDBClient | undefined;
  let store: ReadStore | undefined;
  let started: { client: EventStoreDBClient; store: ReadStore; runner: ProjectionRunner };
  try {
    client = EventStoreDBClient.connectionString(setup.eventStoreUrl);
    store = new ReadStore(await openReadStore(setup.readStore));
    const list = projections();
    const runner = new ProjectionRunner(client, store, () => list, { ...setup.runner, logger });
    await runner.start();
    started = { client, store, runner };
  } catch (error) {
    post({ type: 'start-failed', error: serialize(error) });
    await client?.dispose().catch(() => undefined);
    await store?.close().catch(() => undefined);
    port.close();
    return;
  }
  const { runner } = started;

  // The host moves a projection's checkpoint up to each change it receives: its snapshot is never behind a change.
  runner.changes$.subscribe((change) => post({ type: 'change', change }));
  // States change without a change message too (failures, retries, catching up): keep the host's snapshot fresh.
  let last = '';
  const refresh = setInterval(() => {
    const statuses = runner.statusSnapshot();
    const text = JSON.stringify(statuses);
    if (text === last) return;
    last = text;
    post({ type: 'statuses', statuses });
  }, 100);

  const answer = async (method: CallMethod, args: unknown[]): Promise<unknown> => {
    switch (method) {
      case 'status':
        return runner.status();
      case 'waitFor':
        return runner.waitFor(args[0] as bigint, args[1] as { timeoutMs?: number; projections?: string[] });
      case 'waitForHead':
        return runner.waitForHead(args[0] as { timeoutMs?: number });
      case 'rebuild':
        return runner.rebuild(args[0] as string);
      case 'stop':
        clearInterval(refresh);
        await runner.stop();
        await started.client.dispose();
        await started.store.close();
        return undefined;
    }
  };
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'call') return;
    answer(message.method, message.args).then(
      (value) => {
        // Statuses first: what the caller reads of the snapshot after the answer is at least as new as the answer.
        if (message.method !== 'stop') post({ type: 'statuses', statuses: runner.statusSnapshot() });
        post({ type: 'result', id: message.id, value });
        // Stopped: nothing of this thread is left to run; end it (messages already posted are delivered).
        if (message.method === 'stop') setImmediate(() => process.exit(0));
      },
      (error: unknown) => {
        post({ type: 'statuses', statuses: runner.statusSnapshot() });
        post({ type: 'result', id: message.id, error: serialize(error) });
      },
    );
  });
  post({ type: 'ready', names: runner.names(), statuses: runner.statusSnapshot() });
}

// ---- in the API's thread -----------------------------------------------------------------------------------------

export interface ProjectionThreadOptions {
  /** The worker's entry module: it calls serveProjectionsInThisThread with the app's projections. */
  entry: URL;
  eventStoreUrl: string;
  /** The read store as the worker opens it (shared with the API's connection: SQLite not exclusive). */
  readStore: ReadStoreOptions;
  /** The projection names the API registered: the worker must run exactly these. */
  expectedNames: () => string[];
  runner?: Omit<ProjectionRunnerOptions, 'logger'>;
  logger: RunnerLogger;
  /** First delay before starting a worker that died again; doubles up to 30 s. */
  restartDelayMs?: number;
}

/**
 * The API thread's handle on the runner in the worker thread: the same calls as a ProjectionRunner. statusSnapshot()
 * and names() answer from what the worker last reported; changes$ carries the worker's changes, in order. A worker
 * that dies is started again (with backoff) from the checkpoints; meanwhile its projections report `failed`.
 */
export class ThreadedProjectionRunner implements ProjectionRunnerApi {
  private changesSubject = new Subject<ProjectionChange>();
  /**
   * The worker's changes. When the thread dies, the changes of a batch it had committed may never have been posted:
   * every subscription then completes (the live feed ends its streams, clients resume from their last event id and
   * the log replays what they missed); later subscriptions follow the new thread.
   */
  readonly changes$ = new Observable<ProjectionChange>((subscriber) => this.changesSubject.subscribe(subscriber));

  private worker?: Worker;
  private readonly calls = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  private snapshot: ProjectionStatus[] = [];
  private projectionNames: string[] = [];
  private running = false;
  private restartDelayMs: number;
  private restartTimer?: NodeJS.Timeout;

  constructor(private readonly options: ProjectionThreadOptions) {
    this.restartDelayMs = this.firstRestartDelayMs;
  }

  private get firstRestartDelayMs(): number {
    return this.options.restartDelayMs ?? 1000;
  }

  /** Starts the worker thread; resolves once its runner has migrated and subscribed (as ProjectionRunner.start). */
  async start(): Promise<void> {
    if (this.running) return;
    await this.spawn();
    this.running = true;
  }

  /** Stops the worker's runner (the batch in flight commits), closes its connections and ends the thread. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    await Promise.race([this.call('stop', []).catch(() => undefined), exited]);
    const timeout = setTimeout(() => void worker.terminate(), 10_000);
    await exited;
    clearTimeout(timeout);
    this.snapshot = this.snapshot.map((status) => ({ ...status, state: 'stopped' }));
  }

  names(): string[] {
    return [...this.projectionNames];
  }

  statusSnapshot(): ProjectionStatus[] {
    return this.snapshot.map((status) => ({ ...status, error: status.error && { ...status.error } }));
  }

  async status(): Promise<ProjectionStatus[]> {
    if (!this.worker) return this.statusSnapshot();
    return (await this.call('status', [])) as ProjectionStatus[];
  }

  waitFor(position: PositionLike, options: { timeoutMs?: number; projections?: string[] } = {}): Promise<void> {
    return this.call('waitFor', [toCommitPosition(position), options]) as Promise<void>;
  }

  waitForHead(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.call('waitForHead', [options]) as Promise<void>;
  }

  rebuild(name: string): Promise<void> {
    return this.call('rebuild', [name]) as Promise<void>;
  }

  /** Test hook: the worker thread (to end it as a crash would). */
  get thread(): Worker | undefined {
    return this.worker;
  }

  private call(method: CallMethod, args: unknown[]): Promise<unknown> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the projection thread is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      worker.postMessage({ type: 'call', id, method, args } satisfies ToWorker);
    });
  }

  private spawn(): Promise<void> {
    const { entry, eventStoreUrl, readStore, runner } = this.options;
    const worker = new Worker(entry, { workerData: { eventStoreUrl, readStore, runner: runner ?? {} } satisfies WorkerSetup, name: 'projections' });
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready': {
            const expected = [...this.options.expectedNames()].sort();
            const actual = [...message.names].sort();
            if (expected.join(',') !== actual.join(',')) {
              void worker.terminate();
              reject(new Error(`the projection thread runs [${actual.join(', ')}] but the app registered [${expected.join(', ')}]`));
              return;
            }
            ready = true;
            this.worker = worker;
            this.projectionNames = message.names;
            this.snapshot = message.statuses;
            this.restartDelayMs = this.firstRestartDelayMs;
            resolve();
            break;
          }
          case 'start-failed':
            reject(revive(message.error));
            break;
          case 'statuses':
            this.snapshot = message.statuses;
            break;
          case 'change':
            this.reached(message.change);
            this.changesSubject.next(message.change);
            break;
          case 'log':
            if (message.level === 'error') this.options.logger.error(message.message, message.stack);
            else this.options.logger[message.level](message.message);
            break;
          case 'result': {
            const call = this.calls.get(message.id);
            this.calls.delete(message.id);
            if (message.error) call?.reject(revive(message.error));
            else call?.resolve(message.value);
            break;
          }
        }
      });
      worker.on('error', (error) => {
        this.options.logger.error(`projection thread failed: ${error.message}`, error.stack);
        if (!ready) reject(error);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        for (const call of this.calls.values()) call.reject(new Error(`the projection thread ended (exit code ${code})`));
        this.calls.clear();
        if (!ready) {
          reject(new Error(`the projection thread ended before it was ready (exit code ${code})`));
          return;
        }
        if (this.running) this.died(code);
      });
    });
  }

  /**
   * A change is emitted only after its batch committed: its projection's checkpoint is at least its position. The
   * statuses the worker last posted may predate that commit; the snapshot is moved up here so that it is never behind
   * a change emitted (the live feed replays the log up to the snapshot's checkpoint for a new subscriber, and takes
   * the changes after it from changes$).
   */
  private reached(change: ProjectionChange): void {
    const status = this.snapshot.find((candidate) => candidate.name === change.projection);
    if (status && (status.checkpoint === null || BigInt(status.checkpoint) < BigInt(change.position))) status.checkpoint = change.position;
  }

  /** The thread ended without being stopped: report its projections failed and start it again with backoff. */
  private died(code: number): void {
    const interrupted = this.changesSubject;
    this.changesSubject = new Subject<ProjectionChange>();
    interrupted.complete();
    const at = new Date().toISOString();
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(delay * 2, 30_000);
    const message = `the projection thread ended (exit code ${code}); starting it again in ${delay} ms`;
    this.options.logger.error(message);
    this.snapshot = this.snapshot.map((status) => ({
      ...status,
      state: 'failed',
      error: { message, eventId: '', eventType: '', streamName: '', position: status.checkpoint ?? '', at, retryAt: new Date(Date.now() + delay).toISOString() },
    }));
    this.restartTimer = setTimeout(() => {
      if (!this.running) return;
      this.spawn().catch((error: Error) => {
        this.options.logger.error(`cannot start the projection thread again: ${error.message}`, error.stack);
        if (this.running) this.died(-1);
      });
    }, delay);
  }
}
