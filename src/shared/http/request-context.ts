import { createParamDecorator, type ExecutionContext, UnauthorizedException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { CommandContext } from '../application/command-catalog.js';
import { validationError } from '../domain/domain-error.js';

const MAX_HEADER_LENGTH = 200;
const PRINTABLE = /^[\x21-\x7e][\x20-\x7e]*$/;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  if (text.length > MAX_HEADER_LENGTH || !PRINTABLE.test(text)) {
    throw validationError('REQUEST.INVALID_HEADER', name, `${name} must be 1 to ${MAX_HEADER_LENGTH} printable ASCII characters`);
  }
  return text;
}

/** `If-Match: 3`, `"3"` or `W/"3"` → 3n. Anything else is a 400 naming the header. */
export function parseIfMatch(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,20})"?$/.exec(value.trim());
  if (!match) throw validationError('REQUEST.INVALID_IF_MATCH', 'If-Match', 'If-Match must be a stream revision such as "3" (the ETag of the last answer)');
  return BigInt(match[1]);
}

/** The ETag of a stream revision, as If-Match accepts it back. */
export const etagOf = (revision: string): string => `"${revision}"`;

const requestIds = new WeakMap<object, string>();

/**
 * The request id: Fastify's own when it is already unique (a uuid from `genReqId`), otherwise a uuid minted once
 * per request — Fastify's default `req-1`, `req-2` restart at every boot and would not identify a cause.
 */
export function requestIdOf(request: FastifyRequest): string {
  const own = String(request.id ?? '');
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(own)) return own;
  let id = requestIds.get(request);
  if (!id) requestIds.set(request, (id = uuidv7()));
  return id;
}

/**
 * The editor: the owner of the API key the auth guard accepted. Every command route is under `/admin`, which the
 * guard never lets through without a key, so a missing principal means the guard did not run: refuse the command
 * rather than record an actor nobody authenticated (and never take one from a client header).
 */
export function actorOf(request: FastifyRequest): string {
  const owner = (request as { principal?: { owner?: unknown } }).principal?.owner;
  if (typeof owner !== 'string' || owner === '') throw new UnauthorizedException('An API key is required to send a command');
  return owner;
}

/**
 * Who/why/how of a command arriving over HTTP. Actor: the key owner (actorOf); correlation id: `x-correlation-id` or a new uuid; causation id: the request id; If-Match and
 * Idempotency-Key as given.
 */
export function commandContextFrom(request: FastifyRequest): CommandContext {
  const idempotencyKey = header(request, 'idempotency-key');
  const expectedRevision = parseIfMatch(header(request, 'if-match'));
  return {
    actor: actorOf(request),
    correlationId: correlationIdOf(request),
    causationId: requestIdOf(request),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
  };
}

const correlationIds = new WeakMap<object, string>();

export function correlationIdOf(request: FastifyRequest): string {
  let id = correlationIds.get(request);
  if (!id) correlationIds.set(request, (id = header(request, 'x-correlation-id') ?? uuidv7()));
  return id;
}

/** Controller parameter: the CommandContext of this request. */
export const RequestCommandContext = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext =>
  commandContextFrom(context.switchToHttp().getRequest<FastifyRequest>()),
);

/**
 * Controller parameter: the JSON body with the ids from the path filled in (api.md: "an id that appears in the path
 * may be left out of the body; when both are given they must agree"). The global pipe then validates it against the
 * parameter's DTO type, so a malformed path id is reported like a malformed body field.
 */
export const CommandBody = createParamDecorator((pathIds: string[] | undefined, context: ExecutionContext): unknown => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const contentType = String(request.headers['content-type'] ?? '');
  if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaTypeException('commands are JSON: send Content-Type: application/json');
  }
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const params = (request.params ?? {}) as Record<string, string>;
  const merged: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const name of pathIds ?? []) {
    const fromPath = params[name];
    if (merged[name] === undefined) merged[name] = fromPath;
    else if (merged[name] !== fromPath) {
      throw validationError('REQUEST.PATH_BODY_MISMATCH', name, `${name} in the body must match the path (${fromPath})`);
    }
  }
  return merged;
});
