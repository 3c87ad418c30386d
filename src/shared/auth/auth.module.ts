import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AppConfig } from '../../config/app-config.js';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeyRegistry, parseApiKeys } from './api-keys.js';

// Production without keys never gets here: loadConfig refuses it. main.ts prints the development keys.
const registryFor = (config: AppConfig): ApiKeyRegistry =>
  config.API_KEYS ? new ApiKeyRegistry(parseApiKeys(config.API_KEYS)) : ApiKeyRegistry.development();

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
