import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
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

/** API keys with roles on every request (the per-key admin rate limit is a Fastify plugin: rate-limit.ts). */
@Global()
@Module({
  providers: [
    { provide: ApiKeyRegistry, inject: [AppConfig], useFactory: registryFor },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiKeyRegistry],
})
export class AuthModule {}
