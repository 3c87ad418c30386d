import type { EventStoreDBClient } from '@eventstore/db-client';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE_CLIENT } from '../infrastructure/event-store/event-store.module.js';
import { ProjectionRegistry } from '../infrastructure/projections/projection-registry.js';
import { ProjectionRunner, type ProjectionRunnerApi, type ProjectionStatus } from '../infrastructure/projections/projection-runner.js';
import type { Projection } from '../infrastructure/projections/projection.js';
import { ReadStore } from '../infrastructure/read-store/read-store.js';
import { type DomainError, illegalState, notFound, operationFailed } from '../shared/domain/domain-error.js';
import { readCheckpoint } from '../infrastructure/projections/checkpoint-store.js';
import { ReadModelChanges } from '../infrastructure/projections/read-model-changes.js';
import { atSameCheckpoint, type Comparison, diffTables, ScratchCopy, swapIn } from './scratch-replay.js';

const MAX_SWAP_ATTEMPTS = 50;

/**
 * `copy`: replay the log into a fresh copy while the live model keeps answering, and swap it in (one transaction)
 * once it reached the live checkpoint. `in-place`: the runner drops the live tables and replays into them (queries
 * see a partial model meanwhile).
 */
export const REBUILD_MODES = ['copy', 'in-place'] as const;
export type RebuildMode = (typeof REBUILD_MODES)[number];

export interface RebuildProgress {
  name: string;
  mode: RebuildMode;
  state: 'rebuilding' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** The head of the log when the rebuild started: it is done once the projection applied up to it. */
  target: string | null;
  /** The rebuilt model's checkpoint now (mode copy: the copy's). */
  checkpoint: string | null;
  /** checkpoint / target, 0..100 (100 when the log was empty). */
  percent: number;
  eventsApplied: number;
  error: string | null;
}

export type ProjectionView = ProjectionStatus & { rebuild: RebuildProgress | null };

const unknownProjection = (name: string) => notFound('PROJECTIONS.UNKNOWN_PROJECTION', `no projection "${name}" is registered`, 'name');

/**
 * The answer to a rebuild asked with `wait` that failed (500 problem+json): the projection's name, why, and the
 * rebuild's progress. A copy never replaced the live model; an in-place rebuild left the model where it stopped.
 */
export function rebuildFailed(progress: RebuildProgress): DomainError {
  const left =
    progress.mode === 'copy'
      ? 'the live model was left as it was'
      : `the model stopped at position ${progress.checkpoint ?? 'start'} of ${progress.target ?? '?'}; GET /admin/projections/${progress.name} tells when it retries`;
  return operationFailed('PROJECTIONS.REBUILD_FAILED', `rebuilding projection "${progress.name}" (mode ${progress.mode}) failed: ${progress.error}; ${left}`, {
    name: progress.name,
    reason: progress.error,
    rebuild: progress,
  });
}

/**
 * Operations on the read models: status, rebuild from the log (into a fresh copy swapped in when caught up, or the
 * runner's in-place drop-and-replay; progress tracked here) and comparison of a live model with a copy replayed from the log into a scratch store.
 */
