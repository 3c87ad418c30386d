import { jest } from '@jest/globals';
import {
  BACKWARDS,
  EventStoreDBClient,
  binaryEvent,
  END,
  FORWARDS,
  jsonEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { credentials } from '@grpc/grpc-js';
import featuresGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import { randomUUID } from 'node:crypto';
import { collect, event, type Harness, startHarness, streamName, until } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('ServerFeatures', () => {
  test('lists the Streams methods it serves, BatchAppend included, with a server version', async () => {
    const stub = new featuresGrpc.ServerFeaturesClient(`127.0.0.1:${h.store.port}`, credentials.createInsecure());
    try {
      const methods = await new Promise<InstanceType<typeof import('@eventstore/db-client/generated/serverfeatures_pb.js').SupportedMethods>>(
        (resolve, reject) => stub.getSupportedMethods(new sharedPb.Empty(), (error, response) => (error ? reject(error) : resolve(response))),
      );
      const keys = methods.getMethodsList().map((m) => `/${m.getServiceName()}/${m.getMethodName()}`);
      expect(keys).toEqual(
        expect.arrayContaining([
          '/event_store.client.streams.streams/batchappend',
          '/event_store.client.streams.streams/append',
          '/event_store.client.streams.streams/read',
          '/event_store.client.streams.streams/delete',
          '/event_store.client.streams.streams/tombstone',
        ]),
      );
      expect(keys.some((k) => k.includes('persistent'))).toBe(false);
      expect(methods.getEventStoreServerVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    } finally {
      stub.close();
    }
  });
});

describe('append and read a stream', () => {
  test('appends (BatchAppend path) and reads back ids, types, data, metadata, revisions, positions and created', async () => {
    const client = h.client();
    const stream = streamName();
    const before = Date.now();
    const id1 = randomUUID();
    const result = await client.appendToStream(
      stream,
      [
        jsonEvent({ id: id1, type: 'CitySeized', data: { city: 'Kyïv \u0018 \u0118 🏛️' }, metadata: { by: 'desk' } }),
        binaryEvent({ type: 'Blob', data: Uint8Array.from([0, 1, 2, 255]) }),
      ],
      { expectedRevision: 'no_stream' },
    );
    const after = Date.now();
    expect(result.success).toBe(true);
    expect(result.nextExpectedRevision).toBe(1n);

    const read = await collect(client.readStream(stream));
    expect(read.map((e) => e.event?.revision)).toEqual([0n, 1n]);
    const [first, second] = read.map((e) => e.event!);
    expect(first.id).toBe(id1);
    expect(first.type).toBe('CitySeized');
    expect(first.isJson).toBe(true);
    expect(first.data).toEqual({ city: 'Kyïv \u0018 \u0118 🏛️' });
    expect(first.metadata).toEqual({ by: 'desk' });
    expect(second.isJson).toBe(false);
    expect(Buffer.from(second.data as Uint8Array)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(second.metadata).toBeUndefined();
    expect(second.position).toEqual(result.position);
    expect(first.position!.commit).toBeLessThan(second.position!.commit);
    expect(first.position!.commit).toBe(first.position!.prepare);
    for (const e of [first, second]) {
      const created = new Date(e.created).getTime();
      expect(created).toBeGreaterThanOrEqual(before);
      expect(created).toBeLessThanOrEqual(after);
    }
  });

  test('classic Append (forced by per-call credentials) behaves the same', async () => {
    const client = h.client();
    const stream = streamName();
    const options = { credentials: { username: 'admin', password: 'changeit' } };
    const r1 = await client.appendToStream(stream, [event(), event()], { ...options, expectedRevision: 'no_stream' });
    expect(r1.nextExpectedRevision).toBe(1n);
    const read = await collect(client.readStream(stream));
    expect(read[1].event!.position).toEqual(r1.position);
    await expect(client.appendToStream(stream, [event()], { ...options, expectedRevision: 5n })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: stream,
      expectedVersion: 5n,
      actualVersion: 1n,
    });
    const r2 = await client.appendToStream(stream, [event()], { ...options, expectedRevision: 1n });
    expect(r2.nextExpectedRevision).toBe(2n);
  });

  test('reads forwards and backwards from a revision, inclusive, with maxCount', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, Array.from({ length: 10 }, (_, i) => event('E', { i })));
    const revs = async (options: Parameters<typeof client.readStream>[1]) =>
      (await collect(client.readStream(stream, options))).map((e) => Number(e.event!.revision));
    expect(await revs({ fromRevision: 3n, maxCount: 3 })).toEqual([3, 4, 5]);
    expect(await revs({ direction: BACKWARDS, fromRevision: 3n })).toEqual([3, 2, 1, 0]);
    expect(await revs({ direction: BACKWARDS, fromRevision: END, maxCount: 2 })).toEqual([9, 8]);
    expect(await revs({ direction: FORWARDS, fromRevision: START })).toHaveLength(10);
    expect(await revs({ fromRevision: 42n })).toEqual([]);
  });

  test('a missing stream reads as StreamNotFoundError with its name', async () => {
    const client = h.client();
    const stream = streamName();
    await expect(collect(client.readStream(stream))).rejects.toMatchObject({ constructor: StreamNotFoundError, streamName: stream });
  });

  test('reads 2,000 events in pages without loss', async () => {
    const client = h.client();
    const stream = streamName();
    for (let batch = 0; batch < 4; batch++) {
      await client.appendToStream(stream, Array.from({ length: 500 }, (_, i) => event('E', { i: batch * 500 + i })));
    }
    const read = await collect(client.readStream(stream));
    expect(read.map((e) => Number(e.event!.revision))).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });
});

