import { applyEvents } from '../../../infrastructure/projections/apply-events.js';
import type { AsAt } from '../../../infrastructure/projections/as-at.js';
import type { ProjectedEvent } from '../../../infrastructure/projections/projection.js';
import { ProjectionHarness } from '../../../infrastructure/projections/testing/projection-harness.js';
import { computeControlIntervals } from '../domain/control.js';
import { TerritoryReadModel, toPeriod } from '../queries/territory.read-model.js';
import { loadSeizures } from './territory-facts.js';
import { TerritoryControlProjection } from './territory-control.projection.js';

/** A place's history as the query handler makes it from a model's timeline. */
const historyOf = async (model: TerritoryReadModel, placeId: string, asAt?: AsAt) => (await model.intervals(placeId, asAt)).map(toPeriod);

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Whatever the order of the reports, the batch boundaries and the corrections, the stored timelines equal the pure
 * computation over the facts, and replaying the same log into a fresh store gives the same rows.
 */
describe('territory.control.v1: stored timelines = computeControlIntervals(facts), in any batching', () => {
  let harness: ProjectionHarness<TerritoryControlProjection>;

  beforeAll(async () => {
    harness = await ProjectionHarness.create(new TerritoryControlProjection());
  });
  afterAll(() => harness.dispose());

  function randomLog(seed: number, places: string[]): ProjectedEvent[] {
    const random = prng(seed);
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const events: ProjectedEvent[] = [];
    const seizures: ProjectedEvent[] = [];
    for (let i = 0; i < 300; i++) {
      const roll = random();
      if (roll < 0.08 && seizures.length > 0) {
        const target = pick(seizures);
        const changes =
          random() < 0.5 ? { factionId: pick(['a', 'b', 'c']) } : { occurred: { date: `2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`, precision: 'month' } };
        events.push(harness.event('FactCorrected', { eventId: target.id, changes, reason: 'r', notice: 'n' }, { streamName: target.streamName }));
      } else if (roll < 0.12 && seizures.length > 0) {
        const target = pick(seizures);
        events.push(harness.event('FactRetracted', { eventId: target.id, reason: 'r', notice: 'n' }, { streamName: target.streamName }));
      } else {
        const placeId = pick(places);
        const day = 1 + Math.floor(random() * 28);
        const month = 1 + Math.floor(random() * 12);
        const precision = random() < 0.1 ? 'month' : 'day';
        const date = precision === 'month' ? `2024-${String(month).padStart(2, '0')}` : `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        const event = harness.event(
          'CitySeized',
          {
            placeId,
            factionId: pick(['a', 'b', 'c']),
            ...(random() < 0.3 ? { fromFactionId: pick(['a', 'b', 'c']) } : {}),
            ...(random() < 0.05 ? { confidence: 'disputed' } : {}),
            occurred: { date, precision },
            sources: [{ outlet: 'x' }],
          },
          { streamName: `city-${placeId}` },
        );
        seizures.push(event);
        events.push(event);
      }
    }
    return events;
  }

  it.each([1, 2, 3])('seed %i', async (seed) => {
    const places = [0, 1, 2, 3, 4].map((i) => `replay-${seed}-${i}`);
    const log = randomLog(seed, places);
    const random = prng(seed * 7919);
    for (let i = 0; i < log.length; ) {
      const size = 1 + Math.floor(random() * 40);
      await applyEvents(harness.store, harness.projection, log.slice(i, i + size));
      i += size;
    }
    const model = new TerritoryReadModel(harness.store.db);
    let intervals = 0;
    for (const placeId of places) {
      const expected = computeControlIntervals(await loadSeizures(harness.store.db, placeId)).map(toPeriod);
      expect(await historyOf(model, placeId)).toEqual(expected);
      intervals += expected.length;
      // The asAt path (recomputed from the facts up to the end of the log) agrees with the stored timeline.
      expect(await historyOf(model, placeId, { kind: 'position', position: log[log.length - 1].position })).toEqual(expected);
    }

    expect(intervals).toBeGreaterThan(50);

    // The same log, one event per transaction, into a fresh store: the same rows.
    const replay = await ProjectionHarness.create(new TerritoryControlProjection());
    try {
      for (const event of log) await applyEvents(replay.store, replay.projection, [event]);
      const replayModel = new TerritoryReadModel(replay.store.db);
      for (const placeId of places) expect(await historyOf(replayModel, placeId)).toEqual(await historyOf(model, placeId));
    } finally {
      await replay.dispose();
    }
  });
});
