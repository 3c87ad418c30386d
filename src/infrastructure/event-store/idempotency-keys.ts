/**
 * Where an Idempotency-Key was first used, when known. handleCommand tells a retry from a reused key on the stream
 * it addresses; a key first used on ANOTHER stream (another place, office, ...) can only be found through an index
 * of the log, which a context provides (the audit index). Best effort: the index trails the log by moments.
 */
export abstract class IdempotencyKeyIndex {
  /** The stream of the first event recorded with this key, or undefined when the index knows none. */
  abstract streamOf(idempotencyKey: string): Promise<string | undefined>;
}
