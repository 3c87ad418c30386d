import http from 'node:http';
import { MAX_NESTING_DEPTH } from '../../src/shared/http/validation.js';
import type { TestApp } from '../support/test-app.js';
import { type ApiResponse, audit, day, EDITOR_KEY, freshId, post, readStream, sources, startApp, world } from './support.js';

/**
 * Every bad input answers a 4xx application/problem+json naming the field, and appends nothing: each case reads the
 * streams it could have touched before and after.
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  ids = await world(app);
});
afterAll(() => app.close());

const seizure = () => ({ factionId: ids.hts, fromFactionId: ids.government, occurred: day('2024-12-05'), sources });
const seize = (body: unknown, headers: Record<string, string> = {}) => post(app, `/admin/places/${ids.place}/seizures`, body, headers);

/** Runs the request and checks the problem and that none of the streams changed. */
async function expectRejected(streams: string[], request: () => Promise<ApiResponse>, status: number, field?: string): Promise<ApiResponse> {
  const before = await Promise.all(streams.map((stream) => readStream(app, stream)));
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  if (field) expect(response.body.errors).toContainEqual({ field, message: expect.any(String) });
  const after = await Promise.all(streams.map((stream) => readStream(app, stream)));
  expect(after).toEqual(before);
  return response;
}

const city = () => `city-${ids.place}`;
const office = () => `office-${ids.office}`;

describe('unknown ids', () => {
  it('a seizure by an unknown faction is a 422 naming factionId', async () => {
    const response = await expectRejected([city()], () => seize({ ...seizure(), factionId: freshId('nobody') }), 422, 'factionId');
    expect(response.body.code).toBe('TERRITORY.UNKNOWN_FACTION');
  });

  it('an unknown fromFactionId is a 422 naming it', () =>
    expectRejected([city()], () => seize({ ...seizure(), fromFactionId: freshId('nobody') }), 422, 'fromFactionId'));

  it('a seizure of an unknown place is a 404 naming placeId', async () => {
    const placeId = freshId('atlantis');
    const response = await expectRejected([`city-${placeId}`], () => post(app, `/admin/places/${placeId}/seizures`, seizure()), 404, 'placeId');
    expect(response.body.code).toBe('TERRITORY.UNKNOWN_PLACE');
    expect(await readStream(app, `city-${placeId}`)).toEqual([]);
  });

  it('toppling a statue in an unknown place, or of an unknown person, is a 422 naming the field', async () => {
    const statueId = freshId('statue');
    const body = { placeId: freshId('nowhere'), depictsPersonId: freshId('nobody'), occurred: day('2024-12-06'), sources };
    const response = await expectRejected([`statue-${statueId}`], () => post(app, `/admin/statues/${statueId}/toppling`, body), 422, 'placeId');
    expect(response.body.errors).toContainEqual({ field: 'depictsPersonId', message: expect.any(String) });
    expect(await readStream(app, `statue-${statueId}`)).toEqual([]);
  });

  it('a statement by an unknown speaker is a 422 naming speakerPersonId', async () => {
    const statementId = freshId('speech');
    const body = { statementId, speakerPersonId: freshId('nobody'), occurred: day('2024-12-05'), quote: 'Hello.', sources };
    await expectRejected([`statement-${statementId}`], () => post(app, '/admin/statements', body), 422, 'speakerPersonId');
  });

  it('a statement for an unknown faction or in an unknown place is a 422 naming the field', async () => {
    const statementId = freshId('speech');
    const body = { statementId, speakerPersonId: ids.person, onBehalfOfFactionId: freshId('x'), placeId: freshId('y'), occurred: day('2024-12-05'), quote: 'Hello.', sources };
    const response = await expectRejected([`statement-${statementId}`], () => post(app, '/admin/statements', body), 422, 'onBehalfOfFactionId');
    expect(response.body.errors).toContainEqual({ field: 'placeId', message: expect.any(String) });
  });

  it('an unknown person taking office is a 422 naming personId', () =>
    expectRejected([office()], () => post(app, `/admin/offices/${ids.office}/terms`, { personId: freshId('nobody'), occurred: day('2000-07-17'), sources }), 422, 'personId'));

  it('taking an unknown office is a 404 naming officeId', async () => {
    const officeId = freshId('king');
    const response = await expectRejected([`office-${officeId}`], () => post(app, `/admin/offices/${officeId}/terms`, { personId: ids.person, occurred: day('2000-07-17'), sources }), 404, 'officeId');
    expect(response.body.code).toBe('LEADERSHIP.UNKNOWN_OFFICE');
  });
});

