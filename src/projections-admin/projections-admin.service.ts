import type { EventStoreDBClient } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE_CLIENT } from '../infrastructure/event-store/event-store.module.js';
import { ProjectionRegistry } from '../infrastructure/projections/projection-registry.js';
import { ProjectionRunner, type ProjectionStatus } from '../infrastructure/projections/projection-runner.js';
import type { Projection } from '../infrastructure/projections/projection.js';
import { ReadStore } from '../infrastructure/read-store/read-store.js';
import { notFound } from '../shared/domain/domain-error.js';
import { type Comparison, diffTables, replayIntoScratch } from './scratch-replay.js';

export interface RebuildProgress {
  name: string;
  state: 'rebuilding' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** The head of the log when the rebuild started: it is done once the projection applied up to it. */
  target: string | null;
  /** The projection's checkpoint now. */
  checkpoint: string | null;
  /** checkpoint / target, 0..100 (100 when the log was empty). */
  percent: number;
  eventsApplied: number;
  error: string | null;
}

export type ProjectionView = ProjectionStatus & { rebuild: RebuildProgress | null };

const unknownProjection = (name: string) => notFound('PROJECTIONS.UNKNOWN_PROJECTION', `no projection "${name}" is registered`, 'name');

/**
 * Operations on the read models: status, rebuild from the log (the runner's in-place rebuild: drop, replay;
 * progress tracked here) and comparison of a live model with a copy replayed from the log into a scratch store.
 */
@Injectable()
export class ProjectionsAdminService {
  private readonly rebuilds = new Map<string, RebuildProgress>();

  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(ProjectionRegistry) private readonly registry: ProjectionRegistry,
    @Inject(ReadStore) private readonly store: ReadStore,
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
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
    if (progress.state === 'rebuilding') {
      progress.checkpoint = status.checkpoint;
      progress.eventsApplied = status.eventsApplied;
      progress.percent = percentOf(status.checkpoint, progress.target);
      if (status.error) progress.error = status.error.message;
    }
    return { ...progress };
  }

  /** Starts a rebuild; resolves with its progress right away. `wait`: resolves once it reached the head it started from. */
  async rebuild(name: string, options: { wait?: boolean; timeoutMs?: number } = {}): Promise<RebuildProgress> {
    this.projection(name);
    const head = (await this.runner.status()).find((status) => status.name === name)?.headPosition ?? null;
    const progress: RebuildProgress = {
      name,
      state: 'rebuilding',
      startedAt: new Date().toISOString(),
      finishedAt: null,
      target: head,
      checkpoint: null,
      percent: head === null ? 100 : 0,
      eventsApplied: 0,
      error: null,
    };
    this.rebuilds.set(name, progress);
    await this.runner.rebuild(name);
    const done = (head === null ? Promise.resolve() : this.runner.waitFor(BigInt(head), { projections: [name], timeoutMs: options.timeoutMs ?? 3_600_000 })).then(
      () => Object.assign(progress, { state: 'done', finishedAt: new Date().toISOString(), percent: 100, checkpoint: this.checkpointOf(name) }),
      (error: Error) => Object.assign(progress, { state: 'failed', finishedAt: new Date().toISOString(), error: error.message }),
    );
    if (options.wait) await done;
    const status = this.runner.statusSnapshot().find((candidate) => candidate.name === name);
    if (status && progress.state !== 'rebuilding') progress.eventsApplied = status.eventsApplied;
    return { ...progress };
  }

  private checkpointOf(name: string): string | null {
    return this.runner.statusSnapshot().find((status) => status.name === name)?.checkpoint ?? null;
  }

  /**
   * Replays the log, up to where the live model is, into a scratch copy and diffs the two table by table. Waits
   * (briefly) for the live model to reach the head first; writes arriving during the comparison can show up as
   * differences of the live side, so compare on a quiet log or compare again.
   */
  async compare(name: string): Promise<Comparison> {
    const projection = this.projection(name);
    await this.runner.waitForHead({ timeoutMs: 30_000 }).catch(() => undefined);
    const checkpoint = this.checkpointOf(name);
    const { store: scratch, replayed } = await replayIntoScratch(this.client, projection, checkpoint === null ? -1n : BigInt(checkpoint));
    try {
      const tables = await diffTables(this.store.db, scratch.db, projection.tables ?? []);
      const identical = tables.every((table) => table.onlyLiveCount === 0 && table.onlyRebuiltCount === 0);
      return { name, position: checkpoint, eventsReplayed: replayed, identical, tables };
    } finally {
      await scratch.close();
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
