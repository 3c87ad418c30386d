import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { apiKeyOf } from './api-key.guard.js';
import type { ApiKeyRegistry } from './api-keys.js';

/**
 * Per-key rate limit on the admin API (@fastify/rate-limit). It runs before Nest's guards, so it resolves the key
 * owner itself; requests without a valid key are counted by IP (and then refused by the guard anyway).
 */
export async function registerAdminRateLimit(app: NestFastifyApplication, registry: ApiKeyRegistry, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    allowList: (request: FastifyRequest) => !request.url.startsWith('/admin'),
    keyGenerator: (request: FastifyRequest) => {
      const key = apiKeyOf(request);
      const owner = key ? registry.authenticate(key)?.owner : undefined;
      return owner ? `key:${owner}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: `At most ${context.max} admin requests per minute for this key; retry in ${context.after}`,
      instance: request.url,
    }),
  });
}
