import { randomBytes } from 'node:crypto';
import { ProjectionHarness } from '../../../infrastructure/projections/testing/projection-harness.js';
import { computeControlIntervals } from '../domain/control.js';
import type { AsAt } from '../../../infrastructure/projections/as-at.js';
import { TerritoryReadModel, toControl, toPeriod } from '../queries/territory.read-model.js';
import { loadSeizures } from './territory-facts.js';
import { TerritoryControlProjection } from './territory-control.projection.js';

const source = [{ outlet: 'Reuters', url: 'https://example.org/hama' }];
const uid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('territory.control.v1 projection (real read store)', () => {
  let harness: ProjectionHarness<TerritoryControlProjection>;
  let model: TerritoryReadModel;

  beforeAll(async () => {
    harness = await ProjectionHarness.create(new TerritoryControlProjection());
    model = new TerritoryReadModel(harness.store.db);
  });
  afterAll(() => harness.dispose());

  // The answers as the query handlers make them from the model's timeline.
  const controlOf = async (placeId: string, day: string, asAt?: AsAt) => toControl(placeId, await model.intervals(placeId, asAt), day);
  const history = async (placeId: string, asAt?: AsAt) => (await model.intervals(placeId, asAt)).map(toPeriod);

  const registered = (placeId: string, extra: object = {}) =>
    harness.event('PlaceRegistered', { placeId, name: 'Hama', country: 'SY', kind: 'city', coordinates: { lat: 35.13, lon: 36.75 }, ...extra }, { streamName: `city-${placeId}` });
  const seized = (placeId: string, factionId: string, date: string, extra: object = {}) =>
    harness.event('CitySeized', { placeId, factionId, occurred: { date, precision: 'day' }, sources: source, ...extra }, { streamName: `city-${placeId}` });

  describe('PlaceRegistered', () => {
    it('stores the place with its coordinates', async () => {
      const placeId = uid('hama');
      await harness.given(registered(placeId));
      expect(await model.place(placeId)).toEqual({ placeId, name: 'Hama', country: 'SY', kind: 'city', coordinates: { lat: 35.13, lon: 36.75 } });
      expect(await controlOf(placeId, '2024-12-01')).toMatchObject({ placeId, controller: null, since: null, disputed: false, sourceEventIds: [] });
    });

    it('delivered twice = unchanged', async () => {
      const event = registered(uid('hama'));
      await harness.given(event);
      const before = await harness.snapshot();
      await harness.given(event);
      await harness.handleDirectly(event);
      expect(await harness.snapshot()).toEqual(before);
    });
  });

  describe('FactionRegistered', () => {
    it('delivered twice = unchanged', async () => {
      const event = harness.event('FactionRegistered', { factionId: uid('hts'), name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] });
      const [first] = await harness.given(event);
      expect(first.changes.map((c) => c.keys)).toEqual([{ factionId: (event.data as { factionId: string }).factionId }]);
      const before = await harness.snapshot();
      await harness.given(event);
      await harness.handleDirectly(event);
      expect(await harness.snapshot()).toEqual(before);
    });
  });

  describe('CitySeized', () => {
    it('builds the timeline, with the fromFaction in control before the first seizure', async () => {
      const placeId = uid('hama');
      const registration = registered(placeId);
      const seizure = seized(placeId, 'hts', '2024-12-05', { fromFactionId: 'syrian-government' });
      const [, result] = await harness.given(registration, seizure);
      expect(result.changes).toEqual([
        expect.objectContaining({ projection: 'territory.control.v1', eventType: 'CitySeized', eventId: seizure.id, keys: { placeId, factionId: 'hts', fromFactionId: 'syrian-government' }, position: seizure.position.toString() }),
      ]);
      expect(await history(placeId)).toEqual([
        { controller: 'syrian-government', from: null, to: '2024-12-05', disputed: false, contenders: ['syrian-government'], sourceEventIds: [seizure.id], approximate: false },
        { controller: 'hts', from: '2024-12-05', to: null, disputed: false, contenders: ['hts'], sourceEventIds: [seizure.id], approximate: false },
      ]);
      expect(await controlOf(placeId, '2024-12-04')).toMatchObject({ controller: 'syrian-government', since: null, until: '2024-12-05' });
      expect(await controlOf(placeId, '2024-12-05')).toMatchObject({ controller: 'hts', since: '2024-12-05', until: null, sourceEventIds: [seizure.id] });
    });

    it('puts a late report of an earlier seizure in valid-time order', async () => {
      const placeId = uid('aleppo');
      const late = seized(placeId, 'hts', '2024-11-29');
      const early = seized(placeId, 'syrian-government', '2016-12-22');
      await harness.given(late, early);
      expect((await history(placeId)).map((p) => [p.controller, p.from, p.to])).toEqual([
        ['syrian-government', '2016-12-22', '2024-11-29'],
        ['hts', '2024-11-29', null],
      ]);
    });

    it('marks two factions taking the place on the same day as disputed, keeping both sources', async () => {
      const placeId = uid('hama');
      const a = seized(placeId, 'hts', '2024-12-05');
      const b = seized(placeId, 'sna', '2024-12-05');
      await harness.given(a, b);
      expect(await controlOf(placeId, '2024-12-06')).toMatchObject({
        controller: 'sna',
        disputed: true,
        contenders: ['hts', 'sna'],
        sourceEventIds: [a.id, b.id],
      });
    });

    it('rewrites the intervals an earlier-starting overlapping report recorded later disputes, as a recomputation from scratch would', async () => {
      const placeId = uid('homs');
      const stream = { streamName: `city-${placeId}` };
      const seizedIn = (factionId: string, date: string, precision: 'month' | 'year', extra: object = {}) =>
        harness.event('CitySeized', { placeId, factionId, occurred: { date, precision }, sources: source, ...extra }, stream);
      const fromScratch = async () => computeControlIntervals(await loadSeizures(harness.store.db, placeId)).map(toPeriod);
      const brief = async () => (await history(placeId)).map((p) => [p.controller, p.from, p.to, p.disputed, p.contenders, p.sourceEventIds]);

      // B's day report first; A's month report (starting earlier) recorded after it; then C's year report.
      const b = seized(placeId, 'b', '2012-07-15');
      const a = seizedIn('a', '2012-07', 'month');
      const c = seizedIn('c', '2012', 'year');
      const correction = harness.event('FactCorrected', { eventId: b.id, changes: { fromFactionId: 'a' }, reason: 'r', notice: 'B took it from A.' }, stream);
      const retraction = harness.event('FactRetracted', { eventId: c.id, reason: 'r', notice: 'n' }, stream);
      const steps = [b, a, c, correction, retraction];
      for (const step of steps) {
        await harness.given(step);
        expect(await history(placeId)).toEqual(await fromScratch());
        expect(await history(placeId, { kind: 'position', position: step.position })).toEqual(await history(placeId));
      }
      expect(await brief()).toEqual([
        ['a', '2012-07-01', '2012-07-15', false, ['a'], [a.id]],
        ['b', '2012-07-15', null, false, ['b'], [b.id]],
      ]);
      // As known after C's year report: A's interval disputed with C, B's with A and C; the first one, C's, not.
      expect((await history(placeId, { kind: 'position', position: c.position })).map((p) => [p.controller, p.from, p.disputed, p.contenders, p.sourceEventIds])).toEqual([
        ['c', '2012-01-01', false, ['c'], [c.id]],
        ['a', '2012-07-01', true, ['a', 'c'], [a.id, c.id]],
        ['b', '2012-07-15', true, ['a', 'b', 'c'], [b.id, a.id, c.id]],
      ]);
      // After the correction (B took it from A), B's interval is disputed with C only.
      expect((await history(placeId, { kind: 'position', position: correction.position }))[2]).toMatchObject({ disputed: true, contenders: ['b', 'c'], sourceEventIds: [b.id, c.id] });

      // A month report recorded after a later day report inside that month: the interval before it ends earlier, the later one is disputed.
      const other = uid('homs');
      const otherStream = { streamName: `city-${other}` };
      await harness.given(seized(other, 'a', '2012-01-01'), seized(other, 'b', '2012-03-01'));
      const late = seized(other, 'c', '2012-05-10');
      await harness.given(late);
      const month = harness.event('CitySeized', { placeId: other, factionId: 'd', occurred: { date: '2012-05', precision: 'month' }, sources: source }, otherStream);
      await harness.given(month);
      expect((await history(other)).map((p) => [p.controller, p.from, p.to, p.disputed, p.sourceEventIds.length])).toEqual([
        ['a', '2012-01-01', '2012-03-01', false, 1],
        ['b', '2012-03-01', '2012-05-01', false, 1],
        ['d', '2012-05-01', '2012-05-10', false, 1],
        ['c', '2012-05-10', null, true, 2],
      ]);
      expect(await history(other)).toEqual(computeControlIntervals(await loadSeizures(harness.store.db, other)).map(toPeriod));
    });

    it('delivered twice = unchanged (through the checkpoint and straight to the handler)', async () => {
      const placeId = uid('hama');
      const first = seized(placeId, 'syrian-government', '2012-01-01');
      const second = seized(placeId, 'hts', '2024-12-05', { fromFactionId: 'syrian-government' });
      await harness.given(first, second);
      const before = await harness.snapshot();
      const [again] = await harness.given(second);
      expect(again).toMatchObject({ advancedBy: 0, changes: [] });
      await harness.handleDirectly(first);
      await harness.handleDirectly(second);
      expect(await harness.snapshot()).toEqual(before);
    });

    it('answers as known at a log position or a recorded time (asAt)', async () => {
      const placeId = uid('hama');
      const first = seized(placeId, 'syrian-government', '2012-01-01');
      const second = seized(placeId, 'hts', '2024-12-05');
      await harness.given(first, second);
      const beforeSecond = { kind: 'position', position: second.position - 1n } as const;
      expect(await controlOf(placeId, '2024-12-06', beforeSecond)).toMatchObject({ controller: 'syrian-government' });
      expect(await history(placeId, { kind: 'position', position: second.position })).toHaveLength(2);
      expect(await controlOf(placeId, '2024-12-06', { kind: 'time', recordedAt: first.recordedAt })).toMatchObject({ controller: 'syrian-government' });
      expect(await controlOf(placeId, '2024-12-06', { kind: 'time', recordedAt: second.recordedAt })).toMatchObject({ controller: 'hts' });
      expect(await history(placeId, { kind: 'position', position: 0n })).toEqual([]);
    });

    it('ignores a malformed recorded event instead of failing', async () => {
      const event = harness.event('CitySeized', { factionId: 'hts' });
      const [result] = await harness.given(event);
      expect(result).toMatchObject({ advancedBy: 1, changes: [] });
    });
  });

  describe('GET /territory/control data', () => {
    it('lists every place on a day and filters by faction', async () => {
      const [p1, p2] = [uid('a'), uid('b')];
      const registration = registered(p1);
      await harness.given(registration, registered(p2), seized(p1, 'hts', '2024-12-05'), seized(p2, 'syrian-government', '2020-01-01'));
      const all = await model.controlOfAll('2024-12-06');
      expect(all.find((e) => e.placeId === p1)).toMatchObject({ controller: 'hts', name: 'Hama', coordinates: { lat: 35.13, lon: 36.75 } });
      expect(all.find((e) => e.placeId === p2)).toMatchObject({ controller: 'syrian-government' });
      const hts = await model.controlOfAll('2024-12-06', { factionId: 'hts' });
      expect(hts.map((e) => e.placeId)).toContain(p1);
      expect(hts.map((e) => e.placeId)).not.toContain(p2);
      expect((await model.controlOfAll('2024-12-04')).find((e) => e.placeId === p1)).toMatchObject({ controller: null });
      // As known when the place was registered: listed, nothing known about its control yet.
      const registeredOnly = await model.controlOfAll('2024-12-06', { asAt: { kind: 'position', position: registration.position } });
      expect(registeredOnly.find((e) => e.placeId === p1)).toMatchObject({ controller: null, name: 'Hama' });
      // Before its registration was recorded, the place is not on the map at all.
      const before = await model.controlOfAll('2024-12-06', { asAt: { kind: 'position', position: 0n } });
      expect(before.find((e) => e.placeId === p1)).toBeUndefined();
    });
  });

  describe('FactCorrected', () => {
    it('moves a seizure to its corrected date; asAt before the correction still shows the original', async () => {
      const placeId = uid('hama');
      const seizure = seized(placeId, 'hts', '2024-12-06');
      const correction = harness.event('FactCorrected', { eventId: seizure.id, changes: { occurred: { date: '2024-12-05', precision: 'day' } }, reason: 'wrong day', notice: 'Hama fell on 5 December.' }, { streamName: `city-${placeId}` });
      await harness.given(seizure, correction);
      expect(await controlOf(placeId, '2024-12-05')).toMatchObject({ controller: 'hts', since: '2024-12-05' });
      expect(await controlOf(placeId, '2024-12-05', { kind: 'position', position: seizure.position })).toMatchObject({ controller: null });
    });

    it('delivered twice = unchanged', async () => {
      const placeId = uid('hama');
      const seizure = seized(placeId, 'hts', '2024-12-06');
      const correction = harness.event('FactCorrected', { eventId: seizure.id, changes: { factionId: 'sna' }, reason: 'misattributed', notice: 'It was the SNA.' });
      await harness.given(seizure, correction);
      expect(await controlOf(placeId, '2024-12-07')).toMatchObject({ controller: 'sna' });
      const before = await harness.snapshot();
      await harness.given(correction);
      await harness.handleDirectly(correction);
      expect(await harness.snapshot()).toEqual(before);
    });

    it('corrects a place registration in place', async () => {
      const placeId = uid('hama');
      const registration = registered(placeId);
      await harness.given(registration, harness.event('FactCorrected', { eventId: registration.id, changes: { coordinates: { lat: 35.2, lon: 36.8 } }, reason: 'r', notice: 'n' }));
      expect(await model.place(placeId)).toMatchObject({ coordinates: { lat: 35.2, lon: 36.8 } });
    });

    it('ignores a correction of a fact this model does not hold', async () => {
      const [result] = await harness.given(harness.event('FactCorrected', { eventId: 'no-such-event', changes: {}, reason: 'r', notice: 'n' }));
      expect(result).toMatchObject({ advancedBy: 1, changes: [] });
    });
  });

  describe('FactRetracted', () => {
    it('withdraws a seizure from the timeline; delivered twice = unchanged', async () => {
      const placeId = uid('hama');
      const kept = seized(placeId, 'syrian-government', '2012-01-01');
      const withdrawn = seized(placeId, 'hts', '2024-12-01');
      const retraction = harness.event('FactRetracted', { eventId: withdrawn.id, reason: 'hoax', notice: 'Hama did not fall on 1 December.' });
      await harness.given(kept, withdrawn, retraction);
      expect(await history(placeId)).toEqual([expect.objectContaining({ controller: 'syrian-government', to: null })]);
      expect(await controlOf(placeId, '2024-12-02', { kind: 'position', position: withdrawn.position })).toMatchObject({ controller: 'hts' });
      const before = await harness.snapshot();
      await harness.given(retraction);
      await harness.handleDirectly(retraction);
      expect(await harness.snapshot()).toEqual(before);
    });
  });

  it('ignores event types it does not handle', async () => {
    const event = harness.event('StatueToppled', { statueId: 's', placeId: uid('hama') });
    const before = await harness.snapshot();
    const [result] = await harness.given(event);
    expect(result).toMatchObject({ advancedBy: 1, changes: [] });
    expect(await harness.handleDirectly(event)).toBeUndefined();
    expect(await harness.snapshot()).toEqual(before);
  });
});
