import { OfficeTermsCache } from '../../src/contexts/leadership/queries/office-terms.cache.js';
import { PlaceTimelineCache } from '../../src/contexts/territory/queries/place-timeline.cache.js';
import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import type { ReadDb } from '../../src/infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../../src/infrastructure/read-store/read-store.tokens.js';
import type { TestApp } from '../support/test-app.js';
import { command, get } from '../timeline/support.js';
import { AUDITOR_KEY, day, freshId, post, sources, startApp, world } from '../write-side/support.js';

/**
 * Current answers about a place (control, history) and an office (holder, terms, vacancies) come from the API's read
 * caches (PlaceTimelineCache, OfficeTermsCache) when the read store is SQLite: every change of the model, a rebuild
 * and a projection-thread restart must show at once in the answers, exactly as the store holds them. Warm a cache by
 * asking first, then change, then ask again: a cache that missed the change would answer what it kept.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof world>>;

beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  ids = await world(app);
  await app.app.get(ProjectionRunner).waitForHead();
});
afterAll(() => app.close());

const controlOn = async (date: string, place = ids.place) => (await get(app, `/territory/places/${place}/control?asOf=${date}`)).body.controller;
const historyOf = async (place = ids.place) => (await get(app, `/territory/places/${place}/history`)).body.map((period: any) => [period.controller, period.from]);

/** Writes the stored timeline behind the projection's back, as a faulty projection or a lost change would leave it. */
const overwriteStoredController = (controller: string) =>
  app.app.get<symbol, ReadDb>(READ_DB).updateTable('territory_control_intervals').set({ controller }).where('place_id', '=', ids.place).execute();

describe('the place cache', () => {
  it('is on with the SQLite read store (which only this process writes), off with PostgreSQL', () => {
    expect(app.app.get(PlaceTimelineCache).enabled).toBe(!process.env.DATABASE_URL);
  });

  it('answers a new seizure, a correction and a retraction as soon as they are projected', async () => {
    expect(await controlOn('2024-12-06')).toBeNull();
    expect(await historyOf()).toEqual([]);
    const seized = await command(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.hts, fromFactionId: ids.government, occurred: day('2024-12-06'), sources });
    expect(await controlOn('2024-12-06')).toBe(ids.hts);
    expect(await controlOn('2024-12-05')).toBe(ids.government);
    expect(await historyOf()).toEqual([[ids.government, null], [ids.hts, '2024-12-06']]);
    await command(app, '/admin/corrections', { eventId: seized.eventIds[0], changes: { occurred: day('2024-12-05') }, reason: 'r', notice: 'n' });
    expect(await controlOn('2024-12-05')).toBe(ids.hts);
    expect(await historyOf()).toEqual([[ids.government, null], [ids.hts, '2024-12-05']]);
    await command(app, '/admin/retractions', { eventId: seized.eventIds[0], reason: 'premature', notice: 'withdrawn' });
    expect(await controlOn('2024-12-06')).toBeNull();
    expect(await historyOf()).toEqual([]);
  });

  it('answers 404 for a place not known yet, and 200 once it is registered', async () => {
    const place = freshId('homs');
    expect((await get(app, `/territory/places/${place}/control?asOf=2024-12-06`)).status).toBe(404);
    expect((await get(app, `/territory/places/${place}/history`)).status).toBe(404);
    const registered = await post(app, '/admin/places', { placeId: place, name: 'Homs', country: 'Syria' });
    await app.app.get(ProjectionRunner).waitFor(registered.body.position);
    expect(await get(app, `/territory/places/${place}/control?asOf=2024-12-06`)).toMatchObject({ status: 200, body: { placeId: place, controller: null } });
    expect(await get(app, `/territory/places/${place}/history`)).toMatchObject({ status: 200, body: [] });
  });

  it.each(['copy', 'in-place'])('answers what a rebuild (mode %s) wrote, not what was kept before it', async (mode) => {
    await command(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.hts, occurred: day('2024-12-06'), sources });
    // A timeline no fact supports, under a place no event names: replaying the log announces no change of it.
    const ghost = freshId('ghost');
    await app.app.get<symbol, ReadDb>(READ_DB).updateTable('territory_control_intervals').set({ place_id: ghost }).where('place_id', '=', ids.place).execute();
    expect(await controlOn('2024-12-06', ghost)).toBe(ids.hts);
    const rebuilt = await fetch(`${app.baseUrl}/admin/projections/territory.control.v1/rebuild?wait=true&mode=${mode}`, { method: 'POST', headers: { 'x-api-key': AUDITOR_KEY } });
    expect(rebuilt.status).toBe(200);
    expect((await get(app, `/territory/places/${ghost}/control?asOf=2024-12-06`)).status).toBe(404);
    expect((await get(app, `/territory/places/${ghost}/history`)).status).toBe(404);
    expect(await controlOn('2024-12-06')).toBe(ids.hts);
    expect(await historyOf()).toEqual([[ids.hts, '2024-12-06']]);
  });

  it('answers what the store holds once the projection thread restarted (it may have died before announcing a change)', async () => {
    const runner = app.app.get(ProjectionRunner) as unknown as { thread?: { terminate(): Promise<number> }; statusSnapshot(): Array<{ state: string }> };
    await command(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.hts, occurred: day('2024-12-06'), sources });
    await overwriteStoredController('wrong');
    expect(await controlOn('2024-12-06')).toBe('wrong');
    await overwriteStoredController(ids.hts); // committed, never announced
    await runner.thread!.terminate();
    const deadline = Date.now() + 15_000;
    while (!runner.statusSnapshot().every((status) => status.state === 'live') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await controlOn('2024-12-06')).toBe(ids.hts);
    expect(await historyOf()).toEqual([[ids.hts, '2024-12-06']]);
  });
});