describe('expected revision', () => {
  test('no_stream, stream_exists, any and exact revision as in EventStoreDB', async () => {
    const client = h.client();
    const stream = streamName();
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: stream,
      expectedVersion: 'stream_exists',
      actualVersion: 'no_stream',
    });
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await client.appendToStream(stream, [event()], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(0n);
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      expectedVersion: 'no_stream',
      actualVersion: 0n,
    });
    expect((await client.appendToStream(stream, [event()], { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(1n);
    expect((await client.appendToStream(stream, [event()], { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 1n })).rejects.toMatchObject({
      expectedVersion: 1n,
      actualVersion: 2n,
    });
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 7n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await client.appendToStream(stream, [event()], { expectedRevision: 'any' })).nextExpectedRevision).toBe(3n);
  });

  test('throwOnAppendFailure: false reports failure without throwing', async () => {
    const client = EventStoreDBClient.connectionString(`${h.store.connectionString}&throwOnAppendFailure=false`);
    const stream = streamName();
    try {
      await client.appendToStream(stream, [event()]);
      const result = await client.appendToStream(stream, [event()], { expectedRevision: 'no_stream' });
      expect(result.success).toBe(false);
    } finally {
      await client.dispose();
    }
  });
});

describe('links', () => {
  test('resolveLinkTos returns the target event as a direct read would, with the link beside it', async () => {
    const client = h.client();
    const target = streamName();
    const links = streamName('links');
    await client.appendToStream(target, [event('A'), event('B')]);
    await client.appendToStream(links, [
      binaryEvent({ type: '$>', data: Buffer.from(`1@${target}`) }),
      binaryEvent({ type: '$>', data: Buffer.from(`7@${target}`) }),
    ]);
    const direct = (await collect(client.readStream(target)))[1].event!;
    const [resolved, broken] = await collect(client.readStream(links, { resolveLinkTos: true }));
    expect(resolved.event).toEqual(direct);
    expect(resolved.link?.type).toBe('$>');
    expect(resolved.link?.streamId).toBe(links);
    expect(resolved.commitPosition).toBe(resolved.link!.position!.commit);
    expect(broken.event).toBeUndefined();
    expect(broken.link?.revision).toBe(1n);
    const unresolved = await collect(client.readStream(links));
    expect(unresolved[0].event?.type).toBe('$>');
  });
});

