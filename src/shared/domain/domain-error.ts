/**
 * Every rule a decider enforces fails with a coded DomainError. The HTTP layer maps `kind` to a status in one
 * filter (validation 400/422, not-found 404, illegal-state 409, concurrency 412); import reports the same error.
 */
export type DomainErrorKind = 'validation' | 'not-found' | 'illegal-state' | 'concurrency';

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

export const illegalState = (code: string, message: string, field?: string): DomainError =>
  new DomainError(code, message, 'illegal-state', field ? [{ field, message }] : []);
