import {
  DeadlineExceededError,
  EventStoreDBClient,
  jsonEvent,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { collect, event, type Harness, startHarness, streamName, until } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const classic = { credentials: { username: 'admin', password: 'changeit' } };

describe('soft delete', () => {
  test('hides the stream, records $tb metadata, and a later append continues the revisions', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event('A'), event('B')]);
    const deleted = await client.deleteStream(stream, { expectedRevision: 1n });
    expect(deleted.position).toBeDefined();
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
    const { metadata } = await client.getStreamMetadata(stream);
    expect(metadata?.truncateBefore).toBeDefined();

    const result = await client.appendToStream(stream, [event('C')], { expectedRevision: 'any' });
    expect(result.nextExpectedRevision).toBe(2n);
    const read = await collect(client.readStream(stream));
    expect(read.map((e) => [e.event!.type, e.event!.revision])).toEqual([['C', 2n]]);
  });

  test('new metadata on a soft-deleted stream undeletes it without showing the old events', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event('Old1'), event('Old2')]);
    await client.deleteStream(stream);
    await client.setStreamMetadata(stream, { maxCount: 10 });
    // Not deleted any more: appends continue the revisions, the old events stay hidden.
    await client.appendToStream(stream, [event('New')], { expectedRevision: 'stream_exists' });
    expect((await collect(client.readStream(stream))).map((e) => [e.event!.type, e.event!.revision])).toEqual([['New', 2n]]);
  });

  test('deleting a stream that never existed is a wrong expected version, even with any', async () => {
    const client = h.client();
    const stream = streamName();
    await expect(client.deleteStream(stream)).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: stream,
      actualVersion: -1n,
    });
  });

  test('a wrong expected revision carries the stream name, expected and actual versions', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event(), event(), event()]);
    await expect(client.deleteStream(stream, { expectedRevision: 0n })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: stream,
      expectedVersion: 0n,
      actualVersion: 2n,
    });
    await expect(client.deleteStream(stream, { expectedRevision: 'no_stream' })).rejects.toMatchObject({ expectedVersion: -1n });
  });

  test('stream_exists against a soft-deleted stream is StreamDeleted', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event()]);
    await client.deleteStream(stream);
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 'stream_exists' })).rejects.toBeInstanceOf(StreamDeletedError);
  });
});

describe('tombstone', () => {
  test('a tombstoned stream is dead for reads, appends on both paths, deletes, tombstones and subscriptions', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event()]);
    const result = await client.tombstoneStream(stream);
    expect(result.position).toBeDefined();
    await expect(collect(client.readStream(stream))).rejects.toMatchObject({ constructor: StreamDeletedError, streamName: stream });
    await expect(client.appendToStream(stream, [event()])).rejects.toMatchObject({ constructor: StreamDeletedError, streamName: stream });
    await expect(client.appendToStream(stream, [event()], classic)).rejects.toMatchObject({ constructor: StreamDeletedError, streamName: stream });
    await expect(client.deleteStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(client.tombstoneStream(stream)).rejects.toBeInstanceOf(StreamDeletedError);
    const subscription = client.subscribeToStream(stream);
    const error = await new Promise((resolve) => subscription.on('error', resolve));
    expect(error).toBeInstanceOf(StreamDeletedError);

    const tail = await collect(client.readAll({ direction: 'backwards', fromPosition: 'end', maxCount: 50 }));
    const record = tail.find((e) => e.event?.streamId === stream && e.event.type === '$streamDeleted');
    expect(record?.event?.revision).toBe(9223372036854775807n);
  });

  test('a wrong expected revision on tombstone carries the stream name and numeric versions', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event(), event()]);
    await expect(client.tombstoneStream(stream, { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      streamName: stream,
      expectedVersion: -1n,
      actualVersion: 1n,
    });
    await expect(client.tombstoneStream(stream, { expectedRevision: 5n })).rejects.toMatchObject({ expectedVersion: 5n, actualVersion: 1n });
    await expect(client.tombstoneStream(stream, { expectedRevision: 1n })).resolves.toBeDefined();
  });

  test('a name can be tombstoned before it is used', async () => {
    const client = h.client();
    const stream = streamName();
    await client.tombstoneStream(stream, { expectedRevision: 'no_stream' });
    await expect(client.appendToStream(stream, [event()])).rejects.toBeInstanceOf(StreamDeletedError);
  });

  test('a live subscription ends with StreamDeleted when its stream is tombstoned', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event()]);
    const subscription = client.subscribeToStream(stream);
    let caughtUp = false;
    subscription.on('caughtUp', () => (caughtUp = true));
    subscription.on('data', () => undefined);
    const failed = new Promise((resolve) => subscription.on('error', resolve));
    await until(() => caughtUp);
    await client.tombstoneStream(stream);
    expect(await failed).toBeInstanceOf(StreamDeletedError);
  });
});

