import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedEventStore, startEmbeddedEventStore } from '../../src/infrastructure/embedded-esdb/index.js';
import { handleCommand, idempotentEventId, requestHashOf } from '../../src/infrastructure/event-store/handle-command.js';
import { StreamCache } from '../../src/infrastructure/event-store/stream-cache.js';
import type { CommandContext } from '../../src/shared/application/command-catalog.js';
import type { Clock } from '../../src/shared/domain/clock.js';
import type { Decider } from '../../src/shared/domain/decider.js';
import { DomainError, illegalState } from '../../src/shared/domain/domain-error.js';
import { freshId } from './support.js';

/** handleCommand against the real client and the embedded store, with a tiny counter decider. */
type Counted = { type: 'Counted'; data: { n: number } } | { type: 'Reset'; data: Record<string, never> };
type Count = { type: 'Count'; data: { times: number; max?: number } };

let decisions = 0;
/** Called inside decide: lets a test act as a concurrent writer between handleCommand's read and its append. */
let duringDecide: (() => void) | undefined;

const counter: Decider<Count, Counted, number> = {
  initialState: () => 0,
  evolve: (count, event) => (event.type === 'Counted' ? count + 1 : event.type === 'Reset' ? 0 : count),
  decide: (command, count) => {
    decisions++;
    duringDecide?.();
    duringDecide = undefined;
    if (command.data.max !== undefined && count + command.data.times > command.data.max) throw illegalState('COUNTER.FULL', 'full');
    return Array.from({ length: command.data.times }, (_, i) => ({ type: 'Counted', data: { n: count + i } }));
  },
};

const clock: Clock = { now: () => new Date('2024-12-05T10:00:00.000Z') };
const context = (overrides: Partial<CommandContext> = {}): CommandContext => ({ actor: 'spec', correlationId: 'c-1', causationId: 'r-1', ...overrides });
const count = (times = 1, max?: number): Count => ({ type: 'Count', data: { times, ...(max === undefined ? {} : { max }) } });

let store: EmbeddedEventStore;
let client: EventStoreDBClient;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-handle-command-'));
  store = await startEmbeddedEventStore({ dbPath: path.join(dir, 'events.db'), port: 0 });
  client = EventStoreDBClient.connectionString(store.connectionString);
});
afterAll(async () => {
  await client.dispose();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  decisions = 0;
  duringDecide = undefined;
});

async function eventsOf(stream: string): Promise<Array<{ id: string; metadata: unknown }>> {
  const events = [];
  for await (const { event } of client.readStream(stream)) if (event) events.push({ id: event.id, metadata: event.metadata });
  return events;
}

/** Appends an event as another writer would, without waiting: it reaches the server before handleCommand's append. */
const concurrentWriter = (stream: string) => () => {
  void client.appendToStream(stream, jsonEvent({ type: 'Counted', data: { n: -1 } }));
};

