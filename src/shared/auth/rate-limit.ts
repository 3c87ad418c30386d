import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { principalOf } from './api-key.guard.js';
import type { ApiKeyRegistry } from './api-keys.js';

const isAdminRoute = (url: string) => url === '/admin' || url.startsWith('/admin/');

/**
 * Per-key rate limit on the admin API (@fastify/rate-limit): one budget per key owner across every admin route.
 * Its hook is attached to admin routes only (the others never pay for it). It runs before Nest's guards, so it
 * resolves the key owner itself (the guard reuses that); requests without a valid key are counted by IP (and then
 * refused by the guard anyway).
 */
export async function registerAdminRateLimit(app: NestFastifyApplication, registry: ApiKeyRegistry, perMinute: number): Promise<void> {
  // Must run before the plugin's own onRoute hook: `rateLimit: false` tells it to leave the route alone.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (!isAdminRoute(route.url)) route.config = { ...route.config, rateLimit: false };
    });
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => {
      const owner = principalOf(registry, request)?.owner;
      return owner ? `key:${owner}` : `ip:${request.ip}`;
    },
    // Thrown from the plugin's hook and rendered by the ProblemDetailsFilter like any 4xx error carrying a code.
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      code: 'REQUEST.RATE_LIMITED',
      message: `At most ${context.max} admin requests per minute for this key; retry in ${context.after}`,
    }),
  });
}
