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
import { EVENT_STORE_CLIENT } from '../event-store/event-store.module.js';
import { ReadStore } from '../read-store/read-store.js';
import type { Projection } from './projection.js';
import { ProjectionRegistry } from './projection-registry.js';
import { ProjectionRunner } from './projection-runner.js';

/** Starts the runner once every module registered its projections; stops it before the stores close. */
@Injectable()
class ProjectionRunnerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }
}

/**
 * Global: the projection registry and the one runner feeding every registered projection from `$all`.
 * Inject `ProjectionRunner` for `status()`, `waitFor(position)`, `changes$` and `rebuild(name)`.
 * Contexts register their projections with `ProjectionsModule.forFeature([...])`.
 */
@Global()
@Module({
  providers: [
    ProjectionRegistry,
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE_CLIENT, ReadStore, ProjectionRegistry],
      useFactory: (client: EventStoreDBClient, store: ReadStore, registry: ProjectionRegistry) =>
        new ProjectionRunner(client, store, () => registry.list(), { logger: new Logger('Projections') }),
    },
    ProjectionRunnerLifecycle,
  ],
  exports: [ProjectionRegistry, ProjectionRunner],
})
export class ProjectionsModule {
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
