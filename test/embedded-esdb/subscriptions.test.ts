import {
  END,
  eventTypeFilter,
  excludeSystemEvents,
  type ResolvedEvent,
  START,
  streamNameFilter,
  type Position,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { event, type Harness, startHarness, streamName, until } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Seen = { kind: 'confirmation' } | { kind: 'caughtUp' } | { kind: 'event'; event: ResolvedEvent };

/** Records the ordered sequence of what a subscription emits. */
function record(subscription: NodeJS.EventEmitter & AsyncIterable<ResolvedEvent>): Seen[] {
  const seen: Seen[] = [];
  subscription.on('confirmation', () => seen.push({ kind: 'confirmation' }));
  subscription.on('caughtUp', () => seen.push({ kind: 'caughtUp' }));
  subscription.on('data', (e: ResolvedEvent) => seen.push({ kind: 'event', event: e }));
  return seen;
}

const eventsOf = (seen: Seen[]) => seen.flatMap((s) => (s.kind === 'event' ? [s.event] : []));

describe('subscribeToStream', () => {
  test('confirmation, catch-up from START, exactly one caughtUp, then live events', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event('A'), event('B')]);
    const subscription = client.subscribeToStream(stream, { fromRevision: START });
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    await client.appendToStream(stream, [event('C')]);
    await until(() => eventsOf(seen).length === 3);
    await subscription.unsubscribe();
    expect(seen.map((s) => (s.kind === 'event' ? s.event.event!.type : s.kind))).toEqual(['confirmation', 'A', 'B', 'caughtUp', 'C']);
  });

  test('a revision start point is exclusive; END yields only new events', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event('A'), event('B'), event('C'), event('D')]);
    const fromTwo = client.subscribeToStream(stream, { fromRevision: 2n });
    const fromEnd = client.subscribeToStream(stream, { fromRevision: END });
    const seenTwo = record(fromTwo);
    const seenEnd = record(fromEnd);
    await until(() => seenTwo.some((s) => s.kind === 'caughtUp') && seenEnd.some((s) => s.kind === 'caughtUp'));
    await client.appendToStream(stream, [event('E')]);
    await until(() => eventsOf(seenTwo).length === 2 && eventsOf(seenEnd).length === 1);
    await fromTwo.unsubscribe();
    await fromEnd.unsubscribe();
    expect(eventsOf(seenTwo).map((e) => e.event!.type)).toEqual(['D', 'E']);
    expect(seenEnd.map((s) => (s.kind === 'event' ? s.event.event!.type : s.kind))).toEqual(['confirmation', 'caughtUp', 'E']);
  });

  test('a stream that does not exist yet is not an error: caught up, then its first events arrive', async () => {
    const client = h.client();
    const stream = streamName();
    const subscription = client.subscribeToStream(stream);
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    await client.appendToStream(stream, [event('First')], { expectedRevision: 'no_stream' });
    await until(() => eventsOf(seen).length === 1);
    await subscription.unsubscribe();
    expect(eventsOf(seen)[0].event!.revision).toBe(0n);
  });
});

