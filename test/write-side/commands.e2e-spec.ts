import { type EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { EVENT_STORE_CLIENT } from '../../src/infrastructure/event-store/event-store.module.js';
import { Clock } from '../../src/shared/domain/clock.js';
import type { TestApp } from '../support/test-app.js';
import { day, EDITOR, EDITOR_KEY, freshId, post, readStream, sources, startApp, world } from './support.js';

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app.close());

/** The editor key: the actor recorded is its owner, EDITOR. */
const as = { 'x-api-key': EDITOR_KEY };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectCreated(response: { status: number; headers: Headers; body: any }, streamName: string, revision: string) {
  expect(response.status).toBe(201);
  expect(response.body).toEqual({ streamName, revision, position: expect.stringMatching(/^\d+$/), eventIds: [expect.stringMatching(UUID)] });
  expect(response.headers.get('etag')).toBe(`"${revision}"`);
}

function expectConflict(response: { status: number; headers: Headers; body: any }, code: string, field: string) {
  expect(response.status).toBe(409);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status: 409, code, errors: [{ field, message: expect.any(String) }] });
}

describe('registrations', () => {
  it('RegisterFaction appends FactionRegistered with metadata from the request and the injected clock', async () => {
    const factionId = freshId('hts');
    const clock = app.app.get(Clock);
    const now = clock.now;
    clock.now = () => new Date('2024-12-05T10:00:00.000Z');
    let response;
    try {
      response = await post(app, '/admin/factions', { factionId, name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] }, { ...as, 'x-correlation-id': 'corr-42' });
    } finally {
      clock.now = now;
    }
    expectCreated(response, `faction-${factionId}`, '0');
    expect(response.headers.get('x-correlation-id')).toBe('corr-42');
    const events = await readStream(app, `faction-${factionId}`);
    expect(events).toEqual([
      {
        id: response.body.eventIds[0],
        type: 'FactionRegistered',
        data: { factionId, name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] },
        metadata: { actor: EDITOR, correlationId: 'corr-42', causationId: expect.stringMatching(UUID), recordedAt: '2024-12-05T10:00:00.000Z', commandType: 'RegisterFaction' },
        revision: 0n,
      },
    ]);
  });

  it('generates a correlation id when none is given', async () => {
    const factionId = freshId('f');
    const response = await post(app, '/admin/factions', { factionId, name: 'F' });
    expect(response.status).toBe(201);
    const [event] = await readStream(app, `faction-${factionId}`);
    expect(event.metadata.correlationId).toMatch(UUID);
    expect(response.headers.get('x-correlation-id')).toBe(event.metadata.correlationId);
  });

  it('RegisterFaction twice is a 409 and appends nothing', async () => {
    const factionId = freshId('f');
    await post(app, '/admin/factions', { factionId, name: 'F' });
    expectConflict(await post(app, '/admin/factions', { factionId, name: 'Other' }), 'TERRITORY.FACTION_ALREADY_REGISTERED', 'factionId');
    expect(await readStream(app, `faction-${factionId}`)).toHaveLength(1);
  });

  it('RegisterPlace appends PlaceRegistered into city-<placeId>; twice is a 409', async () => {
    const placeId = freshId('hama');
    const body = { placeId, name: 'Hama', country: 'Syria', kind: 'city', coordinates: { lat: 35.13, lon: 36.75 } };
    expectCreated(await post(app, '/admin/places', body), `city-${placeId}`, '0');
    expectConflict(await post(app, '/admin/places', body), 'TERRITORY.PLACE_ALREADY_REGISTERED', 'placeId');
    const events = await readStream(app, `city-${placeId}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([['PlaceRegistered', body]]);
  });

  it('RegisterPerson appends PersonRegistered; twice is a 409', async () => {
    const personId = freshId('bashar');
    expectCreated(await post(app, '/admin/people', { personId, name: 'Bashar al-Assad' }), `person-${personId}`, '0');
    expectConflict(await post(app, '/admin/people', { personId, name: 'B' }), 'LEADERSHIP.PERSON_ALREADY_REGISTERED', 'personId');
    expect((await readStream(app, `person-${personId}`)).map((e) => e.data)).toEqual([{ personId, name: 'Bashar al-Assad', aliases: [] }]);
  });

  it('EstablishOffice appends OfficeEstablished; twice is a 409', async () => {
    const officeId = freshId('president');
    const body = { officeId, title: 'President of Syria', jurisdiction: 'Syria' };
    expectCreated(await post(app, '/admin/offices', body), `office-${officeId}`, '0');
    expectConflict(await post(app, '/admin/offices', body), 'LEADERSHIP.OFFICE_ALREADY_ESTABLISHED', 'officeId');
    expect((await readStream(app, `office-${officeId}`)).map((e) => [e.type, e.data])).toEqual([['OfficeEstablished', body]]);
  });
});

describe('facts', () => {
  it('SeizeCity appends CitySeized to the place stream (placeId from the path)', async () => {
    const ids = await world(app);
    const body = { factionId: ids.hts, fromFactionId: ids.government, occurred: day('2024-12-05'), sources, confidence: 'confirmed', summary: 'HTS entered Hama.' };
    const response = await post(app, `/admin/places/${ids.place}/seizures`, body);
    expectCreated(response, `city-${ids.place}`, '1');
    const events = await readStream(app, `city-${ids.place}`);
    expect(events[1]).toMatchObject({ id: response.body.eventIds[0], type: 'CitySeized', data: { placeId: ids.place, ...body }, revision: 1n });
    expect(events[1].metadata.commandType).toBe('SeizeCity');
  });

  it('SeizeCity accepts the placeId in the body when it matches, and an earlier date after a later one', async () => {
    const ids = await world(app);
    const later = await post(app, `/admin/places/${ids.place}/seizures`, { placeId: ids.place, factionId: ids.hts, occurred: day('2024-12-05'), sources });
    expectCreated(later, `city-${ids.place}`, '1');
    const earlier = await post(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.government, occurred: { date: '2011', precision: 'year' }, sources });
    expectCreated(earlier, `city-${ids.place}`, '2');
  });

  it('optional fields sent as null are treated as not given', async () => {
    const ids = await world(app);
    const body = { factionId: ids.hts, fromFactionId: null, occurred: day('2024-12-05'), sources, confidence: null, summary: null };
    const seized = await post(app, `/admin/places/${ids.place}/seizures`, body);
    expectCreated(seized, `city-${ids.place}`, '1');
    const statueId = freshId('statue');
    const topple = { placeId: ids.place, depictsPersonId: null, toppledByFactionId: null, occurred: day('2024-12-06'), sources };
    expectCreated(await post(app, `/admin/statues/${statueId}/toppling`, topple), `statue-${statueId}`, '0');
    const events = await readStream(app, `city-${ids.place}`);
    expect(events[1].data).toEqual({ placeId: ids.place, factionId: ids.hts, occurred: day('2024-12-05'), sources });
    expect((await readStream(app, `statue-${statueId}`))[0].data).toEqual({ statueId, placeId: ids.place, occurred: day('2024-12-06'), sources });
  });

  it('concurrent SeizeCity commands without If-Match all land (re-read and decide again)', async () => {
    const ids = await world(app);
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post(app, `/admin/places/${ids.place}/seizures`, { factionId: i % 2 ? ids.hts : ids.government, occurred: day(`2024-12-0${i + 1}`), sources })),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(responses.map((r) => r.body.revision).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await readStream(app, `city-${ids.place}`)).toHaveLength(7);
  });

  it('ToppleStatue appends StatueToppled; toppling it again is a 409', async () => {
    const ids = await world(app);
    const statueId = freshId('hafez-statue');
    const body = { placeId: ids.place, depictsPersonId: ids.president, toppledByFactionId: ids.hts, occurred: day('2024-12-06'), sources, description: 'Pulled down.' };
    expectCreated(await post(app, `/admin/statues/${statueId}/toppling`, body), `statue-${statueId}`, '0');
    expectConflict(await post(app, `/admin/statues/${statueId}/toppling`, body), 'MONUMENTS.STATUE_ALREADY_TOPPLED', 'statueId');
    expect((await readStream(app, `statue-${statueId}`)).map((e) => [e.type, e.data])).toEqual([['StatueToppled', { statueId, ...body }]]);
  });

  it('IssueStatement appends StatementIssued; an existing statementId is a 409', async () => {
    const ids = await world(app);
    const statementId = freshId('speech');
    const body = { statementId, speakerPersonId: ids.person, onBehalfOfFactionId: ids.hts, occurred: day('2024-12-05'), quote: 'We entered Hama.', medium: 'video', placeId: ids.place, sources };
    expectCreated(await post(app, '/admin/statements', body), `statement-${statementId}`, '0');
    expectConflict(await post(app, '/admin/statements', { ...body, quote: 'Other words.' }), 'STATEMENTS.STATEMENT_ALREADY_ISSUED', 'statementId');
    expect((await readStream(app, `statement-${statementId}`)).map((e) => [e.type, e.data])).toEqual([['StatementIssued', body]]);
  });

  it('AssumeOffice opens a term (acting defaults to false); assuming it again while holding it is a 409', async () => {
    const ids = await world(app);
    const body = { personId: ids.president, occurred: day('2000-07-17'), sources };
    expectCreated(await post(app, `/admin/offices/${ids.office}/terms`, body), `office-${ids.office}`, '1');
    expectConflict(await post(app, `/admin/offices/${ids.office}/terms`, body), 'LEADERSHIP.ALREADY_HOLDING_OFFICE', 'personId');
    const events = await readStream(app, `office-${ids.office}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['OfficeEstablished', expect.any(Object)],
      ['OfficeAssumed', { officeId: ids.office, personId: ids.president, acting: false, occurred: day('2000-07-17'), sources }],
    ]);
  });

  it('LeaveOffice closes the holder’s term', async () => {
    const ids = await world(app);
    await post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, acting: true, occurred: day('2000-07-17'), sources });
    const body = { officeId: ids.office, personId: ids.president, reason: 'ousted', occurred: day('2024-12-08'), sources, confidence: 'confirmed' };
    expectCreated(await post(app, `/admin/offices/${ids.office}/departures`, body), `office-${ids.office}`, '2');
    const events = await readStream(app, `office-${ids.office}`);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['OfficeEstablished', expect.any(Object)],
      ['OfficeAssumed', expect.objectContaining({ acting: true })],
      ['OfficeLeft', body],
    ]);
  });
});

