import { randomUUID } from 'node:crypto';
import { applyEvents, applyEventsTogether, migrateProjection } from '../../src/infrastructure/projections/apply-events.js';
import { readCheckpoint } from '../../src/infrastructure/projections/checkpoint-store.js';
import type { ProjectedEvent } from '../../src/infrastructure/projections/projection.js';
import type { FreshReadStore } from '../../src/infrastructure/read-store/testing/fresh-read-store.js';
import { CountingProjection, readStore, uniqueTable } from './support.js';

/** applyEventsTogether on the real read store (SQLite, or PostgreSQL when DATABASE_URL is set). */
describe('applyEventsTogether', () => {
  let rs: FreshReadStore;
  let position = 0n;

  beforeEach(async () => {
    rs = await readStore();
  });
  afterEach(() => rs.dispose());

  const event = (n: number, type = 'Counted'): ProjectedEvent => {
    position += 10n;
    return {
      id: randomUUID(),
      type,
      streamName: 'test-1',
      revision: BigInt(n),
      position,
      preparePosition: position,
      data: { n, placeId: `p${n}` },
      metadata: {},
      recordedAt: new Date(0).toISOString(),
    };
  };

  async function projections(...names: string[]): Promise<CountingProjection[]> {
    const created = names.map((name) => new CountingProjection(name, uniqueTable()));
    for (const projection of created) await migrateProjection(rs.store, projection);
    return created;
  }

  it('applies each projection past its own checkpoint and moves every checkpoint, in one go', async () => {
    const [ahead, behind] = await projections('test.ahead.v1', 'test.behind.v1');
    const events = [event(1), event(2), event(3, 'Other'), event(4)];
    await applyEvents(rs.store, ahead, events.slice(0, 2));

    const results = await applyEventsTogether(rs.store, [
      { projection: ahead, events },
      { projection: behind, events },
    ]);

    expect(results.map((r) => r.advancedBy)).toEqual([2, 4]);
    expect(results[0].changes.map((c) => c.eventId)).toEqual([events[3].id]);
    expect(results[1].changes.map((c) => c.keys.placeId)).toEqual(['p1', 'p2', 'p4']);
    for (const projection of [ahead, behind]) {
      expect((await projection.rows(rs.store.db)).map((row) => [row.n, row.times])).toEqual([
        [1, 1],
        [2, 1],
        [4, 1],
      ]);
      expect((await readCheckpoint(rs.store.db, projection.name))?.commit).toBe(events[3].position);
    }
  });

  it('commits nothing for any projection when one handler throws', async () => {
    const [healthy, failing] = await projections('test.healthy.v1', 'test.failing.v1');
    const events = [event(1), event(2)];
    failing.failOn.set(events[1].id, 1);

    await expect(
      applyEventsTogether(rs.store, [
        { projection: healthy, events },
        { projection: failing, events },
      ]),
    ).rejects.toThrow(`told to fail on ${events[1].id}`);

    for (const projection of [healthy, failing]) {
      expect(await projection.rows(rs.store.db)).toEqual([]);
      expect(await readCheckpoint(rs.store.db, projection.name)).toBeNull();
    }
  });

  it('skips what a projection already applied, so a redelivered batch changes nothing', async () => {
    const [a, b] = await projections('test.a.v1', 'test.b.v1');
    const events = [event(1), event(2)];
    const batches = [
      { projection: a, events },
      { projection: b, events },
    ];
    await applyEventsTogether(rs.store, batches);
    const again = await applyEventsTogether(rs.store, batches);
    expect(again.map((r) => r.advancedBy)).toEqual([0, 0]);
    expect((await a.rows(rs.store.db)).map((row) => row.times)).toEqual([1, 1]);
    expect((await b.rows(rs.store.db)).map((row) => row.times)).toEqual([1, 1]);
  });
});
