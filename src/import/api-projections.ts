import { BACKWARDS, END, type EventStoreDBClient } from '@eventstore/db-client';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { NEVER } from 'rxjs';
import { EVENT_STORE_CLIENT } from '../infrastructure/event-store/event-store.module.js';
import { readAllCheckpoints } from '../infrastructure/projections/checkpoint-store.js';
import { toProjectedEvent } from '../infrastructure/projections/projected-event.js';
import { ProjectionRegistry } from '../infrastructure/projections/projection-registry.js';
import {
  type PositionLike,
  ProjectionRunner,
  type ProjectionRunnerApi,
  type ProjectionStatus,
  toCommitPosition,
  WaitForTimeoutError,
} from '../infrastructure/projections/projection-runner.js';
import { ProjectionsModule } from '../infrastructure/projections/projections.module.js';
import { ReadModelChanges } from '../infrastructure/projections/read-model-changes.js';
import { ReadStore } from '../infrastructure/read-store/read-store.js';

/** How often a wait looks at the API's checkpoints. */
const POLL_MS = 50;

/**
 * The projection runner of an import that goes through a running API: the API's runner applies every event (two
 * runners on one SQLite read store would fight for its write lock, and the API's would not know), so this one never
 * migrates, subscribes or writes. It answers waits by reading the checkpoints the API's runner commits with each
 * change: a correction line waits here until the API's audit index holds the event it names.
 */
export class ApiProjectionsWatcher implements ProjectionRunnerApi {
  readonly changes$ = NEVER;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly store: ReadStore,
    private readonly registry: ProjectionRegistry,
  ) {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  names(): string[] {
    return this.registry.list().map((projection) => projection.name);
  }

  statusSnapshot(): ProjectionStatus[] {
    return [];
  }

  /** The API's checkpoints and lag, as the API's /health would report them (minus what only its runner knows). */
  async status(): Promise<ProjectionStatus[]> {
    const [checkpoints, head] = await Promise.all([readAllCheckpoints(this.store.db), this.headPosition()]);
    return this.names().map((name) => {
      const checkpoint = checkpoints.get(name)?.commit ?? null;
      const lag = head === null ? 0 : Math.max(0, Number(head - (checkpoint ?? -1n)));
      return {
        name,
        state: lag === 0 ? 'live' : 'catching-up',
        checkpoint: checkpoint?.toString() ?? null,
        headPosition: head?.toString() ?? null,
        lag,
        eventsApplied: 0,
        lastAppliedAt: null,
        error: null,
      };
    });
  }

  async waitFor(position: PositionLike, options: { timeoutMs?: number; projections?: string[] } = {}): Promise<void> {
    const target = toCommitPosition(position);
    const names = options.projections ?? this.names();
    const deadline = performance.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const checkpoints = await readAllCheckpoints(this.store.db);
      const behind = names.filter((name) => (checkpoints.get(name)?.commit ?? -1n) < target);
      if (behind.length === 0) return;
      if (performance.now() >= deadline) {
        const at = behind.map((name) => `${name} at ${checkpoints.get(name)?.commit ?? 'start'}`);
        throw new WaitForTimeoutError(target, options.timeoutMs ?? 15_000, at);
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async waitForHead(options: { timeoutMs?: number } = {}): Promise<void> {
    const head = await this.headPosition();
    if (head !== null) await this.waitFor(head, options);
  }

  async rebuild(): Promise<void> {
    throw new Error('the import does not rebuild projections: the API runs them (POST /admin/projections/:name/rebuild)');
  }

  /** Commit position of the last event a projection sees (not a system event), null when there is none. */
  private async headPosition(): Promise<bigint | null> {
    let head: bigint | null = null;
    // Read to the end (at most maxCount events): an abandoned read holds up the client's dispose().
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 10 })) {
      head ??= toProjectedEvent(resolved)?.position ?? null;
    }
    return head;
  }
}

/**
 * Provides what ProjectionsModule.forRoot provides (the registry, the runner token, read-model changes), with the
 * watcher as runner.
 */
@Global()
@Module({})
export class ApiProjectionsModule {
  static forRoot(): DynamicModule {
    return {
      module: ApiProjectionsModule,
      providers: [
        ProjectionRegistry,
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE_CLIENT, ReadStore, ProjectionRegistry],
          useFactory: (client: EventStoreDBClient, store: ReadStore, registry: ProjectionRegistry): ProjectionRunnerApi =>
            new ApiProjectionsWatcher(client, store, registry),
        },
        {
          provide: ReadModelChanges,
          inject: [ProjectionRunner],
          // The API's runner writes the read models: this process never hears of their changes, so caches stay off.
          useFactory: (runner: ProjectionRunnerApi) => new ReadModelChanges(runner, false),
        },
      ],
      exports: [ProjectionRegistry, ProjectionRunner, ReadModelChanges],
    };
  }
}

/**
 * The application module of an import through a running API: the app's own module with its projections module
 * swapped for ApiProjectionsModule, so every command handler, validator and index is the API's very code.
 */
export function withApiProjections(root: DynamicModule): DynamicModule {
  const imports = root.imports ?? [];
  const at = imports.findIndex((entry) => (entry as DynamicModule | undefined)?.module === ProjectionsModule);
  if (at < 0) throw new Error('the application module imports no ProjectionsModule.forRoot to replace');
  return { ...root, imports: imports.map((entry, i) => (i === at ? ApiProjectionsModule.forRoot() : entry)) };
}
