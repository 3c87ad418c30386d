import { randomUUID } from 'node:crypto';
import type { ProjectionChange } from '../../src/infrastructure/projections/projection.js';
import { ProjectionFailedError, ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import type { FreshReadStore } from '../../src/infrastructure/read-store/testing/fresh-read-store.js';
import { counted, CountingProjection, EventStoreFixture, readStore, uniqueStream, uniqueTable } from './support.js';

/**
 * The runner against the embedded event store through the real @eventstore/db-client, on the real read store
 * (SQLite, or PostgreSQL when DATABASE_URL is set).
 */
describe('ProjectionRunner', () => {
  let es: EventStoreFixture;
  let rs: FreshReadStore;
  const runners: ProjectionRunner[] = [];

  beforeEach(async () => {
    es = await new EventStoreFixture().start();
    rs = await readStore();
  });

  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await rs.dispose();
    await es.dispose();
  });

  function runner(...projections: CountingProjection[]): ProjectionRunner {
    const created = new ProjectionRunner(es.client, rs.store, () => projections, { batchSize: 7, failureRetryMs: 100, initialBackoffMs: 50 });
    runners.push(created);
    return created;
  }

  async function stop(target: ProjectionRunner): Promise<void> {
    runners.splice(runners.indexOf(target), 1);
    await target.stop();
  }

  it('catches up from the start of the log, one checkpoint per projection, and reports no lag', async () => {
    const projection = new CountingProjection('test.count.v1', uniqueTable());
    const stream = uniqueStream();
    let last = 0n;
    for (let i = 1; i <= 30; i++) last = await es.append(stream, counted(i));
    await es.append(uniqueStream('other'), { type: 'Ignored', data: {} });
    const r = runner(projection);
    await r.start();
    await r.waitFor(last);
    const rows = await projection.rows(rs.store.db);
    expect(rows.map((row) => row.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(rows.every((row) => row.times === 1)).toBe(true);
    await r.waitForHead();
    const [status] = await r.status();
    expect(status).toMatchObject({ name: 'test.count.v1', state: 'live', lag: 0, error: null });
    expect(BigInt(status.checkpoint!)).toBeGreaterThan(last);
  });

  it('applies live events and emits each change after its transaction committed', async () => {
    const projection = new CountingProjection('test.count.v1', uniqueTable());
    const r = runner(projection);
    await r.start();
    const seen: { change: ProjectionChange; rowVisible: boolean }[] = [];
    const subscription = r.changes$.subscribe((change) => {
      void projection.rows(rs.store.db).then((rows) => seen.push({ change, rowVisible: rows.some((row) => row.event_id === change.eventId) }));
    });
    const stream = uniqueStream();
    const position = await es.append(stream, counted(1, 'hama'), counted(2, 'aleppo'));
    await r.waitFor(position);
    await new Promise((resolve) => setTimeout(resolve, 50));
    subscription.unsubscribe();
    expect((await projection.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(seen.map((s) => s.change.keys.placeId)).toEqual(['hama', 'aleppo']);
    expect(seen.every((s) => s.rowVisible)).toBe(true);
    expect(seen[0].change).toMatchObject({ projection: 'test.count.v1', streamName: stream, eventType: 'Counted' });
    expect(BigInt(seen[1].change.position)).toBeLessThanOrEqual(position);
  });

  it('resumes after a restart from its checkpoint: nothing skipped, nothing applied twice', async () => {
    const table = uniqueTable();
    const stream = uniqueStream();
    for (let i = 1; i <= 10; i++) await es.append(stream, counted(i));
    const first = runner(new CountingProjection('test.count.v1', table));
    await first.start();
    await first.waitForHead();
    await stop(first);
    let last = 0n;
    for (let i = 11; i <= 20; i++) last = await es.append(stream, counted(i));
    const projection = new CountingProjection('test.count.v1', table);
    const second = runner(projection);
    await second.start();
    await second.waitFor(last);
    const rows = await projection.rows(rs.store.db);
    expect(rows.map((row) => row.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows.filter((row) => row.times !== 1)).toEqual([]);
    expect((second.statusSnapshot()[0]).eventsApplied).toBe(10);
  });

  it('starts again after stop: resumes from its checkpoints, and the same changes$ subscription keeps receiving', async () => {
    const projection = new CountingProjection('test.count.v1', uniqueTable());
    const stream = uniqueStream();
    const r = runner(projection);
    const seen: string[] = [];
    const subscription = r.changes$.subscribe({ next: (change) => seen.push(String(change.keys.placeId)), complete: () => seen.push('completed') });
    await r.start();
    await r.waitFor(await es.append(stream, counted(1, 'hama')));
    await r.stop();
    expect(r.statusSnapshot()[0].state).toBe('stopped');
    await es.append(stream, counted(2, 'aleppo'));
    await r.start();
    await r.waitFor(await es.append(stream, counted(3, 'homs')));
    subscription.unsubscribe();
    expect((await projection.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(seen).toEqual(['hama', 'aleppo', 'homs']);
    expect(r.statusSnapshot()[0].state).toBe('live');
  });

  it('stops only the failing projection at the faulty event, surfaces it in status, and retries without double-applying', async () => {
    const failing = new CountingProjection('test.failing.v1', uniqueTable());
    const healthy = new CountingProjection('test.healthy.v1', uniqueTable());
    const r = runner(failing, healthy);
    await r.start();
    const stream = uniqueStream();
    await es.append(stream, counted(1));
    const faulty = randomUUID();
    // Fails in the transaction shared with the healthy projection, in its own batch, then alone (stopped there);
    // succeeds when retried.
    failing.failOn.set(faulty, 3);
    const position = await es.append(stream, counted(2), { ...counted(3), id: faulty }, counted(4));

    await expect(r.waitFor(position, { timeoutMs: 5000 })).rejects.toBeInstanceOf(ProjectionFailedError);
    const failed = r.statusSnapshot().find((s) => s.name === 'test.failing.v1')!;
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ eventId: faulty, eventType: 'Counted', message: `told to fail on ${faulty}`, streamName: stream });
    // Everything before the faulty event is kept; the faulty event's partial work was rolled back.
    expect((await failing.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    await r.waitFor(position, { projections: ['test.healthy.v1'] });
    expect(r.statusSnapshot().find((s) => s.name === 'test.healthy.v1')!.error).toBeNull();
    expect((await healthy.rows(rs.store.db)).map((row) => row.n)).toEqual([1, 2, 3, 4]);

    // Retried after 100 ms (fails again), then 200 ms: gets past it, and the failed attempts left no trace.
    const deadline = Date.now() + 5000;
    while (r.statusSnapshot().find((s) => s.name === 'test.failing.v1')!.error !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await r.waitFor(position);
    expect((await failing.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([1, 2, 3, 4].map((n) => [n, 1]));
    expect((await healthy.rows(rs.store.db)).every((row) => row.times === 1)).toBe(true);
    expect(failing.failOn.get(faulty)).toBe(0);
  });

  it('rebuilds a projection from the log', async () => {
    const projection = new CountingProjection('test.count.v1', uniqueTable());
    const stream = uniqueStream();
    for (let i = 1; i <= 5; i++) await es.append(stream, counted(i));
    const r = runner(projection);
    await r.start();
    await r.waitForHead();
    await r.rebuild('test.count.v1');
    expect(r.statusSnapshot()[0].checkpoint).toBeNull();
    await r.waitForHead();
    expect((await projection.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([1, 2, 3, 4, 5].map((n) => [n, 1]));
  });

  it('rebuilds a projection whose version was bumped', async () => {
    const table = uniqueTable();
    const stream = uniqueStream();
    await es.append(stream, counted(1), counted(2));
    const v1 = runner(new CountingProjection('test.count.v1', table));
    await v1.start();
    await v1.waitForHead();
    await stop(v1);
    const projection = new CountingProjection('test.count.v2', table);
    const v2 = runner(projection);
    await v2.start();
    await v2.waitForHead();
    expect((await projection.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const names = (await rs.store.db.selectFrom('projection_checkpoints').select('name').execute()).map((row) => row.name);
    expect(names).toEqual(['test.count.v2']);
  });

  it('resubscribes from its checkpoint after losing the event store', async () => {
    const projection = new CountingProjection('test.count.v1', uniqueTable());
    const stream = uniqueStream();
    await es.append(stream, counted(1));
    const r = runner(projection);
    await r.start();
    await r.waitForHead();
    const port = es.store.port;
    await es.store.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await es.start(port);
    const position = await es.append(stream, counted(2));
    await r.waitFor(position, { timeoutMs: 20_000 });
    expect((await projection.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });
});