function behavesAsACommandHandler(makeCache: () => StreamCache | undefined): void {
  let cache: StreamCache | undefined;
  beforeEach(() => {
    cache = makeCache();
  });
  const handle = (stream: string, command: Count, options: { context: CommandContext; clock: Clock }) =>
    handleCommand(client, stream, counter, command, { ...options, cache });

  it('gives events without an Idempotency-Key time-ordered ids (uuid v7), increasing from command to command', async () => {
    const stream = `counter-${freshId('c')}`;
    const first = await handle(stream, count(2), { context: context(), clock });
    const second = await handle(stream, count(1), { context: context(), clock });
    const ids = [...first.eventIds, ...second.eventIds];
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect((await eventsOf(stream)).map((event) => event.id)).toEqual(ids);
  });

  it('appends to a new stream with metadata and the clock, and answers revision and position', async () => {
    const stream = `counter-${freshId('c')}`;
    const result = await handle(stream, count(2), { context: context(), clock });
    expect(result).toEqual({ streamName: stream, revision: '1', position: expect.stringMatching(/^\d+$/), eventIds: [expect.any(String), expect.any(String)] });
    const events = await eventsOf(stream);
    expect(events.map((e) => e.id)).toEqual(result.eventIds);
    expect(events[0].metadata).toEqual({ actor: 'spec', correlationId: 'c-1', causationId: 'r-1', recordedAt: '2024-12-05T10:00:00.000Z', commandType: 'Count' });
  });

  it('passes a DomainError from decide through and appends nothing', async () => {
    const stream = `counter-${freshId('c')}`;
    await expect(handle(stream, count(3, 2), { context: context(), clock })).rejects.toMatchObject({ code: 'COUNTER.FULL' });
    expect(await eventsOf(stream).catch(() => [])).toEqual([]);
  });

  it('without If-Match, losing a race to another writer re-reads and decides again', async () => {
    const stream = `counter-${freshId('c')}`;
    await handle(stream, count(), { context: context(), clock });
    decisions = 0;
    duringDecide = concurrentWriter(stream);
    const result = await handle(stream, count(), { context: context(), clock });
    expect(decisions).toBe(2);
    expect(result.revision).toBe('2');
    expect(await eventsOf(stream)).toHaveLength(3);
  });

  it('with If-Match, losing a race at append time is a 412 concurrency error with the current revision', async () => {
    const stream = `counter-${freshId('c')}`;
    await handle(stream, count(), { context: context(), clock });
    duringDecide = concurrentWriter(stream);
    const error = await handle(stream, count(), { context: context({ expectedRevision: 0n }), clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'concurrency', code: 'STREAM.REVISION_MISMATCH', extra: { currentRevision: '1', expectedRevision: '0' } });
    expect(await eventsOf(stream)).toHaveLength(2);
  });

  it('with If-Match on a stream that does not exist yet, is a 412 with no current revision', async () => {
    const stream = `counter-${freshId('c')}`;
    const error = await handle(stream, count(), { context: context({ expectedRevision: 0n }), clock }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'concurrency', extra: { currentRevision: null } });
  });

  it('derives every event id from the Idempotency-Key and returns the whole first result on a retry', async () => {
    const stream = `counter-${freshId('c')}`;
    const options = { context: context({ idempotencyKey: 'line-7' }), clock };
    await handle(stream, count(), { context: context(), clock });
    const first = await handle(stream, count(3), options);
    expect(first.eventIds).toEqual([0, 1, 2].map((i) => idempotentEventId(stream, 'line-7', i)));
    expect(first.revision).toBe('3');
    await handle(stream, count(), { context: context(), clock });
    const retry = await handle(stream, count(3), options);
    expect(retry).toEqual(first);
    expect(await eventsOf(stream)).toHaveLength(5);
  });

  it('two concurrent deliveries of one keyed command with If-Match append once and both get the first result', async () => {
    const stream = `counter-${freshId('c')}`;
    await handle(stream, count(), { context: context(), clock });
    const options = { context: context({ idempotencyKey: 'twice', expectedRevision: 0n }), clock };
    const [a, b] = await Promise.all([handle(stream, count(), options), handle(stream, count(), options)]);
    expect(a).toEqual(b);
    expect(await eventsOf(stream)).toHaveLength(2);
  });

  it('the same Idempotency-Key with another command is refused (unprocessable, naming the header) and appends nothing', async () => {
    const stream = `counter-${freshId('c')}`;
    const options = { context: context({ idempotencyKey: 'line-9' }), clock };
    await handle(stream, count(2), options);
    const error = await handle(stream, count(3), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unprocessable', code: 'REQUEST.IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key', message: expect.any(String) }] });
    expect(await eventsOf(stream)).toHaveLength(2);
    expect((await eventsOf(stream))[0].metadata).toMatchObject({ idempotencyKey: 'line-9', requestHash: requestHashOf(count(2)) });
  });
}