describe('retracted facts (FactRetracted appended to the stream, as RetractFact will)', () => {
  it('a retracted term of office cannot be left, and its holder may take office again', async () => {
    const ids = await world(app);
    const assumed = await post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources });
    const client = app.app.get<EventStoreDBClient>(EVENT_STORE_CLIENT);
    await client.appendToStream(`office-${ids.office}`, jsonEvent({ type: 'FactRetracted', data: { eventId: assumed.body.eventIds[0], reason: 'hoax', notice: 'Withdrawn.' } }));
    const leave = await post(app, `/admin/offices/${ids.office}/departures`, { personId: ids.president, reason: 'ousted', occurred: day('2024-12-08'), sources });
    expectConflict(leave, 'LEADERSHIP.NOT_HOLDING_OFFICE', 'personId');
    expectCreated(await post(app, `/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-18'), sources }), `office-${ids.office}`, '3');
  });
});

describe('If-Match and Idempotency-Key', () => {
  it('If-Match with the current revision (the last ETag) appends', async () => {
    const ids = await world(app);
    const first = await post(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.hts, occurred: day('2024-12-05'), sources });
    const second = await post(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.government, occurred: day('2024-12-06'), sources }, { 'if-match': first.headers.get('etag')! });
    expectCreated(second, `city-${ids.place}`, '2');
  });

  it('a retry with the same Idempotency-Key returns the first result and appends nothing', async () => {
    const ids = await world(app);
    const body = { factionId: ids.hts, occurred: day('2024-12-05'), sources };
    const headers = { 'idempotency-key': freshId('key') };
    const first = await post(app, `/admin/places/${ids.place}/seizures`, body, headers);
    const retry = await post(app, `/admin/places/${ids.place}/seizures`, body, headers);
    expectCreated(first, `city-${ids.place}`, '1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const events = await readStream(app, `city-${ids.place}`);
    expect(events).toHaveLength(2);
    expect(events[1].metadata.idempotencyKey).toBe(headers['idempotency-key']);

    const other = await post(app, `/admin/places/${ids.place}/seizures`, body, { 'idempotency-key': freshId('key') });
    expectCreated(other, `city-${ids.place}`, '2');
    expect(other.body.eventIds).not.toEqual(first.body.eventIds);
  });

  it('a retry with the same Idempotency-Key but a stale If-Match still returns the first result', async () => {
    const ids = await world(app);
    const headers = { 'idempotency-key': freshId('key'), 'if-match': '"0"' };
    const body = { factionId: ids.hts, occurred: day('2024-12-05'), sources };
    const first = await post(app, `/admin/places/${ids.place}/seizures`, body, headers);
    const retry = await post(app, `/admin/places/${ids.place}/seizures`, body, headers);
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect(await readStream(app, `city-${ids.place}`)).toHaveLength(2);
  });
});
