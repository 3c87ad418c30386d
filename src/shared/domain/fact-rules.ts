import { validationError } from './domain-error.js';
import { CONFIDENCES, type Confidence, type Occurred, type Source } from './facts.js';
import { occurredDateProblem } from './occurred.js';

/**
 * The rules every fact obeys (api.md "Shared shapes"), enforced again in the deciders so that no entry point
 * (HTTP, import, a future one) can record a fact without a valid time or a source.
 */
export function assertFact(fact: { occurred: Occurred; sources: Source[]; confidence?: Confidence }, code: string): void {
  const problem = occurredDateProblem(fact.occurred?.date, fact.occurred?.precision);
  if (problem) throw validationError(`${code}.INVALID_OCCURRED`, 'occurred.date', problem);
  if (!Array.isArray(fact.sources) || fact.sources.length === 0) {
    throw validationError(`${code}.SOURCES_REQUIRED`, 'sources', 'at least one source is required');
  }
  fact.sources.forEach((source, index) => {
    if (!source?.outlet && !source?.url) {
      throw validationError(`${code}.SOURCE_INCOMPLETE`, `sources[${index}].outlet`, 'a source needs an outlet or a url');
    }
  });
  if (fact.confidence !== undefined && fact.confidence !== null && !CONFIDENCES.includes(fact.confidence)) {
    throw validationError(`${code}.INVALID_CONFIDENCE`, 'confidence', `confidence must be one of ${CONFIDENCES.join(', ')}`);
  }
}

/** Copies only the fields a source may carry, so nothing unexpected reaches the event log. */
export const cleanSources = (sources: Source[]): Source[] =>
  sources.map(({ outlet, url, note }) => ({
    ...(outlet !== undefined ? { outlet } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(note !== undefined ? { note } : {}),
  }));

/** Drops undefined (and null: JSON clients send it for "absent") so events carry only the optional fields given. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * The ids of a stream's facts of `factType` still standing after `event`: a fact is added when recorded and dropped
 * when retracted ('' stands for a fact read without its id). For streams whose fact may be recorded once, and anew
 * once retracted (a statement, a statue's toppling).
 */
export function standingFacts(
  standing: readonly string[],
  event: { type: string; id?: string; data?: unknown },
  factType: string,
): readonly string[] {
  if (event.type === factType) return [...standing, event.id ?? ''];
  if (event.type === 'FactRetracted') return standing.filter((id) => id !== (event.data as { eventId?: string }).eventId);
  return standing;
}