describe('idempotency keys', () => {
  it('hashes the canonical command: key order and absent-as-null do not matter, values do', () => {
    expect(requestHashOf({ type: 'Count', data: { times: 1, max: 3 } })).toBe(requestHashOf({ type: 'Count', data: { max: 3, times: 1, note: null } }));
    expect(requestHashOf({ type: 'Count', data: { times: 1 } })).not.toBe(requestHashOf({ type: 'Count', data: { times: 2 } }));
    expect(requestHashOf({ type: 'Count', data: { times: 1 } })).not.toBe(requestHashOf({ type: 'Other', data: { times: 1 } }));
  });

  it('keeps nulls below the body\'s own fields: they can mean something an absent field does not', () => {
    const correct = (changes: object) => ({ type: 'CorrectFact', data: { eventId: 'e1', changes, reason: 'r', notice: 'n' } });
    expect(requestHashOf(correct({ fromFactionId: null }))).not.toBe(requestHashOf(correct({ confidence: null })));
    expect(requestHashOf(correct({ summary: null }))).not.toBe(requestHashOf(correct({})));
    expect(requestHashOf(correct({ summary: null }))).toBe(requestHashOf({ type: 'CorrectFact', data: { notice: 'n', changes: { summary: null }, eventId: 'e1', reason: 'r', extra: null } }));
  });

  it('compares a retry of an event recorded before hash version 2 the old way (nulls dropped at every level)', async () => {
    const stream = `counter-${freshId('c')}`;
    const command = { type: 'Count', data: { times: 1, note: { by: null } } } as unknown as Count;
    // What an earlier version recorded: the hash of {"data":{"note":{},"times":1},"type":"Count"}, no version.
    const legacyHash = createHash('sha256').update(JSON.stringify({ data: { note: {}, times: 1 }, type: 'Count' })).digest('hex');
    const id = idempotentEventId(stream, 'old-key', 0);
    await client.appendToStream(stream, jsonEvent({ id, type: 'Counted', data: { n: 0 }, metadata: { actor: 'spec', idempotencyKey: 'old-key', requestHash: legacyHash } }));
    const retry = await handleCommand(client, stream, counter, command, { context: context({ idempotencyKey: 'old-key' }), clock });
    expect(retry.eventIds).toEqual([id]);
    const other = await handleCommand(client, stream, counter, count(2), { context: context({ idempotencyKey: 'old-key' }), clock }).catch((e: unknown) => e);
    expect(other).toMatchObject({ code: 'REQUEST.IDEMPOTENCY_KEY_REUSED' });
    expect(await eventsOf(stream)).toHaveLength(1);
    // New events carry the version, and are compared with nested nulls kept.
    const fresh = `counter-${freshId('c')}`;
    await handleCommand(client, fresh, counter, command, { context: context({ idempotencyKey: 'new-key' }), clock });
    expect((await eventsOf(fresh))[0].metadata).toMatchObject({ requestHash: requestHashOf(command), requestHashVersion: 2 });
    const withoutNull = { type: 'Count', data: { times: 1, note: {} } } as unknown as Count;
    await expect(handleCommand(client, fresh, counter, withoutNull, { context: context({ idempotencyKey: 'new-key' }), clock })).rejects.toMatchObject({ code: 'REQUEST.IDEMPOTENCY_KEY_REUSED' });
  });

  it('the same Idempotency-Key on another stream gets other event ids', () => {
    expect(idempotentEventId('counter-a', 'k', 0)).not.toBe(idempotentEventId('counter-b', 'k', 0));
    expect(idempotentEventId('counter-a', 'k', 0)).toBe(idempotentEventId('counter-a', 'k', 0));
  });
});

describe('handleCommand, reading its stream every time', () => behavesAsACommandHandler(() => undefined));
describe('handleCommand with a stream cache', () => behavesAsACommandHandler(() => new StreamCache(1000)));