describe('malformed fields', () => {
  it('a malformed slug in the body is a 400 naming the field', async () => {
    await expectRejected([], () => post(app, '/admin/factions', { factionId: 'Hayat_Tahrir', name: 'HTS' }), 400, 'factionId');
    expect(await readStream(app, 'faction-Hayat_Tahrir')).toEqual([]);
  });

  it('a slug over 80 characters is a 400', () => expectRejected([], () => post(app, '/admin/people', { personId: 'a'.repeat(81), name: 'A' }), 400, 'personId'));

  it('a malformed slug in the path is a 400 naming the path id', () =>
    expectRejected([], () => post(app, '/admin/places/Not%20A%20Slug/seizures', seizure()), 400, 'placeId'));

  it('a date that does not exist is a 400 naming occurred.date', () =>
    expectRejected([city()], () => seize({ ...seizure(), occurred: day('2024-02-30') }), 400, 'occurred.date'));

  it('a date that does not match its precision is a 400 naming occurred.date', async () => {
    await expectRejected([city()], () => seize({ ...seizure(), occurred: { date: '2024-12-05', precision: 'month' } }), 400, 'occurred.date');
    await expectRejected([city()], () => seize({ ...seizure(), occurred: { date: '2024-12', precision: 'day' } }), 400, 'occurred.date');
  });

  it('an unknown precision is a 400 naming occurred.precision', () =>
    expectRejected([city()], () => seize({ ...seizure(), occurred: { date: '2024', precision: 'decade' } }), 400, 'occurred.precision'));

  it('missing sources is a 400 naming sources', async () => {
    const { sources: _omitted, ...withoutSources } = seizure();
    await expectRejected([city()], () => seize(withoutSources), 400, 'sources');
  });

  it('empty sources is a 400 naming sources', () => expectRejected([city()], () => seize({ ...seizure(), sources: [] }), 400, 'sources'));

  it('a source with neither outlet nor url is a 400 naming it', () =>
    expectRejected([city()], () => seize({ ...seizure(), sources: [{ outlet: 'AFP' }, { note: 'a rumour' }] }), 400, 'sources[1].outlet'));

  it('an unknown confidence or leave reason is a 400 naming the field', async () => {
    await expectRejected([city()], () => seize({ ...seizure(), confidence: 'likely' }), 400, 'confidence');
    await post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    await expectRejected([office()], () => post(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'bored', occurred: day('2024-12-08'), sources }), 400, 'reason');
  });

  it('coordinates out of range are a 400 naming coordinates.lat', async () => {
    const placeId = freshId('p');
    await expectRejected([`city-${placeId}`], () => post(app, '/admin/places', { placeId, name: 'P', country: 'S', coordinates: { lat: 91, lon: 0 } }), 400, 'coordinates.lat');
  });

  it('text over its limit is a 400 naming the field', async () => {
    const statementId = freshId('speech');
    const body = { statementId, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'q'.repeat(5001), sources };
    await expectRejected([`statement-${statementId}`], () => post(app, '/admin/statements', body), 400, 'quote');
  });

  it('a missing required field is a 400 naming it', () => {
    const { factionId: _omitted, ...body } = seizure();
    return expectRejected([city()], () => seize(body), 400, 'factionId');
  });
});

