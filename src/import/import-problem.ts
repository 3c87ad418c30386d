import { HttpException } from '@nestjs/common';
import { DomainError, type DomainErrorKind, type FieldError } from '../shared/domain/domain-error.js';

/** A rejected line's error, in the problem+json shape the API answers with (api.md). */
export interface ImportProblem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}

/** Errors the import finds before a command reaches the catalog: the line itself is not a command. */
export function lineProblem(title: string, detail: string, errors: FieldError[]): ImportProblem {
  return { type: 'about:blank', title, status: 400, detail, errors };
}

const STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  'unknown-reference': 422,
  'not-found': 404,
  'illegal-state': 409,
  concurrency: 412,
};

/** The problem the API would answer for an error thrown by validation or a command handler. */
export function problemOf(error: unknown): ImportProblem {
  if (error instanceof DomainError) {
    return {
      type: 'about:blank',
      title: error.message,
      status: STATUS[error.kind] ?? 400,
      code: error.code,
      ...(error.errors.length ? { errors: error.errors } : {}),
    };
  }
  if (error instanceof HttpException) {
    return { type: 'about:blank', title: error.message, status: error.getStatus() };
  }
  return {
    type: 'about:blank',
    title: 'Internal error',
    status: 500,
    detail: error instanceof Error ? error.message : String(error),
  };
}
