import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { AuditModule } from './contexts/audit/audit.module.js';
import { LeadershipReadModule } from './contexts/leadership/leadership-read.module.js';
import { LeadershipWriteModule } from './contexts/leadership/leadership-write.module.js';
import { MonumentsWriteModule } from './contexts/monuments/monuments-write.module.js';
import { StatementsWriteModule } from './contexts/statements/statements-write.module.js';
import { TerritoryReadModule } from './contexts/territory/territory-read.module.js';
import { TerritoryWriteModule } from './contexts/territory/territory-write.module.js';
import { TimelineReadModule } from './contexts/timeline/timeline-read.module.js';
import { ExplainModule } from './contexts/explain/explain.module.js';
import { ProjectionsAdminModule } from './projections-admin/projections-admin.module.js';
import { AuthModule } from './shared/auth/auth.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportModule } from './import/import.module.js';
import { compiledEntry } from './infrastructure/embedded-esdb/entries.js';
import { EventStoreModule } from './infrastructure/event-store/event-store.module.js';
import { ProjectionsModule } from './infrastructure/projections/projections.module.js';
import { ReadStoreModule } from './infrastructure/read-store/read-store.module.js';
import { LiveModule } from './live/live.module.js';

/** The projection thread's entry module, beside this one (compiled under dist/ when running from src/). */
export const projectionWorkerEntry = (): URL =>
  compiledEntry('projections.worker', import.meta.url, { what: 'the projection thread', build: 'npm run build', tree: true });

@Module({})
export class AppModule {
  /** `extraModules`: benchmarks add a do-nothing endpoint on the very same server and adapter. */
  static forRoot(config: AppConfig, extraModules: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            autoLogging: false,
            transport:
              process.stdout.isTTY && config.LOG_LEVEL !== 'silent'
                ? { target: 'pino-pretty', options: { singleLine: true } }
                : undefined,
          },
        }),
        CqrsModule.forRoot(),
        AuthModule,
        EventStoreModule,
        ReadStoreModule,
        ProjectionsModule.forRoot({ workerEntry: projectionWorkerEntry }),
        TerritoryWriteModule,
        TerritoryReadModule,
        LeadershipWriteModule,
        LeadershipReadModule,
        MonumentsWriteModule,
        StatementsWriteModule,
        AuditModule,
        TimelineReadModule,
        ExplainModule,
        ProjectionsAdminModule,
        LiveModule,
        HealthModule,
        ImportModule,
        ...extraModules,
      ],
    };
  }
}