describe('shape of the body', () => {
  it('an extra unknown field is a 400 naming it', () => expectRejected([city()], () => seize({ ...seizure(), colour: 'green' }), 400, 'colour'));

  it('an extra unknown nested field is a 400 naming its path', () =>
    expectRejected([city()], () => seize({ ...seizure(), sources: [{ outlet: 'AFP', rating: 5 }] }), 400, 'sources[0].rating'));

  it('wrong JSON types are 400s, never converted', async () => {
    await expectRejected([city()], () => seize({ ...seizure(), factionId: 42 }), 400, 'factionId');
    await expectRejected([city()], () => seize({ ...seizure(), occurred: '2024-12-05' }), 400, 'occurred');
    await expectRejected([city()], () => seize({ ...seizure(), sources: 'Reuters' }), 400, 'sources');
    await expectRejected([office()], () => post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.person, acting: 'true', occurred: day('2000-07-17'), sources }), 400, 'acting');
    const placeId = freshId('p');
    await expectRejected([`city-${placeId}`], () => post(app, '/admin/places', { placeId, name: 'P', country: 'S', coordinates: { lat: '35.1', lon: 36 } }), 400, 'coordinates.lat');
    await expectRejected([], () => post(app, '/admin/factions', { factionId: freshId('f'), name: 'F', aliases: 'HTS' }), 400, 'aliases');
  });

  it('a JSON body that is not an object is a 400', () => expectRejected([city()], () => seize([seizure()]), 400, '(body)'));

  it('malformed JSON is a 400', async () => {
    const response = await expectRejected([city()], () => seize('{"factionId": '), 400);
    expect(response.body.code).toBe('REQUEST.MALFORMED_JSON');
  });

  it('a body that is not JSON is a 415', async () => {
    const response = await expectRejected([city()], () => seize('factionId=hts', { 'content-type': 'text/plain' }), 415);
    expect(response.body.status).toBe(415);
  });

  it('a body over 1 MB is a 413', async () => {
    const response = await expectRejected([city()], () => seize({ ...seizure(), summary: 'x'.repeat(1024 * 1024 + 1) }), 413);
    expect(response.body.code).toBe('REQUEST.BODY_TOO_LARGE');
  });

  it('a path id that disagrees with the body is a 400 naming it', async () => {
    const other = freshId('aleppo');
    await post(app, '/admin/places', { placeId: other, name: 'Aleppo', country: 'Syria' });
    const response = await expectRejected([city(), `city-${other}`], () => seize({ ...seizure(), placeId: other }), 400, 'placeId');
    expect(response.body.code).toBe('REQUEST.PATH_BODY_MISMATCH');
    await expectRejected([office()], () => post(app, `/admin/offices/${ids.office}/terms`, { officeId: freshId('o'), personId: ids.person, occurred: day('2000-07-17'), sources }), 400, 'officeId');
  });
});

describe('state and concurrency', () => {
  it('a stale If-Match is a 412 with the current revision', async () => {
    const first = await seize(seizure());
    expect(first.status).toBe(201);
    const response = await expectRejected([city()], () => seize({ ...seizure(), occurred: day('2024-12-06') }, { 'if-match': '"0"' }), 412);
    expect(response.body).toMatchObject({ code: 'STREAM.REVISION_MISMATCH', currentRevision: '1', expectedRevision: '0', streamName: city() });
    expect(response.headers.get('etag')).toBe('"1"');
  });

  it('an If-Match ahead of the stream is a 412 too', async () => {
    const response = await expectRejected([city()], () => seize(seizure(), { 'if-match': '7' }), 412);
    expect(response.body.currentRevision).toBe('0');
  });

  it('an If-Match that is not a revision is a 400 naming If-Match', () =>
    expectRejected([city()], () => seize(seizure(), { 'if-match': 'yesterday' }), 400, 'If-Match'));

  it('leaving an office one does not hold is a 409 LEADERSHIP.NOT_HOLDING_OFFICE naming personId', async () => {
    await post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    const response = await expectRejected([office()], () => post(app, `/admin/offices/${ids.office}/departures`, { personId: ids.person, reason: 'resigned', occurred: day('2024-12-08'), sources }), 409, 'personId');
    expect(response.body.code).toBe('LEADERSHIP.NOT_HOLDING_OFFICE');
  });

  it('leaving an office twice is a 409', async () => {
    await post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    const leave = () => post(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'ousted', occurred: day('2024-12-08'), sources });
    expect((await leave()).status).toBe(201);
    await expectRejected([office()], leave, 409, 'personId');
  });

  it('a faction seizing a place from itself is a 400 naming fromFactionId', () =>
    expectRejected([city()], () => seize({ ...seizure(), fromFactionId: ids.hts }), 400, 'fromFactionId'));
});

