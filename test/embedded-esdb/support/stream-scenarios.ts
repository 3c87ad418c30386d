import { randomUUID } from 'node:crypto';

/**
 * Stream scenarios shared by the client test files: the same bodies run through @eventstore/db-client 6.2.1 and through
 * its successor @kurrent/kurrentdb-client. This module imports neither client: each test file passes a ClientKit built
 * from its own client package. (The two packages must not be loaded into one process: both register their generated
 * protobuf classes under the same global `proto.event_store...` names, and the later one replaces the earlier.)
 */

export type ExpectedState = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface Position {
  commit: bigint;
  prepare: bigint;
}

export interface RecordedEvent {
  id: string;
  type: string;
  streamId: string;
  revision: bigint;
  data: unknown;
  metadata?: unknown;
  position?: Position;
}

export interface Resolved {
  event?: RecordedEvent;
}

export interface AppendResult {
  success: boolean;
  nextExpectedRevision: bigint;
  position?: Position;
}

export interface Subscription extends AsyncIterable<Resolved> {
  on(event: string, listener: (...args: never[]) => void): unknown;
  unsubscribe(): Promise<void>;
}

/** The part of both clients' API the scenarios use. Append options are built by the kit (their names differ). */
export interface StreamClient {
  appendToStream(stream: string, events: unknown[], options?: object): Promise<AppendResult>;
  readStream(stream: string, options?: object): AsyncIterable<Resolved>;
  readAll(options?: object): AsyncIterable<Resolved>;
  subscribeToStream(stream: string, options?: object): Subscription;
  subscribeToAll(options?: object): Subscription;
  deleteStream(stream: string, options?: object): Promise<unknown>;
  tombstoneStream(stream: string, options?: object): Promise<unknown>;
  setStreamMetadata(stream: string, metadata: never, options?: object): Promise<unknown>;
  getStreamMetadata(stream: string, options?: object): Promise<{ metadata?: unknown }>;
  dispose(): Promise<void>;
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface ClientKit {
  /** e.g. '@kurrent/kurrentdb-client 1.3.1' */
  readonly label: string;
  /** Starts a server on a fresh database; returns its connection string and how to stop it. */
  startServer(): Promise<{ connectionString: string; close(): Promise<void> }>;
  connect(connectionString: string): StreamClient;
  /** The append options for an expected stream state: `expectedRevision` in 6.2.1, `streamState` in the successor. */
  appendOptions(state: ExpectedState): object;
  jsonEvent(event: { id?: string; type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }): unknown;
  /** The expected and actual versions a WrongExpectedVersionError carries (field names differ between the clients). */
  wrongVersion(error: unknown): { streamName: string; expected: unknown; actual: unknown };
  readonly errors: { WrongExpectedVersion: ErrorClass; StreamNotFound: ErrorClass; StreamDeleted: ErrorClass };
  readonly START: unknown;
  readonly END: unknown;
  readonly FORWARDS: unknown;
  readonly BACKWARDS: unknown;
  excludeSystemEvents(): unknown;
  streamNamePrefixFilter(prefix: string): unknown;
}

const fresh = (category = 'scenario') => `${category}-${randomUUID().replace(/-/g, '')}`;

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  // Always read to the end (never break out early: a read left open makes client.dispose() hang).
  for await (const item of iterable) out.push(item);
  return out;
}