@Injectable()
export class ProjectionsAdminService {
  private readonly rebuilds = new Map<string, RebuildProgress>();
  private readonly logger = new Logger(ProjectionsAdminService.name);

  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunnerApi,
    @Inject(ProjectionRegistry) private readonly registry: ProjectionRegistry,
    @Inject(ReadStore) private readonly store: ReadStore,
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(ReadModelChanges) private readonly changes: ReadModelChanges,
  ) {}

  private projection(name: string): Projection {
    const projection = this.registry.list().find((candidate) => candidate.name === name);
    if (!projection || !this.runner.names().includes(name)) throw unknownProjection(name);
    return projection;
  }

  async list(): Promise<ProjectionView[]> {
    const statuses = await this.runner.status();
    return statuses.map((status) => ({ ...status, rebuild: this.progressOf(status) }));
  }

  async get(name: string): Promise<ProjectionView> {
    this.projection(name);
    const status = (await this.runner.status()).find((candidate) => candidate.name === name)!;
    return { ...status, rebuild: this.progressOf(status) };
  }

  private progressOf(status: ProjectionStatus): RebuildProgress | null {
    const progress = this.rebuilds.get(status.name);
    if (!progress) return null;
    if (progress.state === 'rebuilding' && progress.mode === 'in-place') {
      progress.checkpoint = status.checkpoint;
      progress.eventsApplied = status.eventsApplied;
      progress.percent = percentOf(status.checkpoint, progress.target);
      if (status.error) progress.error = status.error.message;
    }
    return { ...progress };
  }

  /**
   * Starts a rebuild and resolves with its progress right away; with `wait`, once it is done (mode in-place: once it
   * applied the log up to the head it started from; mode copy: once the copy replaced the live model).
   */
  async rebuild(name: string, options: { mode?: RebuildMode; wait?: boolean; timeoutMs?: number } = {}): Promise<RebuildProgress> {
    const projection = this.projection(name);
    const mode = options.mode ?? 'copy';
    const running = this.rebuilds.get(name);
    if (running?.state === 'rebuilding') {
      throw illegalState('PROJECTIONS.REBUILD_RUNNING', `projection "${name}" is being rebuilt already (since ${running.startedAt})`, 'name');
    }
    // Registered before any await, so a second request for the same projection is refused.
    const progress: RebuildProgress = {
      name,
      mode,
      state: 'rebuilding',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      target: null,
      checkpoint: null,
      percent: 0,
      eventsApplied: 0,
      error: null,
    };
    this.rebuilds.set(name, progress);
    const head = (await this.runner.status()).find((status) => status.name === name)?.headPosition ?? null;
    Object.assign(progress, { target: head, percent: head === null ? 100 : 0 });
    const finish = (error?: Error) => {
      if (error) this.logger.warn(`rebuild of ${name} (mode ${mode}) failed: ${error.message}`);
      return Object.assign(
        progress,
        error
          ? { state: 'failed', finishedAt: new Date().toISOString(), error: error.message }
          : { state: 'done', finishedAt: new Date().toISOString(), percent: 100, checkpoint: progress.mode === 'copy' ? progress.checkpoint : this.checkpointOf(name) },
      );
    };
    let done: Promise<unknown>;
    if (mode === 'copy') {
      done = this.rebuildIntoCopy(projection, progress).then(() => finish(), finish);
    } else {
      try {
        await this.runner.rebuild(name);
      } catch (error) {
        // Not started (the projection thread is down and being started again): record it failed, so that the next
        // request can start one, and say why rather than answer 500.
        finish(error as Error);
        throw illegalState('PROJECTIONS.THREAD_DOWN', `projection "${name}" cannot be rebuilt right now (${(error as Error).message}); retry shortly`, 'name');
      } finally {
        // Its tables were dropped and recreated empty (or may have been, if it failed after its reset), with no change
        // message: caches of it start over.
        this.changes.replaced(name);
      }
      done = (head === null ? Promise.resolve() : this.runner.waitFor(BigInt(head), { projections: [name], timeoutMs: options.timeoutMs ?? 3_600_000 })).then(
        () => finish(),
        finish,
      );
    }
    if (options.wait) await done;
    if (mode === 'in-place' && progress.state !== 'rebuilding') {
      progress.eventsApplied = this.runner.statusSnapshot().find((candidate) => candidate.name === name)?.eventsApplied ?? progress.eventsApplied;
    }
    return { ...progress };
  }

  /**
   * Replays the log into a scratch copy up to the live checkpoint, then swaps it in if the live model has not moved
   * since; otherwise catches the copy up to the new checkpoint and tries again.
   */
  private async rebuildIntoCopy(projection: Projection, progress: RebuildProgress): Promise<void> {
    const copy = await ScratchCopy.open(projection);
    try {
      for (let attempt = 0; attempt < MAX_SWAP_ATTEMPTS; attempt++) {
        const live = await readCheckpoint(this.store.db, projection.name);
        if (live) {
          progress.target = live.commit.toString();
          // The head may have been unknown when it started (percent 100 "empty log"): measure against this target.
          progress.percent = percentOf(progress.checkpoint, progress.target);
          await copy.catchUp(this.client, live.commit, (replayed, position) => {
            progress.eventsApplied = replayed;
            progress.checkpoint = position.toString();
            progress.percent = percentOf(progress.checkpoint, progress.target);
          });
        }
        if (await swapIn(this.store, copy)) {
          // Every row replaced in one transaction, with no change message: caches of the model start over.
          this.changes.replaced(projection.name);
          progress.checkpoint = live ? live.commit.toString() : null;
          progress.eventsApplied = copy.replayed;
          return;
        }
      }
      throw new Error(`the live model kept moving: not swapped in after ${MAX_SWAP_ATTEMPTS} attempts`);
    } finally {
      await copy.close();
    }
  }

  private checkpointOf(name: string): string | null {
    return this.runner.statusSnapshot().find((status) => status.name === name)?.checkpoint ?? null;
  }

  /**
   * Replays the log, up to where the live model is, into a scratch copy and diffs the two table by table. The live
   * tables are read in one transaction holding the projection's checkpoint at the copy's position, so both sides
   * reflect exactly the same prefix of the log even while events keep arriving.
   */
  async compare(name: string): Promise<Comparison> {
    const projection = this.projection(name);
    const copy = await ScratchCopy.open(projection);
    try {
      for (let attempt = 0; attempt < MAX_SWAP_ATTEMPTS; attempt++) {
        const live = await readCheckpoint(this.store.db, name);
        if (live) await copy.catchUp(this.client, live.commit);
        const tables = await atSameCheckpoint(this.store, copy, (tx) => diffTables(tx, copy.store.db, projection.tables ?? []));
        if (!tables) continue;
        const identical = tables.every((table) => table.onlyLiveCount === 0 && table.onlyRebuiltCount === 0);
        return { name, position: live ? live.commit.toString() : null, eventsReplayed: copy.replayed, identical, tables };
      }
      throw new Error(`the live model kept moving: not compared after ${MAX_SWAP_ATTEMPTS} attempts`);
    } finally {
      await copy.close();
    }
  }
}

function percentOf(checkpoint: string | null, target: string | null): number {
  if (target === null) return 100;
  if (checkpoint === null) return 0;
  const [done, all] = [BigInt(checkpoint), BigInt(target)];
  if (all <= 0n || done >= all) return 100;
  return Math.floor(Number((done * 10_000n) / all)) / 100;
}
