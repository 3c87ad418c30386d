import type { TestApp } from '../support/test-app.js';
import { day, EDITOR, EDITOR_KEY, freshId, sources, startApp, world } from '../write-side/support.js';
import { command, get } from './support.js';

/** GET /timeline over HTTP on the embedded store: order, corrections, retractions, filters, asAt, errors, live. */
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
const timeline = async (query: string) => {
  const response = await get(app, `/timeline?${query}`);
  expect(response.status).toBe(200);
  return response.body as any[];
};

describe('GET /timeline', () => {
  it('puts out-of-order reports in valid-time order, approximate dates first on the first day they cover', async () => {
    const statueId = freshId('statue');
    const toppled = await command(app, `/admin/statues/${statueId}/toppling`, {
      placeId: ids.place,
      depictsPersonId: ids.president,
      toppledByFactionId: ids.hts,
      occurred: day('2024-12-06'),
      sources,
      description: 'Statue of Hafez al-Assad pulled down',
    });
    const seized = await seize(ids.hts, '2024-12-05', { fromFactionId: ids.government, summary: 'HTS enters Hama' });
    const statementId = freshId('statement');
    const said = await command(app, '/admin/statements', {
      statementId,
      speakerPersonId: ids.person,
      onBehalfOfFactionId: ids.hts,
      occurred: { date: '2024-12', precision: 'month' },
      quote: 'We will take Hama',
      sources,
    });
    const body = await timeline(`factionId=${ids.hts}`);
    expect(body.map((item) => item.eventId)).toEqual([said.eventIds[0], seized.eventIds[0], toppled.eventIds[0]]);
    expect(body[0]).toMatchObject({ type: 'StatementIssued', effectiveDate: '2024-12-01', approximate: true, summary: 'We will take Hama', speakerPersonId: ids.person, onBehalfOfFactionId: ids.hts, streamName: `statement-${statementId}` });
    expect(body[1]).toMatchObject({
      type: 'CitySeized',
      streamName: `city-${ids.place}`,
      occurred: day('2024-12-05'),
      effectiveDate: '2024-12-05',
      approximate: false,
      summary: 'HTS enters Hama',
      placeId: ids.place,
      factionId: ids.hts,
      fromFactionId: ids.government,
      sources,
      confidence: null,
      disputed: false,
      corrections: [],
      retracted: false,
      recordedAt: expect.any(String),
      position: seized.position,
    });
    expect(body[2]).toMatchObject({ type: 'StatueToppled', depictsPersonId: ids.president, toppledByFactionId: ids.hts, summary: 'Statue of Hafez al-Assad pulled down' });
  });

  it('applies a correction: the fact moves and carries its notice; asAt before the correction shows it as first reported', async () => {
    const early = await seize(ids.government, '2024-11-01');
    const seized = await seize(ids.hts, '2024-12-05');
    const beforeCorrection = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const correction = await command(app, '/admin/corrections', {
      eventId: seized.eventIds[0],
      changes: { occurred: day('2024-10-20') },
      reason: 'The first source misdated it.',
      notice: 'An earlier version of this report said 5 December.',
    });
    const now = await timeline(`placeId=${ids.place}`);
    expect(now.map((item) => [item.eventId, item.effectiveDate])).toEqual([
      [seized.eventIds[0], '2024-10-20'],
      [early.eventIds[0], '2024-11-01'],
    ]);
    expect(now[0].corrections).toEqual([
      { eventId: correction.eventIds[0], notice: 'An earlier version of this report said 5 December.', reason: 'The first source misdated it.', actor: EDITOR, recordedAt: expect.any(String) },
    ]);

    for (const asAt of [seized.position, encodeURIComponent(beforeCorrection)]) {
      const then = await timeline(`placeId=${ids.place}&asAt=${asAt}`);
      expect(then.map((item) => [item.eventId, item.effectiveDate, item.corrections.length])).toEqual([
        [early.eventIds[0], '2024-11-01', 0],
        [seized.eventIds[0], '2024-12-05', 0],
      ]);
    }
    const atEarly = await timeline(`placeId=${ids.place}&asAt=${early.position}`);
    expect(atEarly.map((item) => item.eventId)).toEqual([early.eventIds[0]]);
    const afterCorrection = await timeline(`placeId=${ids.place}&asAt=${correction.position}`);
    expect(afterCorrection[0]).toMatchObject({ eventId: seized.eventIds[0], effectiveDate: '2024-10-20' });
  });

  it('leaves a retracted fact out, or shows it marked with its notice when includeRetracted=true', async () => {
    const seized = await seize(ids.hts, '2024-12-05');
    const kept = await seize(ids.hts, '2024-12-07');
    const retraction = await command(app, '/admin/retractions', { eventId: seized.eventIds[0], reason: 'Hoax.', notice: 'We withdrew this report.' });
    expect((await timeline(`placeId=${ids.place}`)).map((item) => item.eventId)).toEqual([kept.eventIds[0]]);
    const withRetracted = await timeline(`placeId=${ids.place}&includeRetracted=true`);
    expect(withRetracted.map((item) => [item.eventId, item.retracted])).toEqual([
      [seized.eventIds[0], true],
      [kept.eventIds[0], false],
    ]);
    expect(withRetracted[0].retraction).toEqual({ eventId: retraction.eventIds[0], notice: 'We withdrew this report.', reason: 'Hoax.', actor: EDITOR, recordedAt: expect.any(String) });
  });

  it('marks two seizures of one place on the same day by different factions disputed, keeping both', async () => {
    const a = await seize(ids.hts, '2024-12-05');
    const b = await seize(ids.government, '2024-12-05');
    const body = await timeline(`placeId=${ids.place}`);
    expect(body.map((item) => [item.eventId, item.disputed, item.disputedWith])).toEqual([
      [a.eventIds[0], true, [b.eventIds[0]]],
      [b.eventIds[0], true, [a.eventIds[0]]],
    ]);
  });

  it('filters by person (any person field), faction (any faction field) and date range', async () => {
    const term = await command(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    const left = await command(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'ousted', occurred: day('2024-12-08'), sources });
    const statueId = freshId('statue');
    const toppled = await command(app, `/admin/statues/${statueId}/toppling`, { placeId: ids.place, depictsPersonId: ids.president, occurred: day('2024-12-06'), sources });
    const seized = await seize(ids.hts, '2024-12-05', { fromFactionId: ids.government });
    expect((await timeline(`personId=${ids.president}`)).map((item) => item.eventId)).toEqual([term.eventIds[0], toppled.eventIds[0], left.eventIds[0]]);
    expect((await timeline(`personId=${ids.president}&from=2024-12-01&to=2024-12-07`)).map((item) => item.eventId)).toEqual([toppled.eventIds[0]]);
    expect((await timeline(`factionId=${ids.government}`)).map((item) => item.eventId)).toEqual([seized.eventIds[0]]);
    expect((await timeline(`placeId=${ids.place}&to=2024-12-05`)).map((item) => item.eventId)).toEqual([seized.eventIds[0]]);
    expect(await timeline(`placeId=${ids.place}&from=2025-01-01`)).toEqual([]);
  });

  it.each([
    ['from=2024-02-30', 'from'],
    ['to=yesterday', 'to'],
    ['asAt=not-a-time', 'asAt'],
    ['includeRetracted=maybe', 'includeRetracted'],
    ['placeId=Not%20A%20Slug', 'placeId'],
    ['from=2024-12-05&to=2024-12-01', 'to'],
  ])('%s is a 400 problem naming %s', async (query, field) => {
    const response = await get(app, `/timeline?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it('needs a key', async () => {
    expect((await fetch(`${app.baseUrl}/timeline`)).status).toBe(401);
  });

  it('sends an SSE message on /live/timeline after a command, its id the log position', async () => {
    const controller = new AbortController();
    const response = await fetch(`${app.baseUrl}/live/timeline?placeId=${ids.place}`, { headers: { 'x-api-key': EDITOR_KEY }, signal: controller.signal });
    expect(response.status).toBe(200);
    const chunks: string[] = [];
    const pump = (async () => {
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk).toString('utf8'));
      } catch {
        // aborted
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const seized = await seize(ids.hts, '2024-12-05');
      const deadline = Date.now() + 10_000;
      while (!chunks.join('').includes(`id: ${seized.position}`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const text = chunks.join('');
      expect(text).toContain(`id: ${seized.position}\nevent: change\n`);
      const data = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf(`id: ${seized.position}`)))![1]);
      expect(data).toMatchObject({ eventType: 'CitySeized', keys: { placeId: ids.place }, projections: ['timeline.facts.v1'] });
    } finally {
      controller.abort();
      await pump;
    }
  });
});