describe('optimistic concurrency', () => {
  test('8 writers racing on one stream with the same expected revision: exactly one wins each round', async () => {
    const writers = Array.from({ length: 8 }, () => h.client());
    const stream = streamName();
    await writers[0].appendToStream(stream, [event('Init')], { expectedRevision: 'no_stream' });
    for (let round = 0; round < 15; round++) {
      const expected = BigInt(round);
      const results = await Promise.allSettled(
        writers.map((writer, i) => writer.appendToStream(stream, [event('Race', { round, i })], { expectedRevision: expected })),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      const losers = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(winners).toHaveLength(1);
      for (const loser of losers) {
        expect(loser.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(loser.reason.actualVersion).toBe(expected + 1n);
      }
    }
    expect(await collect(writers[0].readStream(stream))).toHaveLength(16);
  });
});

describe('group commit', () => {
  test('concurrent appends from several clients share transactions (fewer commits than appends), each answered once', async () => {
    const { EventStorage } = await import('../../src/infrastructure/embedded-esdb/storage.js');
    // Counting commits with a spy needs the server in this thread.
    const inline = await startHarness({ thread: 'inline' });
    const clients = Array.from({ length: 4 }, () => inline.client());
    await Promise.all(clients.map((c) => c.appendToStream(streamName('warm'), [event()])));
    const commit = jest.spyOn(EventStorage.prototype, 'commit');
    try {
      const streams = Array.from({ length: 32 }, () => streamName('group'));
      const results = await Promise.all(
        streams.map((stream, i) => clients[i % clients.length].appendToStream(stream, [event()], { expectedRevision: 'no_stream' })),
      );
      expect(results.every((r) => r.success && r.nextExpectedRevision === 0n)).toBe(true);
      expect(new Set(results.map((r) => r.position!.commit)).size).toBe(32);
      expect(commit.mock.calls.length).toBeGreaterThan(0);
      expect(commit.mock.calls.length).toBeLessThanOrEqual(16);
    } finally {
      commit.mockRestore();
      await inline.close();
    }
  });
});

describe('idempotent re-append', () => {
  test('the same event ids appended again write nothing and return the original result', async () => {
    const client = h.client();
    const stream = streamName();
    const events = [event('A'), event('B'), event('C')];
    const first = await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    const again = await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    const againAny = await client.appendToStream(stream, events, { expectedRevision: 'any' });
    const second = await client.appendToStream(stream, [event('D')], { expectedRevision: 2n });
    const againExact = await client.appendToStream(stream, events, { expectedRevision: 'no_stream' });
    const againD = await client.appendToStream(stream, [jsonEvent({ id: (await collect(client.readStream(stream))).at(-1)!.event!.id, type: 'D', data: {} })], {
      expectedRevision: 2n,
    });
    for (const result of [again, againAny, againExact]) {
      expect(result.nextExpectedRevision).toBe(2n);
      expect(result.position).toEqual(first.position);
    }
    expect(againD).toEqual(second);
    expect((await collect(client.readStream(stream))).map((e) => e.event!.type)).toEqual(['A', 'B', 'C', 'D']);
  });

  test('a partial match of ids is a wrong expected version', async () => {
    const client = h.client();
    const stream = streamName();
    const a = event('A');
    const b = event('B');
    await client.appendToStream(stream, [a, b]);
    await expect(client.appendToStream(stream, [a, event('X')], { expectedRevision: 'any' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
  });
});

describe('$all', () => {
  test('a fresh log already holds a visible $-system event', async () => {
    const client = h.client();
    const all = await collect(client.readAll({ maxCount: 1 }));
    expect(all[0].event!.streamId.startsWith('$')).toBe(true);
    expect(all[0].event!.type.startsWith('$')).toBe(true);
  });

  test('forwards from a position is inclusive, backwards exclusive; backwards from END starts at the head', async () => {
    const client = h.client();
    const stream = streamName();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await client.appendToStream(stream, [event('E', { i })]));
    const middle = results[1].position!;
    const forwards = await collect(client.readAll({ fromPosition: middle, maxCount: 2 }));
    expect(forwards.map((e) => e.event!.position)).toEqual([results[1].position, results[2].position]);
    const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: middle, maxCount: 1 }));
    expect(backwards[0].event!.position).toEqual(results[0].position);
    const head = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    expect(head[0].event!.position).toEqual(results[2].position);
    const everything = await collect(client.readAll({ fromPosition: START }));
    const positions = everything.map((e) => e.event!.position!.commit);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });
});

describe('persistence', () => {
  test('events, revisions and positions survive a restart of the server', async () => {
    const first = await startHarness();
    const stream = streamName();
    const client = first.client();
    const appended = await client.appendToStream(stream, [event('A'), event('B')]);
    const before = await collect(client.readAll());
    await client.dispose();
    await first.store.close();
    const { startEmbeddedEventStore } = await import('../../src/infrastructure/embedded-esdb/index.js');
    const reopened = await startEmbeddedEventStore({ dbPath: first.dbPath, port: 0 });
    const { EventStoreDBClient } = await import('@eventstore/db-client');
    const client2 = EventStoreDBClient.connectionString(reopened.connectionString);
    try {
      const after = await collect(client2.readAll());
      expect(after.map((e) => [e.event!.id, e.event!.position])).toEqual(before.map((e) => [e.event!.id, e.event!.position]));
      const next = await client2.appendToStream(stream, [event('C')], { expectedRevision: 1n });
      expect(next.position!.commit).toBeGreaterThan(appended.position!.commit);
    } finally {
      await client2.dispose();
      await reopened.close();
      await first.close();
    }
  });

  test('close() while appends are in flight: every acknowledged append is persisted', async () => {
    const first = await startHarness();
    const client = first.client();
    const streams = Array.from({ length: 200 }, () => streamName('closing'));
    await client.appendToStream('warm-up', [event()]);
    let done = 0;
    const attempts = streams.map((stream) =>
      client.appendToStream(stream, [event('InFlight')]).then(() => {
        done++;
        return stream;
      }),
    );
    await until(() => done >= 3, 20_000);
    const closing = first.store.close();
    const settled = await Promise.allSettled(attempts);
    await closing;
    const acknowledged = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const { startEmbeddedEventStore } = await import('../../src/infrastructure/embedded-esdb/index.js');
    const reopened = await startEmbeddedEventStore({ dbPath: first.dbPath, port: 0 });
    const { EventStoreDBClient } = await import('@eventstore/db-client');
    const reader = EventStoreDBClient.connectionString(reopened.connectionString);
    try {
      expect(acknowledged.length).toBeGreaterThanOrEqual(3);
      for (const stream of acknowledged) expect(await collect(reader.readStream(stream))).toHaveLength(1);
    } finally {
      await reader.dispose();
      await reopened.close();
      await first.close();
    }
  });
});
