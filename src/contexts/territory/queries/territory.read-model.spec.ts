import { randomBytes } from 'node:crypto';
import { ProjectionHarness } from '../../../infrastructure/projections/testing/projection-harness.js';
import { TerritoryControlProjection } from '../projections/territory-control.projection.js';
import { TerritoryReadModel } from './territory.read-model.js';

/** The read model's single-statement reads, against the projection's own tables (SQLite, or PostgreSQL when DATABASE_URL is set). */
describe('TerritoryReadModel reads', () => {
  let harness: ProjectionHarness<TerritoryControlProjection>;
  let model: TerritoryReadModel;
  const uid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
  const source = [{ outlet: 'Reuters' }];

  beforeAll(async () => {
    harness = await ProjectionHarness.create(new TerritoryControlProjection());
    model = new TerritoryReadModel(harness.store.db);
  });
  afterAll(() => harness.dispose());

  it('placeKnown: registered, or only named by a seizure; otherwise not', async () => {
    const [registered, namedOnly, unknown] = [uid('reg'), uid('named'), uid('nowhere')];
    await harness.given(
      harness.event('PlaceRegistered', { placeId: registered, name: 'R', country: 'SY' }, { streamName: `city-${registered}` }),
      harness.event('CitySeized', { placeId: namedOnly, factionId: 'hts', occurred: { date: '2024-12-05', precision: 'day' }, sources: source }, { streamName: `city-${namedOnly}` }),
    );
    expect(await model.placeKnown(registered)).toBe(true);
    expect(await model.placeKnown(namedOnly)).toBe(true);
    expect(await model.placeKnown(unknown)).toBe(false);
  });

  it('storedPlace: the stored timeline in order and whether the place is known, also with no timeline', async () => {
    const [placeId, registered] = [uid('hama'), uid('reg')];
    await harness.given(
      harness.event('CitySeized', { placeId, factionId: 'hts', fromFactionId: 'gov', occurred: { date: '2024-12-05', precision: 'day' }, sources: source }, { streamName: `city-${placeId}` }),
      harness.event('CitySeized', { placeId, factionId: 'sdf', occurred: { date: '2025-01', precision: 'month' }, sources: source }, { streamName: `city-${placeId}` }),
      harness.event('PlaceRegistered', { placeId: registered, name: 'R', country: 'SY' }, { streamName: `city-${registered}` }),
    );
    const stored = await model.storedPlace(placeId);
    expect(stored.known).toBe(true);
    expect(stored.intervals.map((interval) => [interval.controller, interval.from, interval.to])).toEqual([
      ['gov', null, '2024-12-05'],
      ['hts', '2024-12-05', '2025-01-01'],
      ['sdf', '2025-01-01', null],
    ]);
    expect(await model.storedPlace(registered)).toEqual({ known: true, intervals: [] });
    expect(await model.storedPlace(uid('nowhere'))).toEqual({ known: false, intervals: [] });
  });
});
