import type { Type } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { ApiEndpointModule } from './import/api-endpoint.js';
import type { AppConfig } from './config/app-config.js';
import { ApiKeyRegistry } from './shared/auth/api-keys.js';
import { registerAdminRateLimit } from './shared/auth/rate-limit.js';
import { ProblemDetailsFilter, sendFrameworkError } from './shared/http/problem-details.filter.js';
import { MAX_PATH_PARAM_LENGTH } from './shared/http/problem-details.js';
import { createValidationPipe } from './shared/http/validation.js';

/** Request bodies above this are refused with 413 before any handler runs. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the whole application (not yet listening): used by main.ts, the e2e tests and the benchmarks. */
export async function createApp(config: AppConfig, extraModules: Type[] = []): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    // ApiEndpointModule: an import on this DATA_DIR goes through this API (src/import/api-endpoint.ts).
    AppModule.forRoot(config, [ApiEndpointModule, ...extraModules]),
    // Request ids are causation ids in event metadata: unique across restarts, not Fastify's per-boot counter.
    // Routing errors (bad percent-encoding, an over-long path parameter) are problem+json like every other error.
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
      genReqId: () => uuidv7(),
      frameworkErrors: sendFrameworkError,
    }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  await registerAdminRateLimit(app, app.get(ApiKeyRegistry), config.RATE_LIMIT_PER_MINUTE);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Dateline')
    .setDescription(
      'Event-sourced newsroom backend: editors record facts as commands; projections answer who controlled which ' +
        'place and who held which office, as of any date and as known at any time.',
    )
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', name: 'x-api-key', in: 'header' }, 'api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}
