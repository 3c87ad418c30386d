import type { TestApp } from '../support/test-app.js';
import { command, get } from '../timeline/support.js';
import { audit, day, EDITOR, EDITOR_KEY, freshId, sources, startApp, world } from '../write-side/support.js';

/** GET /admin/audit/explain/...: the answer of the query endpoint and the raw events behind it. */
let app: TestApp;
let ids: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  ids = await world(app);
});
afterAll(() => app.close());

const seize = (factionId: string, date: string, extra: object = {}) =>
  command(app, `/admin/places/${ids.place}/seizures`, { factionId, occurred: day(date), sources, ...extra });
const retract = (eventId: string) => command(app, '/admin/retractions', { eventId, reason: 'Hoax.', notice: 'Withdrawn.' });
const explain = async (path: string) => {
  const response = await audit(app, `/admin/audit/explain/${path}`);
  expect(response.status).toBe(200);
  return response.body as { answer: any; events: any[] };
};

describe('explain territory', () => {
  it('control: the answer of the query and the seizure behind it with its correction, raw, with metadata', async () => {
    const seized = await seize(ids.hts, '2024-12-06', { fromFactionId: ids.government });
    const other = await seize(ids.government, '2016-01-01');
    const correction = await command(app, '/admin/corrections', {
      eventId: seized.eventIds[0],
      changes: { occurred: day('2024-12-05') },
      reason: 'Misdated.',
      notice: 'An earlier version said 6 December.',
    });
    const query = `places/${ids.place}/control?asOf=2024-12-05`;
    const { answer, events } = await explain(`territory/${query}`);
    expect(answer).toEqual((await get(app, `/territory/${query}`)).body);
    expect(answer).toMatchObject({ controller: ids.hts, since: '2024-12-05', sourceEventIds: [seized.eventIds[0]] });
    expect(events.map((event) => [event.eventId, event.type])).toEqual([
      [seized.eventIds[0], 'CitySeized'],
      [correction.eventIds[0], 'FactCorrected'],
    ]);
    expect(events[0]).toMatchObject({
      streamName: `city-${ids.place}`,
      revision: expect.any(String),
      position: seized.position,
      data: { placeId: ids.place, factionId: ids.hts, occurred: day('2024-12-06') },
      metadata: { actor: EDITOR, correlationId: expect.any(String), causationId: expect.any(String), recordedAt: expect.any(String) },
      amendedBy: [correction.eventIds[0]],
    });
    expect(events[1]).toMatchObject({ data: { eventId: seized.eventIds[0], reason: 'Misdated.', notice: 'An earlier version said 6 December.' }, metadata: { actor: EDITOR } });
    expect(events.some((event) => event.eventId === other.eventIds[0])).toBe(false);

    // As known before the correction: the answer and the events as they were then.
    const then = await explain(`territory/places/${ids.place}/control?asOf=2024-12-05&asAt=${seized.position}`);
    expect(then.answer).toMatchObject({ controller: ids.government, sourceEventIds: [seized.eventIds[0]] });
    expect(then.events.map((event) => event.type)).toEqual(['CitySeized']);
  });

  it('history: every interval\'s facts, and a retracted seizure with its retraction', async () => {
    const first = await seize(ids.government, '2016-01-01');
    const retracted = await seize(ids.hts, '2024-11-30');
    const second = await seize(ids.hts, '2024-12-05');
    const retraction = await command(app, '/admin/retractions', { eventId: retracted.eventIds[0], reason: 'Hoax.', notice: 'Withdrawn.' });
    const { answer, events } = await explain(`territory/places/${ids.place}/history`);
    expect(answer).toEqual((await get(app, `/territory/places/${ids.place}/history`)).body);
    expect(events.map((event) => event.eventId)).toEqual([first.eventIds[0], retracted.eventIds[0], second.eventIds[0], retraction.eventIds[0]]);
  });

  it('control map of a faction: every place it held, with the seizures behind each', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const placeId = freshId('aleppo');
    await command(app, '/admin/places', { placeId, name: 'Aleppo', country: 'Syria' });
    const other = await command(app, `/admin/places/${placeId}/seizures`, { factionId: ids.hts, occurred: day('2024-11-30'), sources });
    const query = `control?asOf=2024-12-06&factionId=${ids.hts}`;
    const { answer, events } = await explain(`territory/${query}`);
    expect(answer).toEqual((await get(app, `/territory/${query}`)).body);
    expect(answer.map((entry: any) => entry.placeId).sort()).toEqual([ids.place, placeId].sort());
    expect(events.map((event) => event.eventId)).toEqual([seized.eventIds[0], other.eventIds[0]]);
  });

  it('an unknown place is the query\'s 404 problem', async () => {
    const response = await audit(app, `/admin/audit/explain/territory/places/${freshId('nowhere')}/control`);
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ errors: [{ field: 'placeId' }] });
  });
});

