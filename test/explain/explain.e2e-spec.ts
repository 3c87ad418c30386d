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
