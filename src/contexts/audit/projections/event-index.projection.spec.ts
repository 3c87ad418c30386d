import { randomUUID } from 'node:crypto';
import { ProjectionHarness } from '../../../infrastructure/projections/testing/projection-harness.js';
import { EventIndex, EventIndexProjection, INDEXED_EVENT_TYPES } from './event-index.projection.js';

describe('audit.fact-index.v1 projection (real read store)', () => {
  let harness: ProjectionHarness<EventIndexProjection>;
  beforeAll(async () => {
    harness = await ProjectionHarness.create(new EventIndexProjection());
  });
  afterAll(() => harness.dispose());

  it.each(INDEXED_EVENT_TYPES.filter((type) => type !== 'FactCorrected' && type !== 'FactRetracted'))(
    'indexes a %s by id with its stream, metadata and position; delivered twice = unchanged',
    async (type) => {
      const correlationId = randomUUID();
      const event = harness.event(type, { placeId: 'hama' }, { streamName: `city-${randomUUID()}`, metadata: { correlationId, actor: 'alice', causationId: 'req-1' } });
      await harness.given(event);
      const before = await harness.snapshot();
      await harness.given(event);
      await harness.handleDirectly(event);
      expect(await harness.snapshot()).toEqual(before);
      const row = await EventIndex.find(harness.store.db, event.id);
      expect(row).toMatchObject({ event_id: event.id, stream_name: event.streamName, event_type: type, correlation_id: correlationId, causation_id: 'req-1', actor: 'alice', target_event_id: null });
      expect(String(row?.position)).toBe(event.position.toString());
    },
  );

  it.each(['FactCorrected', 'FactRetracted'])('indexes a %s with the event it amends', async (type) => {
    const target = randomUUID();
    const event = harness.event(type, { eventId: target, reason: 'r', notice: 'n' });
    await harness.given(event);
    expect(await EventIndex.find(harness.store.db, event.id)).toMatchObject({ event_type: type, target_event_id: target });
  });

  it('lists the events of one correlation id in log order', async () => {
    const correlationId = randomUUID();
    const first = harness.event('PlaceRegistered', { placeId: 'a' }, { streamName: 'city-a', metadata: { correlationId } });
    const other = harness.event('PlaceRegistered', { placeId: 'b' }, { streamName: 'city-b' });
    const second = harness.event('CitySeized', { placeId: 'a' }, { streamName: 'city-a', metadata: { correlationId } });
    await harness.given(first, other, second);
    expect((await EventIndex.byCorrelation(harness.store.db, correlationId)).map((row) => row.event_id)).toEqual([first.id, second.id]);
  });

  it('tolerates events without metadata and ignores unknown types', async () => {
    const bare = { ...harness.event('CitySeized', {}), metadata: {} };
    await harness.given(bare);
    expect(await EventIndex.find(harness.store.db, bare.id)).toMatchObject({ correlation_id: null, actor: null });
    const unknown = harness.event('SomethingElse', {});
    await harness.given(unknown);
    expect(await EventIndex.find(harness.store.db, unknown.id)).toBeUndefined();
  });
});