/** Waits for a condition by polling; the limit only keeps a broken run from hanging, no assertion depends on time. */
async function until(predicate: () => boolean, ms = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

type Seen = { kind: 'confirmation' } | { kind: 'caughtUp' } | { kind: 'event'; event: Resolved };

function record(subscription: Subscription): Seen[] {
  const seen: Seen[] = [];
  subscription.on('confirmation', () => seen.push({ kind: 'confirmation' }));
  subscription.on('caughtUp', () => seen.push({ kind: 'caughtUp' }));
  subscription.on('data', ((e: Resolved) => seen.push({ kind: 'event', event: e })) as (...args: never[]) => void);
  return seen;
}

const eventsOf = (seen: Seen[]) => seen.flatMap((s) => (s.kind === 'event' ? [s.event] : []));
const sequence = (seen: Seen[]) => seen.map((s) => (s.kind === 'event' ? s.event.event!.type : s.kind));

/** Registers the shared stream scenarios (server and clients set up in beforeAll, torn down in afterAll). */
export function defineStreamScenarios(kit: ClientKit): void {
  let server: { connectionString: string; close(): Promise<void> };
  const clients: StreamClient[] = [];
  const client = () => {
    const c = kit.connect(server.connectionString);
    clients.push(c);
    return c;
  };
  const ev = (type = 'SomethingHappened', data: Record<string, unknown> = {}) => kit.jsonEvent({ type, data: { at: Date.now(), ...data } });
  const append = (c: StreamClient, stream: string, events: unknown[], state?: ExpectedState) =>
    c.appendToStream(stream, events, state === undefined ? undefined : kit.appendOptions(state));
  const rejectsWith = async (promise: Promise<unknown>, type: ErrorClass): Promise<unknown> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    return error;
  };

  beforeAll(async () => {
    server = await kit.startServer();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await server?.close();
  });

  describe(`${kit.label}: append and expected revision`, () => {
    test('no_stream, stream_exists, any and an exact revision; a wrong one carries stream, expected and actual', async () => {
      const c = client();
      const stream = fresh();
      const wrong = async (state: ExpectedState) => kit.wrongVersion(await rejectsWith(append(c, stream, [ev()], state), kit.errors.WrongExpectedVersion));

      expect(await wrong('stream_exists')).toEqual({ streamName: stream, expected: 'stream_exists', actual: 'no_stream' });
      await wrong(0n);
      expect((await append(c, stream, [ev()], 'no_stream')).nextExpectedRevision).toBe(0n);
      expect(await wrong('no_stream')).toEqual({ streamName: stream, expected: 'no_stream', actual: 0n });
      expect((await append(c, stream, [ev()], 'stream_exists')).nextExpectedRevision).toBe(1n);
      const exact = await append(c, stream, [ev(), ev()], 1n);
      expect(exact).toMatchObject({ success: true, nextExpectedRevision: 3n });
      expect(await wrong(1n)).toEqual({ streamName: stream, expected: 1n, actual: 3n });
      expect(await wrong(7n)).toEqual({ streamName: stream, expected: 7n, actual: 3n });
      expect((await append(c, stream, [ev()], 'any')).nextExpectedRevision).toBe(4n);
      expect((await append(c, stream, [ev()])).nextExpectedRevision).toBe(5n);
      expect((await collect(c.readStream(stream))).map((e) => e.event!.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    });

    test('ids, types, data and metadata read back as appended', async () => {
      const c = client();
      const stream = fresh();
      const id = randomUUID();
      await append(c, stream, [kit.jsonEvent({ id, type: 'CitySeized', data: { city: 'Kyïv 🏛️' }, metadata: { by: 'desk' } })], 'no_stream');
      const [read] = await collect(c.readStream(stream));
      expect(read.event).toMatchObject({ id, type: 'CitySeized', streamId: stream, revision: 0n, data: { city: 'Kyïv 🏛️' }, metadata: { by: 'desk' } });
    });

    test('re-appending the same event ids writes nothing and returns the original result', async () => {
      const c = client();
      const stream = fresh();
      const events = [ev('A'), ev('B'), ev('C')];
      const first = await append(c, stream, events, 'no_stream');
      expect(await append(c, stream, events, 'no_stream')).toEqual(first);
      expect(await append(c, stream, events, 'any')).toEqual(first);
      const next = await append(c, stream, [ev('D')], 2n);
      expect(next.nextExpectedRevision).toBe(3n);
      expect(await append(c, stream, events, 'no_stream')).toEqual(first);
      expect((await collect(c.readStream(stream))).map((e) => e.event!.type)).toEqual(['A', 'B', 'C', 'D']);
    });
  });

  describe(`${kit.label}: reading`, () => {
    test('forwards and backwards from a revision, inclusive, with maxCount', async () => {
      const c = client();
      const stream = fresh();
      await append(c, stream, Array.from({ length: 10 }, (_, i) => ev('E', { i })));
      const revs = async (options: object) => (await collect(c.readStream(stream, options))).map((e) => Number(e.event!.revision));
      expect(await revs({ fromRevision: 3n, maxCount: 3 })).toEqual([3, 4, 5]);
      expect(await revs({ direction: kit.BACKWARDS, fromRevision: 3n })).toEqual([3, 2, 1, 0]);
      expect(await revs({ direction: kit.BACKWARDS, fromRevision: kit.END, maxCount: 2 })).toEqual([9, 8]);
      expect(await revs({ direction: kit.FORWARDS, fromRevision: kit.START })).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await revs({ fromRevision: 42n })).toEqual([]);
    });

    test('a missing stream reads as StreamNotFoundError with its name', async () => {
      const c = client();
      const stream = fresh();
      const error = await rejectsWith(collect(c.readStream(stream)), kit.errors.StreamNotFound);
      expect(error).toMatchObject({ streamName: stream });
    });

    test('$all: positions equal the append results, reads from a position, backwards from the end, in order', async () => {
      const c = client();
      const stream = fresh();
      const results: AppendResult[] = [];
      for (const type of ['A', 'B', 'C']) results.push(await append(c, stream, [ev(type)]));
      const head = await collect(c.readAll({ direction: kit.BACKWARDS, fromPosition: kit.END, maxCount: 3 }));
      expect(head.map((e) => [e.event!.streamId, e.event!.type, e.event!.position])).toEqual([
        [stream, 'C', results[2].position],
        [stream, 'B', results[1].position],
        [stream, 'A', results[0].position],
      ]);
      const forwards = await collect(c.readAll({ fromPosition: results[1].position, maxCount: 2 }));
      expect(forwards.map((e) => e.event!.position)).toEqual([results[1].position, results[2].position]);
      const everything = await collect(c.readAll({ fromPosition: kit.START }));
      const mine = everything.filter((e) => e.event?.streamId === stream);
      expect(mine.map((e) => e.event!.position)).toEqual(results.map((r) => r.position));
      const commits = everything.map((e) => e.event!.position!.commit);
      for (let i = 1; i < commits.length; i++) expect(commits[i]).toBeGreaterThan(commits[i - 1]);
    });
  });

  describe(`${kit.label}: catch-up subscriptions`, () => {
    test('to a stream: confirmation, the history, exactly one caughtUp, then live events', async () => {
      const c = client();
      const stream = fresh();
      await append(c, stream, [ev('A'), ev('B')]);
      const subscription = c.subscribeToStream(stream, { fromRevision: kit.START });
      const seen = record(subscription);
      await until(() => seen.some((s) => s.kind === 'caughtUp'));
      await append(c, stream, [ev('C')]);
      await append(c, stream, [ev('D')]);
      await until(() => eventsOf(seen).length === 4);
      await subscription.unsubscribe();
      expect(sequence(seen)).toEqual(['confirmation', 'A', 'B', 'caughtUp', 'C', 'D']);
      expect(eventsOf(seen).map((e) => e.event!.revision)).toEqual([0n, 1n, 2n, 3n]);
    });

    test('to $all: history, one caughtUp, then live, with no gap and no duplicate while writers keep appending', async () => {
      const c = client();
      const writers = [client(), client(), client()];
      const prefix = fresh('all');
      const streams = writers.map((_, i) => `${prefix}-${i}`);
      const ids: string[] = [];
      const tracked = (type: string, data: Record<string, unknown> = {}) => {
        const id = randomUUID();
        ids.push(id);
        return kit.jsonEvent({ id, type, data });
      };
      await append(c, `${prefix}-history`, Array.from({ length: 600 }, () => tracked('History')));
      let stop = false;
      let during = 0;
      const writing = writers.map(async (writer, i) => {
        let revision: ExpectedState = 'no_stream';
        while (!stop || during < 20) {
          const result = await append(writer, streams[i], [tracked('During', { i })], revision);
          revision = result.nextExpectedRevision;
          during++;
          await new Promise((r) => setTimeout(r, 2));
        }
      });
      const subscription = c.subscribeToAll({ fromPosition: kit.START, filter: kit.excludeSystemEvents() });
      const seen = record(subscription);
      await until(() => seen.some((s) => s.kind === 'caughtUp'));
      const atCaughtUp = during;
      await until(() => during >= atCaughtUp + 10);
      stop = true;
      await Promise.all(writing);
      const mine = () => eventsOf(seen).filter((e) => e.event!.streamId.startsWith(prefix));
      await until(() => mine().length >= ids.length);
      // A final marker written after everything else: once it arrives, nothing of ours can still be in flight.
      await append(c, `${prefix}-end`, [tracked('End')]);
      await until(() => mine().some((e) => e.event!.type === 'End'));
      await subscription.unsubscribe();

      expect(seen[0].kind).toBe('confirmation');
      expect(seen.filter((s) => s.kind === 'confirmation')).toHaveLength(1);
      expect(seen.filter((s) => s.kind === 'caughtUp')).toHaveLength(1);
      const caughtUpAt = seen.findIndex((s) => s.kind === 'caughtUp');
      expect(eventsOf(seen.slice(caughtUpAt)).length).toBeGreaterThan(0);
      expect(new Set(mine().map((e) => e.event!.id))).toEqual(new Set(ids));
      expect(mine()).toHaveLength(ids.length);
      const commits = eventsOf(seen).map((e) => e.event!.position!.commit);
      for (let i = 1; i < commits.length; i++) expect(commits[i]).toBeGreaterThan(commits[i - 1]);
      for (const stream of streams) {
        const revisions = mine()
          .filter((e) => e.event!.streamId === stream)
          .map((e) => Number(e.event!.revision));
        expect(revisions).toEqual(revisions.map((_, i) => i));
      }
    });

    test('to $all from END with a stream-name filter: caughtUp right after confirmation, then only new events', async () => {
      const c = client();
      const stream = fresh();
      await append(c, stream, [ev('Old')]);
      const subscription = c.subscribeToAll({ fromPosition: kit.END, filter: kit.streamNamePrefixFilter(stream) });
      const seen = record(subscription);
      await until(() => seen.some((s) => s.kind === 'caughtUp'));
      await append(c, stream, [ev('New')]);
      await until(() => eventsOf(seen).length === 1);
      await subscription.unsubscribe();
      expect(sequence(seen)).toEqual(['confirmation', 'caughtUp', 'New']);
    });
  });

  describe(`${kit.label}: delete and tombstone`, () => {
    test('soft delete hides the stream; a later append continues the revisions; stream_exists after delete is StreamDeleted', async () => {
      const c = client();
      const stream = fresh();
      await append(c, stream, [ev('A'), ev('B')]);
      await c.deleteStream(stream, { expectedRevision: 1n });
      await rejectsWith(collect(c.readStream(stream)), kit.errors.StreamNotFound);
      await rejectsWith(append(c, stream, [ev()], 'stream_exists'), kit.errors.StreamDeleted);
      expect((await append(c, stream, [ev('C')], 'any')).nextExpectedRevision).toBe(2n);
      expect((await collect(c.readStream(stream))).map((e) => [e.event!.type, e.event!.revision])).toEqual([['C', 2n]]);
    });

    test('deleting with a wrong expected revision, or a stream that never existed, is WrongExpectedVersion', async () => {
      const c = client();
      const stream = fresh();
      await rejectsWith(c.deleteStream(stream), kit.errors.WrongExpectedVersion);
      await append(c, stream, [ev(), ev(), ev()]);
      const error = await rejectsWith(c.deleteStream(stream, { expectedRevision: 0n }), kit.errors.WrongExpectedVersion);
      expect(kit.wrongVersion(error)).toMatchObject({ streamName: stream, expected: 0n, actual: 2n });
    });

    test('a tombstoned stream is dead for reads, appends, deletes, tombstones and subscriptions', async () => {
      const c = client();
      const stream = fresh();
      await append(c, stream, [ev()]);
      await c.tombstoneStream(stream);
      expect(await rejectsWith(collect(c.readStream(stream)), kit.errors.StreamDeleted)).toMatchObject({ streamName: stream });
      await rejectsWith(append(c, stream, [ev()]), kit.errors.StreamDeleted);
      await rejectsWith(c.deleteStream(stream), kit.errors.StreamDeleted);
      await rejectsWith(c.tombstoneStream(stream), kit.errors.StreamDeleted);
      const subscription = c.subscribeToStream(stream);
      const error = await new Promise((resolve) => subscription.on('error', resolve as (...args: never[]) => void));
      expect(error).toBeInstanceOf(kit.errors.StreamDeleted);
    });

    test('a live subscription ends with StreamDeleted when its stream is tombstoned', async () => {
      const c = client();
      const stream = fresh();
      await append(c, stream, [ev()]);
      const subscription = c.subscribeToStream(stream);
      const seen = record(subscription);
      const failed = new Promise((resolve) => subscription.on('error', resolve as (...args: never[]) => void));
      await until(() => seen.some((s) => s.kind === 'caughtUp'));
      await c.tombstoneStream(stream);
      expect(await failed).toBeInstanceOf(kit.errors.StreamDeleted);
    });
  });

  describe(`${kit.label}: stream metadata`, () => {
    test('maxCount, truncateBefore and custom keys round-trip; reads honour them', async () => {
      const c = client();
      const stream = fresh();
      expect((await c.getStreamMetadata(stream)).metadata).toBeUndefined();
      await append(c, stream, Array.from({ length: 20 }, (_, i) => ev('E', { i })));
      expect((await c.getStreamMetadata(stream)).metadata).toBeUndefined();
      await c.setStreamMetadata(stream, { maxCount: 2, owner: 'desk 🗞️', nested: { a: [1, 2] } } as never);
      expect((await c.getStreamMetadata(stream)).metadata).toMatchObject({ maxCount: 2, owner: 'desk 🗞️', nested: { a: [1, 2] } });
      expect((await collect(c.readStream(stream))).map((e) => Number(e.event!.revision))).toEqual([18, 19]);
      await c.setStreamMetadata(stream, { truncateBefore: 15 } as never);
      expect((await c.getStreamMetadata(stream)).metadata).toMatchObject({ truncateBefore: 15 });
      expect((await collect(c.readStream(stream))).map((e) => Number(e.event!.revision))).toEqual([15, 16, 17, 18, 19]);
      expect(
        (await collect(c.readStream(stream, { direction: kit.BACKWARDS, fromRevision: kit.END }))).map((e) => Number(e.event!.revision)),
      ).toEqual([19, 18, 17, 16, 15]);
    });
  });
}