describe('explain leadership', () => {
  it('holder and terms: the term facts behind the answer, with a correction', async () => {
    const assumed = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    const left = await command(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'ousted', occurred: day('2024-12-09'), sources });
    const correction = await command(app, '/admin/corrections', { eventId: left.eventIds[0], changes: { occurred: day('2024-12-08') }, reason: 'Wrong day.', notice: 'Corrected to 8 December.' });

    const holder = await explain(`leadership/offices/${ids.office}/holder?asOf=2010-01-01`);
    expect(holder.answer).toEqual((await get(app, `/leadership/offices/${ids.office}/holder?asOf=2010-01-01`)).body);
    expect(holder.answer).toMatchObject({ holder: ids.president });
    expect(holder.events.map((event) => event.eventId)).toEqual([assumed.eventIds[0], left.eventIds[0], correction.eventIds[0]]);

    const terms = await explain(`leadership/offices/${ids.office}/terms`);
    expect(terms.answer).toEqual((await get(app, `/leadership/offices/${ids.office}/terms`)).body);
    expect(terms.answer).toMatchObject([{ personId: ids.president, start: '2000-07-17', end: '2024-12-08' }]);
    expect(terms.events.map((event) => event.type)).toEqual(['OfficeAssumed', 'OfficeLeft', 'FactCorrected']);
  });
});

describe('explain leadership of a person', () => {
  it('every term the person held, across offices', async () => {
    const assumed = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.person, occurred: day('2024-12-08'), sources });
    const pm = freshId('pm');
    await command(app, '/admin/offices', { officeId: pm, title: 'Prime minister', jurisdiction: 'Syria' });
    const earlier = await command(app, `/admin/offices/${pm}/terms`, { personId: ids.person, acting: true, occurred: day('2017-01-01'), sources });
    const { answer, events } = await explain(`leadership/people/${ids.person}/terms`);
    expect(answer).toEqual((await get(app, `/leadership/people/${ids.person}/terms`)).body);
    expect(events.map((event) => [event.eventId, event.streamName])).toEqual([
      [assumed.eventIds[0], `office-${ids.office}`],
      [earlier.eventIds[0], `office-${pm}`],
    ]);
  });
});

describe('explain timeline', () => {
  it('the filtered timeline and every fact in it, across streams, with corrections', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const statementId = freshId('statement');
    const said = await command(app, '/admin/statements', { statementId, speakerPersonId: ids.person, onBehalfOfFactionId: ids.hts, occurred: day('2024-12-06'), quote: 'Hama is free', sources });
    const correction = await command(app, '/admin/corrections', { eventId: said.eventIds[0], changes: { quote: 'Hama is liberated' }, reason: 'Translation.', notice: 'Quote retranslated.' });
    const { answer, events } = await explain(`timeline?factionId=${ids.hts}`);
    expect(answer).toEqual((await get(app, `/timeline?factionId=${ids.hts}`)).body);
    expect(answer.map((item: any) => item.summary)).toEqual([null, 'Hama is liberated']);
    expect(events.map((event) => [event.eventId, event.streamName])).toEqual([
      [seized.eventIds[0], `city-${ids.place}`],
      [said.eventIds[0], `statement-${statementId}`],
      [correction.eventIds[0], `statement-${statementId}`],
    ]);
  });

  it('bad filters are the query\'s 400 problems', async () => {
    const response = await audit(app, '/admin/audit/explain/timeline?from=2024-13-01');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
  });
});

