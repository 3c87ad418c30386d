import type { TestApp } from '../support/test-app.js';
import { type ApiResponse, day, freshId, post, readStream, sources, startApp, world } from './support.js';

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