describe('handleCommand with a stream cache, when the stream changed behind its back', () => {
  const cache = new StreamCache(1000);
  const options = (overrides: Partial<CommandContext> = {}) => ({ context: context(overrides), clock, cache });
  const appendBehindItsBack = (stream: string) => client.appendToStream(stream, jsonEvent({ type: 'Counted', data: { n: -1 } }));

  it('decides on the stream as it is, not on the cached view', async () => {
    const stream = `counter-${freshId('c')}`;
    await handleCommand(client, stream, counter, count(), options());
    await appendBehindItsBack(stream);
    decisions = 0;
    // The cached view holds 1 event, the stream 2: with max 2 the real state refuses one more.
    await expect(handleCommand(client, stream, counter, count(1, 2), options())).rejects.toMatchObject({ code: 'COUNTER.FULL' });
    expect(decisions).toBe(2);
    expect(await eventsOf(stream)).toHaveLength(2);
    const result = await handleCommand(client, stream, counter, count(), options());
    expect(result.revision).toBe('2');
  });

  it('accepts an If-Match that matches the stream though not the cached view, and refuses one that matches only the cache', async () => {
    const stream = `counter-${freshId('c')}`;
    await handleCommand(client, stream, counter, count(), options());
    await appendBehindItsBack(stream);
    const stale = await handleCommand(client, stream, counter, count(), options({ expectedRevision: 0n })).catch((e: unknown) => e);
    expect(stale).toMatchObject({ kind: 'concurrency', extra: { currentRevision: '1', expectedRevision: '0' } });
    await appendBehindItsBack(stream);
    const result = await handleCommand(client, stream, counter, count(), options({ expectedRevision: 2n }));
    expect(result.revision).toBe('3');
    expect(await eventsOf(stream)).toHaveLength(4);
  });

  it('decides a refusal again on the stream as it is: a reset behind its back makes room', async () => {
    const stream = `counter-${freshId('c')}`;
    await handleCommand(client, stream, counter, count(2, 2), options());
    await client.appendToStream(stream, jsonEvent({ type: 'Reset', data: {} }));
    // The cached view is full (2 of 2); the stream was reset.
    const result = await handleCommand(client, stream, counter, count(1, 2), options());
    expect(result.revision).toBe('3');
  });

  it('answers a no-op with the stream as it is, not the cached view', async () => {
    const stream = `counter-${freshId('c')}`;
    await handleCommand(client, stream, counter, count(), options());
    await appendBehindItsBack(stream);
    decisions = 0;
    const result = await handleCommand(client, stream, counter, count(0), options());
    expect(decisions).toBe(2);
    expect(result).toMatchObject({ revision: '1', eventIds: [] });
  });

  it('answers a keyed retry with the first result after other events were appended behind its back', async () => {
    const stream = `counter-${freshId('c')}`;
    const first = await handleCommand(client, stream, counter, count(2), options({ idempotencyKey: 'behind' }));
    await appendBehindItsBack(stream);
    expect(await handleCommand(client, stream, counter, count(2), options({ idempotencyKey: 'behind' }))).toEqual(first);
    expect(await eventsOf(stream)).toHaveLength(3);
  });

  it('folds the events it appended exactly as a read returns them', async () => {
    const stream = `counter-${freshId('c')}`;
    const viaCache = new StreamCache(1000);
    await handleCommand(client, stream, counter, count(2), { context: context(), clock, cache: viaCache });
    const cachedView = viaCache.get(stream);
    const readView = new StreamCache(1000);
    await handleCommand(client, stream, counter, count(0), { context: context(), clock, cache: readView });
    const withoutPositions = (view = cachedView) => view?.events.map(({ position: _position, ...event }) => event);
    expect(withoutPositions(cachedView)).toEqual(withoutPositions(readView.get(stream)));
    expect(cachedView?.revision).toBe(readView.get(stream)?.revision);
    expect(cachedView?.events.at(-1)?.position).toBe(readView.get(stream)?.events.at(-1)?.position);
  });
});
