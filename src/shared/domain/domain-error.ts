/**
 * Every rule a decider enforces fails with a coded DomainError. The HTTP layer maps `kind` to a status in one
 * filter (validation 400, unknown-reference and unprocessable 422, not-found 404, illegal-state 409, concurrency 412,
 * failed 500); import reports the same error. `failed`: an operation the client asked for and waited on failed on
 * the server for a reason worth telling it (a rebuild of a read model), not bad input.
 */
export type DomainErrorKind = 'validation' | 'unknown-reference' | 'unprocessable' | 'not-found' | 'illegal-state' | 'concurrency' | 'failed';

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind,
    readonly errors: FieldError[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (code: string, field: string, message: string): DomainError =>
  new DomainError(code, message, 'validation', [{ field, message }]);

/** Several field errors at once (e.g. a DTO that failed class-validator), code `VALIDATION.FAILED` by default. */
export const validationErrors = (errors: FieldError[], code = 'VALIDATION.FAILED'): DomainError =>
  new DomainError(
    code,
    errors.length === 1 ? `${errors[0].field}: ${errors[0].message}` : `${errors.length} fields are invalid`,
    'validation',
    errors,
  );

export const illegalState = (code: string, message: string, field?: string): DomainError =>
  new DomainError(code, message, 'illegal-state', field ? [{ field, message }] : []);

/** The stream the command is addressed to does not exist (e.g. seizing a place that was never registered). */
export const notFound = (code: string, message: string, field?: string): DomainError =>
  new DomainError(code, message, 'not-found', field ? [{ field, message }] : []);

/** The command names another entity (faction, person, ...) that is not registered. */
export const unknownReference = (code: string, field: string, message: string): DomainError =>
  new DomainError(code, message, 'unknown-reference', [{ field, message }]);

/**
 * The stream moved on since the revision the caller expected (If-Match). `currentRevision` is null when the stream
 * does not exist yet.
 */
export const concurrencyError = (streamName: string, expected: bigint, current: bigint | null): DomainError =>
  new DomainError(
    'STREAM.REVISION_MISMATCH',
    `${streamName} is at revision ${current ?? 'none (no stream)'}, not ${expected}: re-read it and retry`,
    'concurrency',
    [{ field: 'If-Match', message: `expected revision ${expected}, current is ${current ?? 'none'}` }],
    { streamName, expectedRevision: expected.toString(), currentRevision: current === null ? null : current.toString() },
  );

/** An operation the client waited for failed on the server (500); `extra` says what and why. */
export const operationFailed = (code: string, message: string, extra: Record<string, unknown> = {}): DomainError =>
  new DomainError(code, message, 'failed', [], extra);
