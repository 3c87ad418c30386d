import type { EventStoreDBClient } from '@eventstore/db-client';
import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type Type,
} from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { EVENT_STORE_CLIENT, EventStoreConnection } from '../event-store/event-store.module.js';
import { readStoreOptionsFrom } from '../read-store/read-store.module.js';
import { ReadStore } from '../read-store/read-store.js';
import type { Projection } from './projection.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionRunner, type ProjectionRunnerApi } from './projection-runner.js';
import { ThreadedProjectionRunner } from './projection-thread.js';
import { ReadModelChanges } from './read-model-changes.js';

/** Starts the runner once every module registered its projections; stops it before the stores close. */
@Injectable()
class ProjectionRunnerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunnerApi) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}

export interface ProjectionsModuleOptions {
  /**
   * The projection worker thread's entry module (PROJECTIONS_THREAD=worker): it lives beside the app module, which
   * knows the contexts' projections; infrastructure does not.
   */
  workerEntry: () => URL;
}

/**
 * Global: the projection registry and the one runner feeding every registered projection from `$all`: in a worker
 * thread of its own (PROJECTIONS_THREAD=worker, the default) or in the API's thread (`main`).
 * Inject `ProjectionRunner` (typed `ProjectionRunnerApi`) for `status()`, `waitFor(position)`, `changes$` and
 * `rebuild(name)`, and `ReadModelChanges` to keep a cache of a read model exact. Contexts register their projections
 * with `ProjectionsModule.forFeature([...])`.
 */
@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        ProjectionRegistry,
        {
          provide: ProjectionRunner,
          // EVENT_STORE_CLIENT first: its factory connects (and starts the embedded store).
          inject: [EVENT_STORE_CLIENT, EventStoreConnection, AppConfig, ReadStore, ProjectionRegistry],
          useFactory: (
            client: EventStoreDBClient,
            connection: EventStoreConnection,
            config: AppConfig,
            store: ReadStore,
            registry: ProjectionRegistry,
          ): ProjectionRunnerApi => {
            const logger = new Logger('Projections');
            if (config.PROJECTIONS_THREAD === 'main') return new ProjectionRunner(client, store, () => registry.list(), { logger });
            return new ThreadedProjectionRunner({
              entry: options.workerEntry(),
              eventStoreUrl: connection.connectionString,
              readStore: readStoreOptionsFrom(config),
              expectedNames: () => registry.list().map((projection) => projection.name),
              logger,
            });
          },
        },
        {
          provide: ReadModelChanges,
          inject: [ProjectionRunner, ReadStore],
          // This process's runner is the only writer of a SQLite read store (the rebuild CLI refuses to run beside
          // the API; an import through the API leaves the projections to it). A PostgreSQL one may have others.
          useFactory: (runner: ProjectionRunnerApi, store: ReadStore) => new ReadModelChanges(runner, store.dialect === 'sqlite'),
        },
        ProjectionRunnerLifecycle,
      ],
      exports: [ProjectionRegistry, ProjectionRunner, ReadModelChanges],
    };
  }

  /** Provides the given projection classes and registers them with the runner. */
  static forFeature(projections: Type<Projection>[]): DynamicModule {
    const token = `PROJECTIONS_FEATURE:${projections.map((p) => p.name).join(',')}`;
    return {
      module: ProjectionsFeatureModule,
      providers: [
        ...projections,
        {
          provide: token,
          inject: [ProjectionRegistry, ...projections],
          useFactory: (registry: ProjectionRegistry, ...instances: Projection[]) => {
            registry.register(...instances);
            return instances;
          },
        },
      ],
      exports: projections,
    };
  }
}

@Module({})
export class ProjectionsFeatureModule {}