it('explain needs the auditor role', async () => {
  expect((await audit(app, `/admin/audit/explain/territory/places/${ids.place}/history`, EDITOR_KEY)).status).toBe(403);
});

describe('explain what changed the answer: retractions, on every route', () => {
  it('control after a retraction: the retracted seizure and its retraction; as known before it, the seizure alone', async () => {
    const seized = await seize(ids.hts, '2024-12-06');
    const retraction = await retract(seized.eventIds[0]);
    const query = `places/${ids.place}/control?asOf=2024-12-07`;
    const { answer, events } = await explain(`territory/${query}`);
    expect(answer).toEqual((await get(app, `/territory/${query}`)).body);
    expect(answer).toMatchObject({ controller: null, sourceEventIds: [] });
    expect(events.map((event) => [event.eventId, event.type])).toEqual([
      [seized.eventIds[0], 'CitySeized'],
      [retraction.eventIds[0], 'FactRetracted'],
    ]);

    const then = await explain(`territory/${query}&asAt=${seized.position}`);
    expect(then.answer).toMatchObject({ controller: ids.hts });
    expect(then.events.map((event) => event.eventId)).toEqual([seized.eventIds[0]]);
  });

  it('holder: a retracted term start with its retraction', async () => {
    const assumed = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    const hoax = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.person, acting: true, occurred: day('2010-01-01'), sources });
    const retraction = await retract(hoax.eventIds[0]);
    const { answer, events } = await explain(`leadership/offices/${ids.office}/holder?asOf=2010-06-01`);
    expect(answer).toMatchObject({ holder: ids.president });
    expect(events.map((event) => event.eventId)).toEqual([assumed.eventIds[0], hoax.eventIds[0], retraction.eventIds[0]]);
  });

  it('control map of a faction: a retracted seizure that took a place off its map, with its retraction', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const retraction = await retract(seized.eventIds[0]);
    const query = `control?asOf=2024-12-06&factionId=${ids.hts}`;
    const { answer, events } = await explain(`territory/${query}`);
    expect(answer).toEqual([]);
    expect(events.map((event) => event.eventId)).toEqual([seized.eventIds[0], retraction.eventIds[0]]);
  });

  it("a person's terms: a retracted term in an office the answer no longer names, with its retraction", async () => {
    const assumed = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.person, occurred: day('2024-12-08'), sources });
    const pm = freshId('pm');
    await command(app, '/admin/offices', { officeId: pm, title: 'Prime minister', jurisdiction: 'Syria' });
    const hoax = await command(app, `/admin/offices/${pm}/terms`, { personId: ids.person, occurred: day('2017-01-01'), sources });
    const retraction = await retract(hoax.eventIds[0]);
    const { answer, events } = await explain(`leadership/people/${ids.person}/terms`);
    expect(answer).toMatchObject([{ officeId: ids.office }]);
    expect(answer).toHaveLength(1);
    expect(events.map((event) => [event.eventId, event.streamName])).toEqual([
      [assumed.eventIds[0], `office-${ids.office}`],
      [hoax.eventIds[0], `office-${pm}`],
      [retraction.eventIds[0], `office-${pm}`],
    ]);
  });

  it('timeline: a retracted fact the filter would show, with its retraction', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const statementId = freshId('statement');
    const said = await command(app, '/admin/statements', { statementId, speakerPersonId: ids.person, onBehalfOfFactionId: ids.hts, occurred: day('2024-12-06'), quote: 'Hama is free', sources });
    const retraction = await retract(said.eventIds[0]);
    const { answer, events } = await explain(`timeline?factionId=${ids.hts}`);
    expect(answer.map((item: any) => item.eventId)).toEqual([seized.eventIds[0]]);
    expect(events.map((event) => event.eventId)).toEqual([seized.eventIds[0], said.eventIds[0], retraction.eventIds[0]]);
  });
});