/** POST with headers given as Node sends them: an array value is one header line per item (fetch would join them). */
function rawPost(path: string, body: unknown, headers: Record<string, string | string[]>): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${app.baseUrl}${path}`, { method: 'POST' }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: text ? JSON.parse(text) : undefined });
      });
    });
    request.on('error', reject);
    for (const [name, value] of Object.entries({ 'content-type': 'application/json', 'x-api-key': EDITOR_KEY, ...headers })) request.setHeader(name, value);
    request.end(JSON.stringify(body));
  });
}

/** The JSON body with `field` set to `{"x": {"x": ... 1}}`, `levels` objects deep (built as text: too deep to stringify). */
const nested = (body: object, field: string, levels: number, key = 'x'): string =>
  JSON.stringify({ ...body, [field]: '@' }).replace('"@"', `${`{"${key}":`.repeat(levels)}1${'}'.repeat(levels)}`);
const tooDeep = (prefix: string, key = 'x') => `${prefix}.${Array.from({ length: MAX_NESTING_DEPTH - 1 }, () => key).join('.')}`;

describe('hardening', () => {
  it(`an unknown field nested 2,500 objects deep is a 400 naming where it passes ${MAX_NESTING_DEPTH} levels`, async () => {
    const response = await expectRejected([city()], () => seize(nested(seizure(), 'extra', 2500)), 400, tooDeep('extra'));
    expect(response.body.code).toBe('VALIDATION.FAILED');
  });

  it('an array nested 200,000 deep is a 400 naming its path', async () => {
    const body = JSON.stringify({ ...seizure(), sources: '@' }).replace('"@"', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    await expectRejected([city()], () => seize(body), 400, `sources${'[0]'.repeat(MAX_NESTING_DEPTH - 1)}`);
  });

  it('a correction whose changes nest 5,000 deep is a 400 naming the path under changes', async () => {
    const seized = await seize(seizure());
    const correction = nested({ eventId: seized.body.eventIds[0], reason: 'R', notice: 'N' }, 'changes', 5000, 'a');
    await expectRejected([city()], () => post(app, '/admin/corrections', correction), 400, tooDeep('changes', 'a'));
  });

  it('unknown fields named like inherited members (constructor, toString, valueOf) are 400s naming them, top level and nested', async () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      await expectRejected([city()], () => seize({ ...seizure(), [name]: 'x' }), 400, name);
    }
    await expectRejected([city()], () => seize({ ...seizure(), sources: [{ outlet: 'AFP', constructor: 'x' }] }), 400, 'sources[0].constructor');
    await expectRejected([city()], () => seize({ ...seizure(), occurred: { ...day('2024-12-05'), toString: 'x' } }), 400, 'occurred.toString');
    const seized = await seize(seizure());
    const correction = { eventId: seized.body.eventIds[0], changes: { summary: 'S', valueOf: 1 }, reason: 'R', notice: 'N' };
    await expectRejected([city()], () => post(app, '/admin/corrections', correction), 400, 'changes.valueOf');
  });

  it('a weak If-Match (W/"n") never matches: 400 naming If-Match, nothing appended', async () => {
    expect((await seize(seizure())).status).toBe(201);
    const current = (await readStream(app, city())).length - 1;
    const response = await expectRejected([city()], () => seize({ ...seizure(), occurred: day('2024-12-06') }, { 'if-match': `W/"${current}"` }), 400, 'If-Match');
    expect(response.body.code).toBe('REQUEST.WEAK_IF_MATCH');
    expect((await seize({ ...seizure(), occurred: day('2024-12-06') }, { 'if-match': `"${current}"` })).status).toBe(201);
  });

  it('two Idempotency-Key headers are a 400 naming it', async () => {
    const response = await expectRejected([city()], () => rawPost(`/admin/places/${ids.place}/seizures`, seizure(), { 'idempotency-key': [freshId('k'), freshId('k')] }), 400, 'Idempotency-Key');
    expect(response.body.code).toBe('REQUEST.REPEATED_HEADER');
    // One header still works through the same client.
    expect((await rawPost(`/admin/places/${ids.place}/seizures`, seizure(), { 'idempotency-key': freshId('k') })).status).toBe(201);
  });

  it('a path segment over 200 characters is a 414 problem+json', async () => {
    const response = await expectRejected([], () => post(app, `/admin/places/${'a'.repeat(201)}/seizures`, seizure()), 414);
    expect(response.body).toMatchObject({ code: 'REQUEST.PATH_SEGMENT_TOO_LONG', title: 'URI Too Long' });
  });

  it('a path id over the 80-character slug limit, up to the 200-character path-segment limit, is a 400 naming it', async () => {
    const long = 'a'.repeat(200);
    const leaving = { personId: ids.president, reason: 'ousted', occurred: day('2024-12-08'), sources };
    for (const [path, field, body, stream] of [
      [`/admin/places/${long}/seizures`, 'placeId', seizure(), `city-${long}`],
      [`/admin/statues/${long}/toppling`, 'statueId', { placeId: ids.place, occurred: day('2024-12-06'), sources }, `statue-${long}`],
      [`/admin/offices/${long}/terms`, 'officeId', { personId: ids.president, occurred: day('2000-07-17'), sources }, `office-${long}`],
      [`/admin/offices/${long}/departures`, 'officeId', leaving, `office-${long}`],
    ] as const) {
      const response = await expectRejected([stream], () => post(app, path, body), 400, field);
      expect(response.body.code).toBe('VALIDATION.FAILED');
    }
  });

  it('a query path id over the slug limit, up to the path-segment limit, is a 404 like any id nothing has', async () => {
    const long = 'a'.repeat(200);
    for (const path of [`/territory/places/${long}/control`, `/leadership/offices/${long}/terms`, `/leadership/people/${long}/terms`, `/admin/audit/streams/city-${'a'.repeat(190)}`]) {
      const response = await audit(app, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('a path that is not valid percent-encoding is a 400 problem+json', async () => {
    const response = await expectRejected([city()], () => post(app, '/admin/places/%E0%A4%A/seizures', seizure()), 400);
    expect(response.body.code).toBe('REQUEST.BAD_URL');
  });

  it('retracting reference data is a 422 CORRECTIONS.NOT_A_FACT naming eventId, nothing appended', async () => {
    const [registered] = await readStream(app, city());
    expect(registered.type).toBe('PlaceRegistered');
    const response = await expectRejected([city()], () => post(app, '/admin/retractions', { eventId: registered.id, reason: 'R', notice: 'N' }), 422, 'eventId');
    expect(response.body.code).toBe('CORRECTIONS.NOT_A_FACT');
  });

  it('a correction that changes nothing is a 400 NO_CHANGES whatever the order of its fields', async () => {
    const seized = await seize(seizure());
    const correction = { eventId: seized.body.eventIds[0], changes: { occurred: { precision: 'day', date: '2024-12-05' } }, reason: 'R', notice: 'N' };
    const response = await expectRejected([city()], () => post(app, '/admin/corrections', correction), 400, 'changes');
    expect(response.body.code).toBe('CORRECTIONS.NO_CHANGES');
  });
});
