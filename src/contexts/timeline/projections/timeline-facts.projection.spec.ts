import { randomBytes } from 'node:crypto';
import type { ProjectedEvent } from '../../../infrastructure/projections/projection.js';
import { ProjectionHarness } from '../../../infrastructure/projections/testing/projection-harness.js';
import { TimelineReadModel } from '../queries/timeline.read-model.js';
import { TimelineFactsProjection } from './timeline-facts.projection.js';

const sources = [{ outlet: 'Reuters' }];
const uid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const day = (date: string) => ({ date, precision: 'day' });

describe('timeline.facts.v1 projection (real read store)', () => {
  let harness: ProjectionHarness<TimelineFactsProjection>;
  let model: TimelineReadModel;

  beforeAll(async () => {
    harness = await ProjectionHarness.create(new TimelineFactsProjection());
    model = new TimelineReadModel(harness.store.db);
  });
  afterAll(() => harness.dispose());

  const twice = async (event: ProjectedEvent) => {
    const before = await harness.snapshot();
    const [again] = await harness.given(event);
    expect(again.changes).toEqual([]);
    await harness.handleDirectly(event);
    expect(await harness.snapshot()).toEqual(before);
  };

  const facts: Array<[string, (id: string) => Record<string, unknown>, (id: string) => Record<string, string>]> = [
    ['CitySeized', (id) => ({ placeId: id, factionId: 'hts', fromFactionId: 'gov', occurred: day('2024-12-05'), sources, summary: 'HTS took it' }), (id) => ({ placeId: id, factionId: 'hts', fromFactionId: 'gov' })],
    ['StatueToppled', (id) => ({ statueId: id, placeId: 'hama', depictsPersonId: 'hafez', toppledByFactionId: 'hts', occurred: day('2024-12-06'), sources, description: 'down' }), () => ({ placeId: 'hama', personId: 'hafez', factionId: 'hts' })],
    ['StatementIssued', (id) => ({ statementId: id, speakerPersonId: 'jawlani', onBehalfOfFactionId: 'hts', quote: 'We are here', occurred: day('2024-12-07'), sources }), () => ({ personId: 'jawlani', factionId: 'hts' })],
    ['OfficeAssumed', (id) => ({ officeId: id, personId: 'bashar', acting: false, occurred: day('2000-07-17'), sources }), (id) => ({ officeId: id, personId: 'bashar' })],
    ['OfficeLeft', (id) => ({ officeId: id, personId: 'bashar', reason: 'ousted', occurred: day('2024-12-08'), sources }), (id) => ({ officeId: id, personId: 'bashar' })],
  ];

  describe.each(facts)('%s', (type, body, keys) => {
    it('is stored and shown with its ids, sources and change keys', async () => {
      const id = uid('x');
      const event = harness.event(type, body(id), { streamName: `s-${id}` });
      const [result] = await harness.given(event);
      expect(result.changes.map((change) => change.keys)).toEqual([keys(id)]);
      const [item] = (await model.timeline()).filter((entry) => entry.eventId === event.id);
      expect(item).toMatchObject({ type, streamName: `s-${id}`, sources, position: event.position.toString(), recordedAt: event.recordedAt, corrections: [], retracted: false, data: body(id) });
    });

    it('delivered twice = unchanged', async () => {
      const id = uid('x');
      const event = harness.event(type, body(id), { streamName: `s-${id}` });
      await harness.given(event);
      await twice(event);
    });
  });

  describe('FactCorrected', () => {
    it('applies the changes and attaches the notice with the actor', async () => {
      const placeId = uid('hama');
      const seizure = harness.event('CitySeized', facts[0][1](placeId), { streamName: `city-${placeId}` });
      const correction = harness.event(
        'FactCorrected',
        { eventId: seizure.id, factType: 'CitySeized', changes: { occurred: day('2024-12-04') }, reason: 'wrong day', notice: 'An earlier version gave 5 December.' },
        { streamName: `city-${placeId}`, metadata: { actor: 'editor-7' } },
      );
      const [, result] = await harness.given(seizure, correction);
      expect(result.changes.map((change) => change.keys)).toEqual([{ placeId, factionId: 'hts', fromFactionId: 'gov' }]);
      const [item] = await model.timeline({ placeId });
      expect(item).toMatchObject({ effectiveDate: '2024-12-04', occurred: day('2024-12-04') });
      expect(item.corrections).toEqual([{ eventId: correction.id, notice: 'An earlier version gave 5 December.', reason: 'wrong day', actor: 'editor-7', recordedAt: correction.recordedAt }]);
      // As known before the correction.
      expect((await model.timeline({ placeId }, { kind: 'position', position: seizure.position }))[0]).toMatchObject({ effectiveDate: '2024-12-05', corrections: [] });
      expect((await model.timeline({ placeId }, { kind: 'time', recordedAt: seizure.recordedAt }))[0]).toMatchObject({ effectiveDate: '2024-12-05' });
    });

    it('delivered twice = unchanged', async () => {
      const placeId = uid('hama');
      const seizure = harness.event('CitySeized', facts[0][1](placeId), { streamName: `city-${placeId}` });
      const correction = harness.event('FactCorrected', { eventId: seizure.id, changes: { summary: 'x' }, reason: 'r', notice: 'n' }, { streamName: `city-${placeId}` });
      await harness.given(seizure, correction);
      await twice(correction);
    });

    it('ignores a correction of something it does not hold (reference data)', async () => {
      const correction = harness.event('FactCorrected', { eventId: uid('unknown'), changes: { name: 'x' }, reason: 'r', notice: 'n' });
      const [result] = await harness.given(correction);
      expect(result.changes).toEqual([]);
    });
  });

  describe('FactRetracted', () => {
    it('hides the fact, or shows it marked when asked', async () => {
      const placeId = uid('hama');
      const seizure = harness.event('CitySeized', facts[0][1](placeId), { streamName: `city-${placeId}` });
      const retraction = harness.event('FactRetracted', { eventId: seizure.id, reason: 'hoax', notice: 'Withdrawn.' }, { streamName: `city-${placeId}` });
      await harness.given(seizure, retraction);
      expect(await model.timeline({ placeId })).toEqual([]);
      expect(await model.timeline({ placeId, includeRetracted: true })).toEqual([
        expect.objectContaining({ eventId: seizure.id, retracted: true, retraction: expect.objectContaining({ eventId: retraction.id, notice: 'Withdrawn.', reason: 'hoax' }) }),
      ]);
    });

    it('delivered twice = unchanged', async () => {
      const placeId = uid('hama');
      const seizure = harness.event('CitySeized', facts[0][1](placeId), { streamName: `city-${placeId}` });
      const retraction = harness.event('FactRetracted', { eventId: seizure.id, reason: 'hoax', notice: 'Withdrawn.' }, { streamName: `city-${placeId}` });
      await harness.given(seizure, retraction);
      await twice(retraction);
    });
  });

  it('ignores event types it does not know', async () => {
    const [result] = await harness.given(harness.event('PlaceRegistered', { placeId: uid('p'), name: 'P', country: 'SY' }));
    expect(result.changes).toEqual([]);
  });
});