describe('explain a vacancy', () => {
  it('a vacant office: the term whose end began the vacancy, with the departure that ended it', async () => {
    const assumed = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('1971-03-12'), sources });
    const left = await command(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'died', occurred: day('2000-06-10'), sources });
    await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.person, occurred: day('2000-07-17'), sources });
    const query = `offices/${ids.office}/holder?asOf=2000-06-20`;
    const { answer, events } = await explain(`leadership/${query}`);
    expect(answer).toEqual((await get(app, `/leadership/${query}`)).body);
    expect(answer).toMatchObject({ holder: null, since: '2000-06-10' });
    expect(events.map((event) => [event.eventId, event.type])).toEqual([
      [assumed.eventIds[0], 'OfficeAssumed'],
      [left.eventIds[0], 'OfficeLeft'],
    ]);
  });
});

describe('explain control.geojson', () => {
  it('the FeatureCollection of the query and the events behind its features only', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const unmapped = freshId('village');
    await command(app, '/admin/places', { placeId: unmapped, name: 'A village', country: 'Syria' });
    const unmappedSeizure = await command(app, `/admin/places/${unmapped}/seizures`, { factionId: ids.hts, occurred: day('2024-12-01'), sources });
    const query = `control.geojson?asOf=2024-12-06&factionId=${ids.hts}`;
    const { answer, events } = await explain(`territory/${query}`);
    expect(answer).toEqual((await get(app, `/territory/${query}`)).body);
    expect(answer.features.map((feature: any) => feature.id)).toEqual([ids.place]);
    expect(events.map((event) => event.eventId)).toEqual([seized.eventIds[0]]);
    expect(events.some((event) => event.eventId === unmappedSeizure.eventIds[0])).toBe(false);
  });

  it("a faction's retracted seizure explains the GeoJSON map only where the place has coordinates", async () => {
    const mapped = freshId('homs');
    await command(app, '/admin/places', { placeId: mapped, name: 'Homs', country: 'Syria', coordinates: { lat: 34.73, lon: 36.71 } });
    const unmapped = freshId('village');
    await command(app, '/admin/places', { placeId: unmapped, name: 'A village', country: 'Syria' });
    const onMap = await command(app, `/admin/places/${mapped}/seizures`, { factionId: ids.hts, occurred: day('2024-12-01'), sources });
    const offMap = await command(app, `/admin/places/${unmapped}/seizures`, { factionId: ids.hts, occurred: day('2024-12-01'), sources });
    const onMapRetraction = await retract(onMap.eventIds[0]);
    const offMapRetraction = await retract(offMap.eventIds[0]);

    const geojson = await explain(`territory/control.geojson?asOf=2024-12-06&factionId=${ids.hts}`);
    expect(geojson.answer).toEqual({ type: 'FeatureCollection', features: [] });
    expect(geojson.events.map((event) => event.eventId)).toEqual([onMap.eventIds[0], onMapRetraction.eventIds[0]]);

    const map = await explain(`territory/control?asOf=2024-12-06&factionId=${ids.hts}`);
    expect(map.events.map((event) => event.eventId)).toEqual([onMap.eventIds[0], offMap.eventIds[0], onMapRetraction.eventIds[0], offMapRetraction.eventIds[0]]);
  });
});

it('explain control.geojson: bad parameters are the query\'s 400 problems, naming the field', async () => {
  const response = await audit(app, '/admin/audit/explain/territory/control.geojson?asOf=2024-02-30&asAt=soon');
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.errors.map((error: any) => error.field).sort()).toEqual(['asAt', 'asOf']);
});

describe('asAt on the map', () => {
  it('places registered after asAt are not listed, by /territory/control, control.geojson and their explain', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const later = freshId('homs');
    await command(app, '/admin/places', { placeId: later, name: 'Homs', country: 'Syria', coordinates: { lat: 34.73, lon: 36.71 } });
    for (const path of [`control?asOf=2024-12-06&asAt=${seized.position}`, `control.geojson?asOf=2024-12-06&asAt=${seized.position}`]) {
      const body = (await get(app, `/territory/${path}`)).body;
      const placeIds: string[] = Array.isArray(body) ? body.map((entry: any) => entry.placeId) : body.features.map((feature: any) => feature.id);
      expect(placeIds).toContain(ids.place);
      expect(placeIds).not.toContain(later);
      expect((await explain(`territory/${path}`)).answer).toEqual(body);
    }
    const now = (await get(app, '/territory/control?asOf=2024-12-06')).body;
    expect(now.map((entry: any) => entry.placeId)).toContain(later);
  });
});
