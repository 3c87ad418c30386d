import { createParamDecorator, type ExecutionContext, UnauthorizedException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { CommandContext } from '../application/command-catalog.js';
import { validationError } from '../domain/domain-error.js';

/**
 * Longest `Idempotency-Key`, `If-Match` and `X-Correlation-Id`. A correlation id is looked up in a path segment
 * (`GET /admin/audit/correlations/:correlationId`), so the path-parameter limit (MAX_PATH_PARAM_LENGTH) is this too.
 */
export const MAX_HEADER_LENGTH = 200;
const PRINTABLE = /^[\x21-\x7e][\x20-\x7e]*$/;

/** Headers that name one thing: Node joins repeated ones into `a, b`, which would pass for one value. */
const SINGLE_HEADERS = new Set(['idempotency-key', 'if-match']);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  if (SINGLE_HEADERS.has(name) && timesGiven(request, name) > 1) {
    throw validationError('REQUEST.REPEATED_HEADER', headerName(name), `${headerName(name)} must be given once`);
  }
  if (text.length > MAX_HEADER_LENGTH || !PRINTABLE.test(text)) {
    throw validationError('REQUEST.INVALID_HEADER', headerName(name), `${headerName(name)} must be 1 to ${MAX_HEADER_LENGTH} printable ASCII characters`);
  }
  return text;
}

/** How many times the raw request carries this header (any case). Only asked when it is present. */
function timesGiven(request: FastifyRequest, name: string): number {
  const raw = request.raw?.rawHeaders ?? [];
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) count++;
  return count;
}

/** The name as errors spell it (`Idempotency-Key`, `If-Match`), as api.md and the If-Match errors do. */
const headerName = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

/**
 * `If-Match: 3` or `"3"` → 3n. Anything else is a 400 naming the header, a weak tag (`W/"3"`) included: If-Match
 * compares strongly (RFC 9110 13.1.1), so a weak tag never matches, and Dateline's ETags are always strong.
 */
export function parseIfMatch(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (/^W\//i.test(value.trim())) {
    throw validationError('REQUEST.WEAK_IF_MATCH', 'If-Match', 'If-Match takes the strong ETag of the stream revision, such as "3": a weak tag (W/"3") never matches');
  }
  const match = /^"?(\d{1,20})"?$/.exec(value.trim());
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
