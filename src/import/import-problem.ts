import { DomainError, validationError } from '../shared/domain/domain-error.js';
import { type ProblemDetails, toProblem } from '../shared/http/problem-details.js';

/** A rejected line's error: the problem+json body the admin API answers for the same command (api.md). */
export type ImportProblem = ProblemDetails;

/**
 * The problem the API would answer for this error (the same `toProblem` as the HTTP filter). Unlike the API, the
 * import shows an unexpected error's message: its reader is the operator running it, not a remote client.
 */
export function problemOf(error: unknown): ImportProblem {
  const { problem, internal } = toProblem(error);
  if (internal && error instanceof Error) problem.detail = `${problem.detail} (${error.name}: ${error.message})`;
  return problem;
}

/** Errors of the line itself, found before a command reaches the catalog (the API has no such errors). */
export const LineErrors = {
  malformedJson: (message: string) =>
    new DomainError('REQUEST.MALFORMED_JSON', `the line is not valid JSON: ${message}`, 'validation', []),
  notACommand: () =>
    validationError('IMPORT.NOT_A_COMMAND', '(line)', 'each line must be a JSON object: {"type": "<CommandName>", ...the API body}'),
  unknownType: (type: unknown, known: string[]) =>
    validationError(
      'IMPORT.UNKNOWN_COMMAND_TYPE',
      'type',
      type === undefined
        ? `is required: one of ${known.join(', ')}`
        : `unknown command type ${JSON.stringify(type)}: expected one of ${known.join(', ')}`,
    ),
};
