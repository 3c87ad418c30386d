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

  it('storedControlOn: the answer of controlOf for a covered day, null for a day no interval covers', async () => {
    const placeId = uid('hama');
    await harness.given(
      harness.event('CitySeized', { placeId, factionId: 'hts', fromFactionId: 'gov', occurred: { date: '2024-12-05', precision: 'day' }, sources: source }, { streamName: `city-${placeId}` }),
      harness.event('CitySeized', { placeId, factionId: 'sdf', occurred: { date: '2025-01', precision: 'month' }, sources: source }, { streamName: `city-${placeId}` }),
    );
    for (const day of ['2024-12-04', '2024-12-05', '2024-12-31', '2025-01-01', '2030-06-15']) {
      expect(await model.storedControlOn(placeId, day)).toEqual(await model.controlOf(placeId, day));
    }
    expect(await model.storedControlOn(uid('nowhere'), '2024-12-05')).toBeNull();
  });
});