describe('the office cache', () => {
  const holderOn = async (date: string, office = ids.office) => (await get(app, `/leadership/offices/${office}/holder?asOf=${date}`)).body.holder;
  const termsOf = async () => (await get(app, `/leadership/offices/${ids.office}/terms`)).body.map((term: any) => [term.personId, term.start, term.end]);
  const vacanciesOf = async () => (await get(app, `/leadership/offices/${ids.office}/vacancies`)).body;
  const rebuild = (mode: string) =>
    fetch(`${app.baseUrl}/admin/projections/leadership.terms.v3/rebuild?wait=true&mode=${mode}`, { method: 'POST', headers: { 'x-api-key': AUDITOR_KEY } });

  it('is on with the SQLite read store, off with PostgreSQL', () => {
    expect(app.app.get(OfficeTermsCache).enabled).toBe(!process.env.DATABASE_URL);
  });

  it('answers a new term, a departure, its correction and its retraction as soon as they are projected', async () => {
    expect(await holderOn('2001-01-01')).toBeNull();
    expect(await termsOf()).toEqual([]);
    expect(await vacanciesOf()).toEqual([]);
    await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    expect(await holderOn('2001-01-01')).toBe(ids.president);
    const left = await command(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'ousted', occurred: day('2024-12-08'), sources });
    expect(await holderOn('2024-12-09')).toBeNull();
    expect(await vacanciesOf()).toEqual([{ from: '2024-12-08', to: null }]);
    await command(app, '/admin/corrections', { eventId: left.eventIds[0], changes: { occurred: day('2024-12-07') }, reason: 'r', notice: 'n' });
    expect(await termsOf()).toEqual([[ids.president, '2000-07-17', '2024-12-07']]);
    await command(app, '/admin/retractions', { eventId: left.eventIds[0], reason: 'premature', notice: 'withdrawn' });
    expect(await holderOn('2025-01-01')).toBe(ids.president);
    expect(await vacanciesOf()).toEqual([]);
  });

  it('answers 404 for an office not established yet, and 200 once it is', async () => {
    const office = freshId('office');
    expect((await get(app, `/leadership/offices/${office}/holder?asOf=2024-12-06`)).status).toBe(404);
    expect((await get(app, `/leadership/offices/${office}/terms`)).status).toBe(404);
    expect((await get(app, `/leadership/offices/${office}/vacancies`)).status).toBe(404);
    const established = await post(app, '/admin/offices', { officeId: office, title: 'Emir', jurisdiction: 'X' });
    await app.app.get(ProjectionRunner).waitFor(established.body.position);
    expect(await get(app, `/leadership/offices/${office}/holder?asOf=2024-12-06`)).toMatchObject({ status: 200, body: { officeId: office, holder: null } });
    expect(await get(app, `/leadership/offices/${office}/terms`)).toMatchObject({ status: 200, body: [] });
  });

  it.each(['copy', 'in-place'])('answers what a rebuild (mode %s) wrote, not what was kept before it', async (mode) => {
    await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    // Terms no fact supports, under an office no event names: replaying the log announces no change of it.
    const ghost = freshId('ghost');
    await app.app.get<symbol, ReadDb>(READ_DB).updateTable('leadership_terms').set({ office_id: ghost }).where('office_id', '=', ids.office).execute();
    expect(await holderOn('2001-01-01', ghost)).toBe(ids.president);
    expect((await rebuild(mode)).status).toBe(200);
    expect((await get(app, `/leadership/offices/${ghost}/holder?asOf=2001-01-01`)).status).toBe(404);
    expect(await holderOn('2001-01-01')).toBe(ids.president);
  });
});

describe('the place cache with the projections in the API thread (PROJECTIONS_THREAD=main)', () => {
  let inline: TestApp;
  beforeAll(async () => {
    inline = await startApp({ PROJECTIONS_THREAD: 'main' });
  });
  afterAll(() => inline.close());

  it('answers a new seizure and a retraction as soon as they are projected', async () => {
    const of = await world(inline);
    await inline.app.get(ProjectionRunner).waitForHead();
    const controller = async () => (await get(inline, `/territory/places/${of.place}/control?asOf=2024-12-06`)).body.controller;
    expect(await controller()).toBeNull();
    const seized = await command(inline, `/admin/places/${of.place}/seizures`, { factionId: of.hts, occurred: day('2024-12-06'), sources });
    expect(await controller()).toBe(of.hts);
    await command(inline, '/admin/retractions', { eventId: seized.eventIds[0], reason: 'premature', notice: 'withdrawn' });
    expect(await controller()).toBeNull();
  });
});
