import {
  type EventData,
  type EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { createHash } from 'node:crypto';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { CommandContext, CommandResult } from '../../shared/application/command-catalog.js';
import type { Clock } from '../../shared/domain/clock.js';
import type { Decider, DomainEvent } from '../../shared/domain/decider.js';
import { concurrencyError, DomainError } from '../../shared/domain/domain-error.js';
import type { EventMetadata } from '../../shared/domain/event-metadata.js';
import { fromResolvedEvent, type StoredEvent, toEventData } from './serialization.js';
import type { StreamCache, StreamSnapshot } from './stream-cache.js';

/** Namespace of the deterministic event ids derived from Idempotency-Keys (uuid v5). */
export const IDEMPOTENT_EVENT_ID_NAMESPACE = '0b0e5a52-6c43-4c57-9d0a-6a1f3c1d7e21';

/** Without If-Match, a lost race re-reads and decides again this many times before answering 409. */
const MAX_ATTEMPTS = 10;

/** A short random pause before deciding again, so writers racing on one stream spread out instead of colliding. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));

export interface HandleCommandOptions {
  context: CommandContext;
  clock: Clock;
  /** Defaults to context.expectedRevision (If-Match). */
  expectedRevision?: bigint;
  /** Defaults to context.idempotencyKey (Idempotency-Key). */
  idempotencyKey?: string;
  /** Streams as last seen by this process: decide on the cached events, the append's expected revision checks them. */
  cache?: StreamCache;
}

/** Event i of a command carrying an Idempotency-Key always gets the same id, on any retry. */
export const idempotentEventId = (streamName: string, key: string, index: number): string =>
  uuidv5(`${streamName}\n${key}\n${index}`, IDEMPOTENT_EVENT_ID_NAMESPACE);

async function readStream(client: EventStoreDBClient, streamName: string): Promise<StreamSnapshot> {
  const events: StoredEvent[] = [];
  let revision: bigint | null = null;
  try {
    for await (const resolved of client.readStream(streamName, { direction: FORWARDS, fromRevision: START })) {
      if (resolved.event) revision = resolved.event.revision;
      const event = fromResolvedEvent(resolved);
      if (event) events.push(event);
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return { events, revision };
}

const resultOf = (streamName: string, events: readonly StoredEvent[]): CommandResult => {
  const last = events[events.length - 1];
  return {
    streamName,
    revision: last.revision.toString(),
    position: last.position?.toString() ?? '',
    eventIds: events.map((event) => event.id),
  };
};

/** An Idempotency-Key names one request: the same key with another body (or for another stream) is a 422. */
export const idempotencyKeyReused = (firstStreamName: string): DomainError => {
  const message = 'this Idempotency-Key was already used for a different request: send a new key for a new request';
  return new DomainError('REQUEST.IDEMPOTENCY_KEY_REUSED', message, 'unprocessable', [{ field: 'Idempotency-Key', message }], {
    firstStreamName,
  });
};

/**
 * Sorted keys, no undefined or functions: the same body, the same text. A null field counts as absent only where
 * `nullIsAbsent(level)` says so (fields of `{ type, data }` are level 1, the body's own fields level 2). Below that a null can mean something an
 * absent field does not (a correction's `changes: { "summary": null }` removes the summary), so it stays.
 */
function canonical(value: unknown, nullIsAbsent: (level: number) => boolean, level = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item, nullIsAbsent, level + 1));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .filter((key) => {
        const v = record[key];
        return v !== undefined && typeof v !== 'function' && (v !== null || !nullIsAbsent(level + 1));
      })
      .map((key) => [key, canonical(record[key], nullIsAbsent, level + 1)]),
  );
}

/**
 * The requestHash written with new events (metadata `requestHashVersion`). 2: nulls are absent only among the
 * body's own fields (JSON clients send null for an optional field they leave out; every command treats both alike).
 * Events without a version were hashed with nulls dropped at every level, which made `changes: {"summary": null}`
 * and `changes: {"confidence": null}` one request; their retries are still compared that way.
 */
export const REQUEST_HASH_VERSION = 2;

const hashOf = (command: { type: string; data?: unknown }, nullIsAbsent: (level: number) => boolean): string =>
  createHash('sha256').update(JSON.stringify(canonical({ type: command.type, data: command.data }, nullIsAbsent))).digest('hex');

/** SHA-256 of the canonical command (type and data): tells a retry from another command reusing its key. */
export const requestHashOf = (command: { type: string; data?: unknown }): string => hashOf(command, (level) => level <= 2);

/** The hash of events recorded before REQUEST_HASH_VERSION 2 (nulls dropped at every level). */
const legacyRequestHashOf = (command: { type: string; data?: unknown }): string => hashOf(command, () => true);

/**
 * The events an earlier attempt with this key appended, when there was one. The same key with another body is not
 * a retry: 422 naming the header, nothing appended.
 */
function previousResult(
  streamName: string,
  events: readonly StoredEvent[],
  key: string,
  command: { type: string; data?: unknown },
  requestHash: string,
): CommandResult | undefined {
  const start = events.findIndex((event) => event.id === idempotentEventId(streamName, key, 0));
  if (start < 0) return undefined;
  const metadata = events[start].metadata;
  const firstHash = metadata?.requestHash;
  if (typeof firstHash === 'string') {
    const hash = metadata?.requestHashVersion === REQUEST_HASH_VERSION ? requestHash : legacyRequestHashOf(command);
    if (firstHash !== hash) throw idempotencyKeyReused(streamName);
  }
  let end = start + 1;
  while (end < events.length && events[end].id === idempotentEventId(streamName, key, end - start)) end++;
  return resultOf(streamName, events.slice(start, end));
}

