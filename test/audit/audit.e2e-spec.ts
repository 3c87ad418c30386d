import { randomUUID } from 'node:crypto';
import type { TestApp } from '../support/test-app.js';
import { AUDITOR_KEY, audit, day, EDITOR, EDITOR_KEY, freshId, post, readStream, sources, startApp, world } from '../write-side/support.js';

/** The audit endpoints (role auditor): a correlation's events, and a stream's history with its amendments. */
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

describe('GET /admin/audit/correlations/:correlationId', () => {
  it('lists every event the request caused, raw, with metadata', async () => {
    const correlationId = `req-${randomUUID()}`;
    const response = await post(app, `/admin/places/${ids.place}/seizures`, seizure(), { 'x-correlation-id': correlationId });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    const { status, body } = await audit(app, `/admin/audit/correlations/${correlationId}`);
    expect(status).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({
        eventId: response.body.eventIds[0],
        type: 'CitySeized',
        streamName: `city-${ids.place}`,
        revision: response.body.revision,
        position: expect.any(String),
        data: expect.objectContaining({ placeId: ids.place, factionId: ids.hts }),
        metadata: expect.objectContaining({ actor: EDITOR, correlationId, causationId: expect.any(String), recordedAt: expect.any(String) }),
      }),
    ]);
  });

  it('groups the events of several streams under one correlation id, in log order', async () => {
    const correlationId = `line-${randomUUID()}`;
    const headers = { 'x-correlation-id': correlationId };
    const placeId = freshId('aleppo');
    await post(app, '/admin/places', { placeId, name: 'Aleppo', country: 'Syria' }, headers);
    await post(app, `/admin/places/${placeId}/seizures`, seizure(), headers);
    const { body } = await audit(app, `/admin/audit/correlations/${correlationId}`);
    expect(body.map((event: any) => [event.type, event.streamName])).toEqual([
      ['PlaceRegistered', `city-${placeId}`],
      ['CitySeized', `city-${placeId}`],
    ]);
  });

  it('finds the events of the longest X-Correlation-Id a command accepts (200 characters); one more is a 400 naming the header, appending nothing', async () => {
    const correlationId = `req-${randomUUID()}-`.padEnd(200, 'x');
    const accepted = await post(app, `/admin/places/${ids.place}/seizures`, seizure(), { 'x-correlation-id': correlationId });
    expect(accepted.status).toBe(201);
    const { status, body } = await audit(app, `/admin/audit/correlations/${correlationId}`);
    expect(status).toBe(200);
    expect(body.map((event: any) => [event.eventId, event.metadata.correlationId])).toEqual([[accepted.body.eventIds[0], correlationId]]);

    const before = await readStream(app, `city-${ids.place}`);
    const refused = await post(app, `/admin/places/${ids.place}/seizures`, { ...seizure(), occurred: day('2024-12-06') }, { 'x-correlation-id': `${correlationId}x` });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'REQUEST.INVALID_HEADER', errors: [{ field: 'X-Correlation-Id', message: expect.stringContaining('200') }] });
    expect(await readStream(app, `city-${ids.place}`)).toEqual(before);
  });

  it('an unknown correlation id is a 404 problem', async () => {
    const { status, headers, body } = await audit(app, `/admin/audit/correlations/${randomUUID()}`);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 404, code: 'AUDIT.UNKNOWN_CORRELATION', errors: [{ field: 'correlationId', message: expect.any(String) }] });
  });

  it('needs the auditor role', async () => {
    const correlationId = `req-${randomUUID()}`;
    await post(app, `/admin/places/${ids.place}/seizures`, seizure(), { 'x-correlation-id': correlationId });
    expect((await audit(app, `/admin/audit/correlations/${correlationId}`, EDITOR_KEY)).status).toBe(403);
    expect((await audit(app, `/admin/audit/correlations/${correlationId}`, 'no-such-key')).status).toBe(401);
  });
});

describe('GET /admin/audit/streams/:streamName with corrections', () => {
  it('shows the original, each correction and retraction with who made it and why, linked from the fact', async () => {
    const seized = (await post(app, `/admin/places/${ids.place}/seizures`, seizure())).body.eventIds[0];
    const amend = { reason: 'Misdated by the first source.', notice: 'An earlier version gave the wrong date.' };
    const corrected = await post(app, '/admin/corrections', { eventId: seized, changes: { occurred: day('2024-12-06') }, ...amend });
    const retracted = await post(app, '/admin/retractions', { eventId: seized, reason: 'Hoax.', notice: 'We withdrew this report.' });
    expect([corrected.status, retracted.status]).toEqual([201, 201]);

    const { status, body } = await audit(app, `/admin/audit/streams/city-${ids.place}`);
    expect(status).toBe(200);
    expect(body.map((event: any) => event.type)).toEqual(['PlaceRegistered', 'CitySeized', 'FactCorrected', 'FactRetracted']);
    const [, original, correction, retraction] = body;
    expect(original).toMatchObject({ eventId: seized, data: { occurred: day('2024-12-05') }, metadata: { actor: EDITOR }, amendedBy: [correction.eventId, retraction.eventId] });
    expect(correction).toMatchObject({
      data: { eventId: seized, factType: 'CitySeized', changes: { occurred: day('2024-12-06') }, ...amend },
      metadata: { actor: EDITOR, commandType: 'CorrectFact', recordedAt: expect.any(String) },
    });
    expect(retraction).toMatchObject({ data: { eventId: seized, reason: 'Hoax.', notice: 'We withdrew this report.' }, metadata: { actor: EDITOR, commandType: 'RetractFact' } });

    // The correction's own request is its correlation.
    const byCorrelation = await audit(app, `/admin/audit/correlations/${correction.metadata.correlationId}`);
    expect(byCorrelation.body.map((event: any) => event.eventId)).toEqual([correction.eventId]);
  });

  it('an unknown stream is a 404 problem with a code, naming the stream', async () => {
    const { status, headers, body } = await audit(app, `/admin/audit/streams/city-${freshId('nowhere')}`);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 404, code: 'AUDIT.UNKNOWN_STREAM', errors: [{ field: 'streamName', message: expect.any(String) }] });
  });

  it('an auditor key cannot send commands (403, nothing appended)', async () => {
    const response = await fetch(`${app.baseUrl}/admin/places/${ids.place}/seizures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': AUDITOR_KEY },
      body: JSON.stringify(seizure()),
    });
    expect(response.status).toBe(403);
    const { body } = await audit(app, `/admin/audit/streams/city-${ids.place}`);
    expect(body.map((event: any) => event.type)).toEqual(['PlaceRegistered']);
  });
});
