import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, type DomainErrorKind, type FieldError } from '../domain/domain-error.js';
import { MAX_HEADER_LENGTH } from './request-context.js';

/** RFC 9457 problem details, as every error response of Dateline is shaped (api.md). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The DomainError code, e.g. `TERRITORY.UNKNOWN_FACTION`. */
  code?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const KIND_STATUS: Record<DomainErrorKind, number> = {
  validation: HttpStatus.BAD_REQUEST,
  'unknown-reference': HttpStatus.UNPROCESSABLE_ENTITY,
  /** Well-formed but not applicable: an Idempotency-Key reused for another body, a correction aimed at a non-fact. */
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  'not-found': HttpStatus.NOT_FOUND,
  'illegal-state': HttpStatus.CONFLICT,
  concurrency: HttpStatus.PRECONDITION_FAILED,
  /** A server-side failure with a reason the client is told (a rebuild it waited for), not an unexpected error. */
  failed: HttpStatus.INTERNAL_SERVER_ERROR,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const title = (status: number) => TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');

/** `TERRITORY.UNKNOWN_FACTION` → `urn:dateline:problem:territory.unknown-faction`. */
const typeOf = (code: string) => `urn:dateline:problem:${code.toLowerCase().replace(/_/g, '-')}`;

/**
 * Fastify's `maxParamLength` (its default is 100): a longer path parameter is refused (414) before routing. It is the
 * header limit, so that every `X-Correlation-Id` a command accepts can be looked up at
 * `/admin/audit/correlations/:correlationId`; other path ids have their own, shorter limits (slugs: 80), checked by
 * their routes (400 for a command's path id, 404 for an id no entity can have).
 */
export const MAX_PATH_PARAM_LENGTH = MAX_HEADER_LENGTH;

/** Fastify's own errors (raised before any Nest handler runs): body parsing, limits, content types. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'REQUEST.BODY_TOO_LARGE', detail: 'the request body exceeds the 1 MB limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', detail: 'send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'REQUEST.INVALID_CONTENT_LENGTH', detail: 'the Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST.EMPTY_BODY', detail: 'the body is empty: send a JSON object' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON', detail: 'the body is not valid JSON' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'REQUEST.INVALID_CONTENT_TYPE', detail: 'the Content-Type header is invalid' },
  // Routing errors, raised before any route matches (app.factory's frameworkErrors sends them through toProblem).
  FST_ERR_BAD_URL: { status: 400, code: 'REQUEST.BAD_URL', detail: 'the URL path is not valid percent-encoding' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'REQUEST.PATH_SEGMENT_TOO_LONG', detail: `a path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters` },
};

/** Our own codes (`AREA.WHAT`), also carried by errors raised outside Nest (the rate limit's 429). */
const OWN_CODE = /^[A-Z][A-Z_]*\.[A-Z][A-Z_]*$/;

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Maps any thrown value to a problem. `internal` says whether it is unexpected (logged, details hidden). */
export function toProblem(exception: unknown): { problem: ProblemDetails; internal: boolean } {
  // Nest's Fastify adapter wraps Fastify's 4xx errors in an HttpException; its cause tells 413 from 415 and JSON.
  const cause = exception instanceof HttpException ? (exception.cause as FastifyLikeError | undefined) : undefined;
  if (cause?.code && FASTIFY_ERRORS[cause.code]) exception = cause;
  if (exception instanceof DomainError) {
    const status = KIND_STATUS[exception.kind] ?? 400;
    return {
      internal: false,
      problem: {
        type: typeOf(exception.code),
        title: title(status),
        status,
        detail: exception.message,
        code: exception.code,
        ...(exception.errors.length > 0 || exception.kind === 'validation' ? { errors: exception.errors } : {}),
        ...exception.extra,
      },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    const errors = Array.isArray(message) ? message.map((m) => ({ field: '', message: String(m) })) : undefined;
    return {
      internal: status >= 500,
      problem: {
        type: 'about:blank',
        title: title(status),
        status,
        detail: status >= 500 ? 'an unexpected error occurred' : Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
        ...(errors ? { errors } : {}),
      },
    };
  }
  const error = (typeof exception === 'object' && exception !== null ? exception : {}) as FastifyLikeError;
  const known = error.code ? FASTIFY_ERRORS[error.code] : undefined;
  if (known) {
    return { internal: false, problem: { type: typeOf(known.code), title: title(known.status), status: known.status, detail: known.detail, code: known.code } };
  }
  if (exception instanceof SyntaxError && error.statusCode === 400) {
    const code = 'REQUEST.MALFORMED_JSON';
    return { internal: false, problem: { type: typeOf(code), title: title(400), status: 400, detail: `the body is not valid JSON: ${exception.message}`, code } };
  }
  // The event store's client errors, told apart by class name so that shared/ does not depend on the client.
  const name = (exception as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (name === 'UnavailableError' || name === 'DeadlineExceededError' || name === 'NotLeaderError') {
    const code = 'EVENT_STORE.UNAVAILABLE';
    return { internal: true, problem: { type: typeOf(code), title: title(503), status: 503, detail: 'the event store is unavailable; retry shortly', code } };
  }
  if (name === 'MaxAppendSizeExceededError') {
    const code = 'EVENT_STORE.APPEND_TOO_LARGE';
    return { internal: false, problem: { type: typeOf(code), title: title(413), status: 413, detail: 'the events this command produces exceed the event store\'s append size limit', code } };
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const status = error.statusCode;
    const detail = String(error.message ?? title(status));
    if (error.code && OWN_CODE.test(error.code)) {
      return { internal: false, problem: { type: typeOf(error.code), title: title(status), status, detail, code: error.code } };
    }
    return { internal: false, problem: { type: 'about:blank', title: title(status), status, detail } };
  }
  return {
    internal: true,
    problem: { type: 'about:blank', title: title(500), status: 500, detail: 'an unexpected error occurred; it has been logged' },
  };
}