/**
 * The one way a command reaches a stream: read it, fold it with `evolve`, `decide`, append with an expected
 * revision. With If-Match (`expectedRevision`) a stale view is a 412 DomainError carrying the current revision;
 * without it, losing a race to another writer re-reads and decides again (bounded). With an Idempotency-Key the
 * event ids are derived from the key, and a retry finds them in the stream and returns the first result.
 * With a `cache`, the read is skipped when this process already holds the stream: the append's expected revision
 * still checks that view, and a stale one (WrongExpectedVersion) is dropped, read and decided again at once. A
 * refusal or a no-op decided on a cached view is decided again on the stream read afresh before it is answered.
 */
export async function handleCommand<Command extends { type: string }, Event extends DomainEvent, State>(
  client: EventStoreDBClient,
  streamName: string,
  decider: Decider<Command, Event, State>,
  command: Command,
  options: HandleCommandOptions,
): Promise<CommandResult> {
  const { context, clock, cache } = options;
  const expectedRevision = options.expectedRevision ?? context.expectedRevision;
  const idempotencyKey = options.idempotencyKey ?? context.idempotencyKey;
  const requestHash = idempotencyKey === undefined ? undefined : requestHashOf(command as { type: string; data?: unknown });

  for (let attempt = 1; ; attempt++) {
    let snapshot = cache?.get(streamName);
    let cached = snapshot !== undefined;
    // A cached view that disagrees with If-Match may be stale: only the stream itself can tell a 412.
    if (snapshot === undefined || (expectedRevision !== undefined && expectedRevision !== snapshot.revision)) {
      snapshot = await readStream(client, streamName);
      cached = false;
      cache?.set(streamName, snapshot);
    }
    const { events, revision } = snapshot;
    const previous = idempotencyKey === undefined ? undefined : previousResult(streamName, events, idempotencyKey, command as { type: string; data?: unknown }, requestHash as string);
    if (previous) return previous;
    if (expectedRevision !== undefined && expectedRevision !== revision) {
      throw concurrencyError(streamName, expectedRevision, revision);
    }

    const state = events.reduce((s, event) => decider.evolve(s, event as unknown as Event), decider.initialState());
    let decided: Event[] = [];
    let refusal: { error: unknown } | undefined;
    try {
      decided = decider.decide(command, state);
    } catch (error) {
      refusal = { error };
    }

    let conflict: WrongExpectedVersionError | undefined;
    if (decided.length > 0) {
      const metadata: EventMetadata = {
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId,
        recordedAt: clock.now().toISOString(),
        commandType: command.type,
        ...(idempotencyKey !== undefined ? { idempotencyKey, requestHash, requestHashVersion: REQUEST_HASH_VERSION } : {}),
      };
      // Without a key, ids are time-ordered (v7): the read models' event-id indexes then grow at their right edge
      // instead of touching a random B-tree page per event, which is most of what a read-store commit writes.
      const eventIds = decided.map((_, i) => (idempotencyKey === undefined ? uuidv7() : idempotentEventId(streamName, idempotencyKey, i)));
      const eventData = decided.map((event, i) => toEventData(event, eventIds[i], metadata));
      try {
        const appended = await client.appendToStream(streamName, eventData, { expectedRevision: revision ?? NO_STREAM });
        const position = appended.position?.commit;
        cache?.set(streamName, {
          events: [...events, ...appendedEvents(eventData, appended.nextExpectedRevision, position)],
          revision: appended.nextExpectedRevision,
        });
        return {
          streamName,
          revision: appended.nextExpectedRevision.toString(),
          position: position?.toString() ?? '',
          eventIds,
        };
      } catch (error) {
        cache?.delete(streamName);
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        conflict = error;
      }
    }

    // Decided on a cached view and not appended (a refusal, a no-op, or a stale view the append refused): a cached
    // view may lack what changes the answer, so drop it, read the stream and decide again at once (not a lost race).
    if (cached) {
      cache?.delete(streamName);
      attempt--;
      continue;
    }
    if (refusal) throw refusal.error;
    if (!conflict) {
      return { streamName, revision: revision?.toString() ?? '', position: events.at(-1)?.position?.toString() ?? '', eventIds: [] };
    }
    // Lost a race to another writer. With a key, the next read tells a concurrent duplicate of this very command
    // (its first result) from a stale If-Match (412 there).
    if (expectedRevision !== undefined && idempotencyKey === undefined) {
      throw concurrencyError(streamName, expectedRevision, typeof conflict.actualVersion === 'bigint' ? conflict.actualVersion : null);
    }
    if (attempt >= MAX_ATTEMPTS) {
      throw new DomainError('STREAM.CONTENDED', `${streamName} kept changing while this command was decided; retry it`, 'illegal-state');
    }
    await backOff(attempt);
  }
}

/**
 * The events just appended as a later read would return them: data and metadata through JSON as the client sends
 * them; revisions counted back from the append's next expected revision; the append's position on the last one.
 */
function appendedEvents(eventData: readonly EventData[], nextExpectedRevision: bigint, position: bigint | undefined): StoredEvent[] {
  const first = nextExpectedRevision - BigInt(eventData.length - 1);
  return eventData.map((event, i) => ({
    id: event.id,
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)) as object,
    revision: first + BigInt(i),
    position: i === eventData.length - 1 ? position : undefined,
    metadata: JSON.parse(JSON.stringify(event.metadata)) as StoredEvent['metadata'],
  }));
}