describe('subscribeToAll', () => {
  test('catch-up then exactly one caughtUp then live: no gap and no duplicate under concurrent writers', async () => {
    const client = h.client();
    const writers = Array.from({ length: 6 }, () => h.client());
    const streams = writers.map(() => streamName('race'));
    const appendedIds = new Set<string>();
    // Some history before the subscription starts.
    for (let i = 0; i < writers.length; i++) {
      const e = event('Before', { i });
      appendedIds.add(e.id);
      await writers[i].appendToStream(streams[i], [e]);
    }
    // Enough history that catch-up spans several storage pages while the writers keep appending.
    const history = Array.from({ length: 1500 }, () => event('History'));
    for (const e of history) appendedIds.add(e.id);
    await client.appendToStream(streamName('history'), history);
    let stop = false;
    const writing = writers.map(async (writer, i) => {
      let revision = 0n;
      while (!stop) {
        const batch = Array.from({ length: 1 + (Number(revision) % 3) }, () => event('During', { i }));
        for (const e of batch) appendedIds.add(e.id);
        const result = await writer.appendToStream(streams[i], batch, { expectedRevision: revision });
        revision = result.nextExpectedRevision;
        // Writers pause a little so that catch-up, which shares this one event loop, can reach the head.
        await new Promise((r) => setTimeout(r, 2));
      }
    });
    const subscription = client.subscribeToAll({ fromPosition: START, filter: excludeSystemEvents() });
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(writing);
    const mine = () => eventsOf(seen).filter((e) => appendedIds.has(e.event!.id));
    await until(() => mine().length >= appendedIds.size);
    await new Promise((r) => setTimeout(r, 50));
    await subscription.unsubscribe();

    expect(seen[0].kind).toBe('confirmation');
    expect(seen.filter((s) => s.kind === 'confirmation')).toHaveLength(1);
    expect(seen.filter((s) => s.kind === 'caughtUp')).toHaveLength(1);
    const received = mine();
    expect(received).toHaveLength(appendedIds.size);
    expect(new Set(received.map((e) => e.event!.id)).size).toBe(appendedIds.size);
    const all = eventsOf(seen).map((e) => e.event!.position!.commit);
    for (let i = 1; i < all.length; i++) expect(all[i]).toBeGreaterThan(all[i - 1]);
    expect(eventsOf(seen).every((e) => !e.event!.type.startsWith('$'))).toBe(true);
    for (const stream of streams) {
      const revisions = received.filter((e) => e.event!.streamId === stream).map((e) => Number(e.event!.revision));
      expect(revisions).toEqual(revisions.map((_, i) => i));
    }
  });

  test('a position start point is exclusive: the event at that position is not delivered again', async () => {
    const client = h.client();
    const stream = streamName();
    const first = await client.appendToStream(stream, [event('A')]);
    await client.appendToStream(stream, [event('B')]);
    const subscription = client.subscribeToAll({ fromPosition: first.position!, filter: streamNameFilter({ prefixes: [stream] }) });
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    await subscription.unsubscribe();
    expect(eventsOf(seen).map((e) => e.event!.type)).toEqual(['B']);
  });

  test('from END: caughtUp right after confirmation, then only new events', async () => {
    const client = h.client();
    const stream = streamName();
    await client.appendToStream(stream, [event('Old')]);
    const subscription = client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [stream] }) });
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    await client.appendToStream(stream, [event('New')]);
    await until(() => eventsOf(seen).length === 1);
    await subscription.unsubscribe();
    expect(seen.map((s) => (s.kind === 'event' ? s.event.event!.type : s.kind))).toEqual(['confirmation', 'caughtUp', 'New']);
  });

  test('event-type filter by prefix and by regex', async () => {
    const client = h.client();
    const tag = randomUUID().replace(/-/g, '').slice(0, 12);
    const stream = streamName();
    await client.appendToStream(stream, [event(`Kept${tag}`), event(`Dropped${tag}`), event(`Kept${tag}Too`)]);
    const byPrefix = client.subscribeToAll({ filter: eventTypeFilter({ prefixes: [`Kept${tag}`] }) });
    const byRegex = client.subscribeToAll({ filter: eventTypeFilter({ regex: `^Dropped${tag}$` }) });
    const seenPrefix = record(byPrefix);
    const seenRegex = record(byRegex);
    await until(() => seenPrefix.some((s) => s.kind === 'caughtUp') && seenRegex.some((s) => s.kind === 'caughtUp'));
    await byPrefix.unsubscribe();
    await byRegex.unsubscribe();
    expect(eventsOf(seenPrefix).map((e) => e.event!.type)).toEqual([`Kept${tag}`, `Kept${tag}Too`]);
    expect(eventsOf(seenRegex).map((e) => e.event!.type)).toEqual([`Dropped${tag}`]);
  });

  test('filtered subscriptions send checkpoints every window x multiplier examined events, resumable without re-delivery', async () => {
    const client = h.client();
    const stream = streamName();
    const start = await client.appendToStream(stream, [event('Start')]);
    await client.appendToStream(stream, Array.from({ length: 25 }, (_, i) => event('Noise', { i })));
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: start.position!,
      filter: eventTypeFilter({
        prefixes: ['NothingMatches'],
        maxSearchWindow: 5,
        checkpointInterval: 2,
        checkpointReached: (_s, position) => {
          checkpoints.push(position);
        },
      }),
    });
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    await until(() => checkpoints.length >= 3);
    await subscription.unsubscribe();
    // 25 examined events, interval 10: checkpoints after 10 and 20, one more at the head.
    expect(checkpoints.length).toBe(3);
    expect(checkpoints[0].commit).toBe(start.position!.commit + 10n);
    expect(checkpoints[1].commit).toBe(start.position!.commit + 20n);
    expect(checkpoints[2].commit).toBe(start.position!.commit + 25n);
    expect(eventsOf(seen)).toHaveLength(0);

    // Resuming from a checkpoint re-delivers nothing already examined: only what follows it.
    await client.appendToStream(stream, [event('Wanted')]);
    const resumed = client.subscribeToAll({ fromPosition: checkpoints[1], filter: streamNameFilter({ prefixes: [stream] }) });
    const seenResumed = record(resumed);
    await until(() => seenResumed.some((s) => s.kind === 'caughtUp'));
    await resumed.unsubscribe();
    const types = eventsOf(seenResumed).map((e) => e.event!.type);
    expect(types).toEqual(['Noise', 'Noise', 'Noise', 'Noise', 'Noise', 'Wanted']);
    expect(eventsOf(seenResumed)[0].event!.position!.commit).toBe(checkpoints[1].commit + 1n);
  });

  test('a paused reader falls back to storage and still gets every event once, in order, with one caughtUp', async () => {
    const client = h.client();
    const writer = h.client();
    const stream = streamName();
    const subscription = client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [stream] }) });
    const seen = record(subscription);
    await until(() => seen.some((s) => s.kind === 'caughtUp'));
    subscription.pause();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const batch = Array.from({ length: 250 }, (_, j) => event('Burst', { i, j, pad: 'x'.repeat(200) }));
      ids.push(...batch.map((e) => e.id));
      await writer.appendToStream(stream, batch);
    }
    subscription.resume();
    await until(() => eventsOf(seen).length >= ids.length);
    await new Promise((r) => setTimeout(r, 50));
    await subscription.unsubscribe();
    expect(eventsOf(seen).map((e) => e.event!.id)).toEqual(ids);
    expect(seen.filter((s) => s.kind === 'caughtUp')).toHaveLength(1);
  });
});
