import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requirementFor, satisfies } from './access-policy.js';
import { ApiKeyRegistry, type Principal } from './api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The key from `X-API-Key`, or `Authorization: Bearer <key>`. */
export function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim() || undefined;
  return undefined;
}

const principals = new WeakMap<FastifyRequest, Principal | null>();

/**
 * The principal behind the request's API key, or undefined without a valid key. Hashed once per request: the admin
 * rate limit (a Fastify hook) and the guard both ask.
 */
export function principalOf(registry: ApiKeyRegistry, request: FastifyRequest): Principal | undefined {
  let principal = principals.get(request);
  if (principal === undefined) {
    const key = apiKeyOf(request);
    principal = (key ? registry.authenticate(key) : undefined) ?? null;
    principals.set(request, principal);
  }
  return principal ?? undefined;
}

/** Authenticates every request by API key and checks its role against the access policy, before any handler. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(@Inject(ApiKeyRegistry) private readonly registry: ApiKeyRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The route Fastify matched, not the raw URL: the router decodes percent-escapes (`/%61dmin/...` is `/admin/...`),
    // so a policy read off the raw URL would let an escaped path reach a route under a weaker role.
    const required = requirementFor(request.routeOptions?.url ?? request.url.split('?')[0] ?? '/');
    if (required === 'public') return true;
    if (!apiKeyOf(request)) throw new UnauthorizedException('An API key is required (X-API-Key header or Authorization: Bearer)');
    const principal = principalOf(this.registry, request);
    if (!principal) throw new UnauthorizedException('The API key is not valid');
    if (!satisfies(principal.roles, required)) {
      throw new ForbiddenException(`This needs the ${required} role; the key of ${principal.owner} has ${principal.roles.join(', ')}`);
    }
    request.principal = principal;
    return true;
  }
}
