import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../../config/app-config.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeyRegistry, DEVELOPMENT_KEYS, parseApiKeys } from './api-keys.js';

function registryFor(config: AppConfig): ApiKeyRegistry {
  if (config.API_KEYS) return new ApiKeyRegistry(parseApiKeys(config.API_KEYS));
  // Production without keys never gets here: loadConfig refuses it.
  if (config.LOG_LEVEL !== 'silent') {
    const logger = new Logger('Auth');
    logger.warn('API_KEYS is not set: using the development keys below (never in production)');
    for (const { key, roles } of DEVELOPMENT_KEYS) logger.warn(`  X-API-Key: ${key}  (${roles.join(', ')})`);
  }
  return ApiKeyRegistry.development();
}

/** API keys with roles on every request, and a per-key rate limit on the admin API. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'admin', ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }],
        skipIf: (context) => !context.switchToHttp().getRequest<FastifyRequest>().url.startsWith('/admin'),
        getTracker: (request: Record<string, unknown>) =>
          (request as unknown as FastifyRequest).principal?.owner ?? String(request.ip),
      }),
    }),
  ],
  providers: [
    { provide: ApiKeyRegistry, inject: [AppConfig], useFactory: registryFor },
    // Order matters: authenticate first, so the rate limit counts per key owner.
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: ThrottlerGuard },
  ],
  exports: [ApiKeyRegistry],
})
export class AuthModule {}