describe('stream metadata', () => {
  test('$maxCount, $tb and custom keys: reads honour retention, custom keys round-trip', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, Array.from({ length: 20 }, (_, i) => event('E', { i })));
    await client.setStreamMetadata(stream, { maxCount: 2, custom: { owner: 'desk 🗞️', level: 3 } } as never);
    expect((await collect(client.readStream(stream))).map((e) => Number(e.event!.revision))).toEqual([18, 19]);
    const { metadata } = await client.getStreamMetadata(stream);
    expect(metadata).toMatchObject({ maxCount: 2 });

    await client.setStreamMetadata(stream, { truncateBefore: 15 });
    expect((await collect(client.readStream(stream))).map((e) => Number(e.event!.revision))).toEqual([15, 16, 17, 18, 19]);
    expect((await collect(client.readStream(stream, { direction: 'backwards', fromRevision: 'end' }))).map((e) => Number(e.event!.revision))).toEqual([
      19, 18, 17, 16, 15,
    ]);
    // The metastream shows only its latest event.
    expect(await collect(client.readStream(`$$${stream}`))).toHaveLength(1);
  });

  test('custom metadata keys round-trip unchanged', async () => {
    const client = h.client();
    const stream = streamName();
    await client.setStreamMetadata(stream, { owner: 'desk 🗞️', nested: { a: [1, 2] } } as never);
    const { metadata } = await client.getStreamMetadata(stream);
    expect(metadata).toMatchObject({ owner: 'desk 🗞️', nested: { a: [1, 2] } });
    // Metadata alone makes the stream exist for stream_exists.
    await expect(client.appendToStream(stream, [event()], { expectedRevision: 'stream_exists' })).resolves.toMatchObject({ success: true });
  });

  test('$maxAge hides events older than the given seconds', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event('Old')]);
    await client.setStreamMetadata(stream, { maxAge: 1 });
    await new Promise((r) => setTimeout(r, 1100));
    await client.appendToStream(stream, [event('New')]);
    expect((await collect(client.readStream(stream))).map((e) => e.event!.type)).toEqual(['New']);
  });

  test('a stream without metadata reports none', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event()]);
    const result = await client.getStreamMetadata(stream);
    expect(result.metadata).toBeUndefined();
  });
});

describe('append limits and deadlines', () => {
  test('an append over 1,048,576 bytes fails with MaxAppendSizeExceededError on both paths, nothing written', async () => {
    const client = h.client();
    const stream = streamName();
    const big = () => Array.from({ length: 60 }, () => jsonEvent({ type: 'Big', data: { pad: 'x'.repeat(100_000) } }));
    await expect(client.appendToStream(stream, big())).rejects.toMatchObject({ constructor: MaxAppendSizeExceededError, maxAppendSize: 1_048_576 });
    await expect(client.appendToStream(stream, big(), classic)).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
    await expect(collect(client.readStream(stream))).rejects.toBeInstanceOf(StreamNotFoundError);
    // The shared BatchAppend call is still usable afterwards.
    await expect(client.appendToStream(stream, [event()])).resolves.toMatchObject({ success: true });
  });

  test('an expired deadline surfaces as DeadlineExceededError and writes nothing', async () => {
    const roomy = await startHarness({ maxAppendSize: 64 * 1024 * 1024 });
    try {
      const client = roomy.client();
      const stream = streamName();
      await client.appendToStream(stream, [event()]);
      const large = Array.from({ length: 40 }, () => jsonEvent({ type: 'Big', data: { pad: 'y'.repeat(250_000) } }));
      await expect(client.appendToStream(stream, large, { deadline: 1 })).rejects.toBeInstanceOf(DeadlineExceededError);
      await expect(client.appendToStream(stream, large, { ...classic, deadline: 1 })).rejects.toBeInstanceOf(DeadlineExceededError);
      await new Promise((r) => setTimeout(r, 100));
      expect(await collect(client.readStream(stream))).toHaveLength(1);
    } finally {
      await roomy.close();
    }
  });
});

describe('idempotency across a restart', () => {
  test('re-appending the same event ids after a restart writes nothing', async () => {
    const first = await startHarness();
    const stream = streamName();
    const events = [event('A'), event('B')];
    const original = await first.client().appendToStream(stream, events, { expectedRevision: 'no_stream' });
    await first.store.close();
    const { startEmbeddedEventStore } = await import('../../src/infrastructure/embedded-esdb/index.js');
    const reopened = await startEmbeddedEventStore({ dbPath: first.dbPath, port: 0 });
    const client = EventStoreDBClient.connectionString(reopened.connectionString);
    try {
      const again = await client.appendToStream(stream, events, { expectedRevision: 'any' });
      expect(again).toEqual(original);
      expect(await collect(client.readStream(stream))).toHaveLength(2);
    } finally {
      await client.dispose();
      await reopened.close();
      await first.close().catch(() => undefined);
    }
  });
});
