import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { commandCatalog } from '../../src/contexts/command-catalog.js';
import { validateDto } from '../../src/shared/http/validation.js';
import type { TestApp } from '../support/test-app.js';
import { type ApiResponse, day, EDITOR, freshId, post, readStream, sources, startApp, world } from './support.js';

/**
 * CorrectFact / RetractFact over HTTP (and as import lines through the command catalog): appended to the stream of
 * the amended fact; every bad input is a 4xx problem naming the field, with nothing appended.
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

const city = () => `city-${ids.place}`;
const office = () => `office-${ids.office}`;
const notice = { reason: 'The first report was wrong.', notice: 'An earlier version of this report was corrected.' };

async function ok(path: string, body: object): Promise<ApiResponse> {
  const response = await post(app, path, body);
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

const seize = async (extra: object = {}) =>
  (await ok(`/admin/places/${ids.place}/seizures`, { factionId: ids.hts, fromFactionId: ids.government, occurred: day('2024-12-05'), sources, ...extra })).body.eventIds[0] as string;
const correct = (eventId: string, changes: unknown, headers: Record<string, string> = {}) => post(app, '/admin/corrections', { eventId, changes, ...notice }, headers);
const retract = (eventId: string) => post(app, '/admin/retractions', { eventId, ...notice });

async function expectRejected(streams: string[], request: () => Promise<ApiResponse>, status: number, field: string, code?: string): Promise<ApiResponse> {
  const before = await Promise.all(streams.map((stream) => readStream(app, stream)));
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(response.body.errors).toContainEqual({ field, message: expect.any(String) });
  if (code) expect(response.body.code).toBe(code);
  const after = await Promise.all(streams.map((stream) => readStream(app, stream)));
  expect(after).toEqual(before);
  return response;
}

describe('CorrectFact', () => {
  it('appends a FactCorrected with reason, notice, actor and time to the fact\'s stream', async () => {
    const eventId = await seize();
    const response = await correct(eventId, { occurred: day('2024-12-06') }, { 'x-correlation-id': `corr-${randomUUID()}` });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ streamName: city(), revision: '2', eventIds: [expect.any(String)] });
    const correction = (await readStream(app, city())).at(-1);
    expect(correction).toMatchObject({
      id: response.body.eventIds[0],
      type: 'FactCorrected',
      data: { eventId, factType: 'CitySeized', changes: { occurred: day('2024-12-06') }, ...notice },
      metadata: { actor: EDITOR, commandType: 'CorrectFact', recordedAt: expect.any(String), correlationId: expect.stringMatching(/^corr-/) },
    });
  });

  it('applies several corrections in order: the latest value wins per field', async () => {
    const eventId = await seize();
    expect((await correct(eventId, { factionId: ids.government, summary: 'First version.' })).status).toBe(201);
    expect((await correct(eventId, { factionId: ids.hts })).status).toBe(201);
    // The fact now says hts again and keeps the first correction's summary: restating either changes nothing.
    await expectRejected([city()], () => correct(eventId, { factionId: ids.hts, summary: 'First version.' }), 400, 'changes', 'CORRECTIONS.NO_CHANGES');
    const events = await readStream(app, city());
    expect(events.map((event) => event.type)).toEqual(['PlaceRegistered', 'CitySeized', 'FactCorrected', 'FactCorrected']);
  });

  it('a null removes an optional field', async () => {
    const eventId = await seize();
    expect((await correct(eventId, { fromFactionId: null })).status).toBe(201);
    // ... and a required one cannot be removed.
    await expectRejected([city()], () => correct(eventId, { factionId: null }), 400, 'changes.factionId');
  });

  it('corrects each kind of fact: a toppling, a statement, a term', async () => {
    const statueId = freshId('statue');
    const toppled = (await ok(`/admin/statues/${statueId}/toppling`, { placeId: ids.place, occurred: day('2024-12-06'), sources })).body.eventIds[0];
    expect((await correct(toppled, { depictsPersonId: ids.president, description: 'The statue of the president.' })).body.streamName).toBe(`statue-${statueId}`);
    const statementId = freshId('speech');
    const said = (await ok('/admin/statements', { statementId, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'We entered Hama.', sources })).body.eventIds[0];
    expect((await correct(said, { quote: 'We have entered Hama.' })).body.streamName).toBe(`statement-${statementId}`);
    const term = (await ok(`/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources })).body.eventIds[0];
    expect((await correct(term, { occurred: day('2000-07-10') })).body.streamName).toBe(office());
  });

  it('an invalid value is a 400 naming changes.occurred.date', () =>
    seize().then((eventId) => expectRejected([city()], () => correct(eventId, { occurred: { date: '2024-02-30', precision: 'day' } }), 400, 'changes.occurred.date', 'CORRECTIONS.INVALID_CHANGES')));

  it('an over-long value is a 400 naming the field (a statement\'s quote)', async () => {
    const statementId = freshId('speech');
    const said = (await ok('/admin/statements', { statementId, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'Hello.', sources })).body.eventIds[0];
    await expectRejected([`statement-${statementId}`], () => correct(said, { quote: 'q'.repeat(5001) }), 400, 'changes.quote');
  });

  it('an unknown field in changes is a 400 naming it', () =>
    seize().then((eventId) => expectRejected([city()], () => correct(eventId, { colour: 'green' }), 400, 'changes.colour')));

  it('changing the entity id is a 400 naming it (placeId, statueId, statementId, officeId)', async () => {
    const seized = await seize();
    await expectRejected([city()], () => correct(seized, { placeId: freshId('aleppo') }), 400, 'changes.placeId', 'CORRECTIONS.IDENTITY_CHANGE');
    const statueId = freshId('statue');
    const toppled = (await ok(`/admin/statues/${statueId}/toppling`, { placeId: ids.place, occurred: day('2024-12-06'), sources })).body.eventIds[0];
    await expectRejected([`statue-${statueId}`], () => correct(toppled, { statueId: freshId('other') }), 400, 'changes.statueId');
    const statementId = freshId('speech');
    const said = (await ok('/admin/statements', { statementId, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'Hi.', sources })).body.eventIds[0];
    await expectRejected([`statement-${statementId}`], () => correct(said, { statementId: freshId('other') }), 400, 'changes.statementId');
    const term = (await ok(`/admin/offices/${ids.office}/terms`, { personId: ids.president, occurred: day('2000-07-17'), sources })).body.eventIds[0];
    await expectRejected([office()], () => correct(term, { officeId: freshId('king') }), 400, 'changes.officeId');
  });

  it('an unknown faction, person or place in changes is a 422 naming it', async () => {
    const seized = await seize();
    await expectRejected([city()], () => correct(seized, { factionId: freshId('nobody') }), 422, 'changes.factionId', 'TERRITORY.UNKNOWN_FACTION');
    const statementId = freshId('speech');
    const said = (await ok('/admin/statements', { statementId, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'Hi.', sources })).body.eventIds[0];
    const response = await expectRejected([`statement-${statementId}`], () => correct(said, { speakerPersonId: freshId('nobody'), placeId: freshId('nowhere') }), 422, 'changes.speakerPersonId');
    expect(response.body.errors).toContainEqual({ field: 'changes.placeId', message: expect.any(String) });
  });

  it('an eventId nothing was recorded with is a 404 naming eventId', () =>
    expectRejected([city()], () => correct(randomUUID(), { factionId: ids.government }), 404, 'eventId', 'CORRECTIONS.UNKNOWN_EVENT'));

  it('an eventId that is not a uuid is a 400 naming it', () => expectRejected([city()], () => correct('hama', { factionId: ids.government }), 400, 'eventId'));

  it('missing reason or notice, or changes that are not an object, are 400s naming the field', async () => {
    const eventId = await seize();
    await expectRejected([city()], () => post(app, '/admin/corrections', { eventId, changes: { summary: 'x' }, reason: 'r' }), 400, 'notice');
    await expectRejected([city()], () => post(app, '/admin/corrections', { eventId, changes: { summary: 'x' }, notice: 'n', reason: ' ' }), 400, 'reason');
    await expectRejected([city()], () => correct(eventId, 'summary'), 400, 'changes');
    await expectRejected([city()], () => correct(eventId, {}), 400, 'changes');
  });

  it('reference data is not a fact: 422 naming eventId', async () => {
    const placeId = freshId('aleppo');
    const registered = (await ok('/admin/places', { placeId, name: 'Aleppo', country: 'Syria' })).body.eventIds[0];
    await expectRejected([`city-${placeId}`], () => correct(registered, { name: 'Halab' }), 422, 'eventId', 'CORRECTIONS.NOT_A_FACT');
  });

  it('a correction is not a fact either: correcting or retracting it is a 422 naming eventId', async () => {
    const seized = await seize();
    const correction = (await correct(seized, { summary: 'Corrected.' })).body.eventIds[0];
    await expectRejected([city()], () => correct(correction, { summary: 'Again.' }), 422, 'eventId', 'CORRECTIONS.NOT_A_FACT');
    await expectRejected([city()], () => retract(correction), 422, 'eventId', 'CORRECTIONS.NOT_A_FACT');
  });

  it('a retracted fact cannot be corrected: 409 naming eventId', async () => {
    const eventId = await seize();
    expect((await retract(eventId)).status).toBe(201);
    await expectRejected([city()], () => correct(eventId, { summary: 'Too late.' }), 409, 'eventId', 'CORRECTIONS.FACT_RETRACTED');
  });

  it('a retry with the same Idempotency-Key appends nothing and returns the first result', async () => {
    const eventId = await seize();
    const key = { 'idempotency-key': freshId('key') };
    const first = await correct(eventId, { summary: 'Corrected.' }, key);
    const retry = await correct(eventId, { summary: 'Corrected.' }, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await readStream(app, city())).toHaveLength(3);
  });
});

describe('corrections of terms keep the office rules', () => {
  const assume = (personId: string, date: string) => ok(`/admin/offices/${ids.office}/terms`, { personId, occurred: day(date), sources });
  const leave = (personId: string, date: string) => ok(`/admin/offices/${ids.office}/departures`, { personId, reason: 'died', occurred: day(date), sources });

  it('a departure corrected to before the term\'s start is a 400 naming changes.occurred', async () => {
    await assume(ids.president, '2000-07-17');
    const departure = (await leave(ids.president, '2024-12-08')).body.eventIds[0];
    await expectRejected([office()], () => correct(departure, { occurred: day('1999-01-01') }), 400, 'changes.occurred', 'LEADERSHIP.TERM_ENDS_BEFORE_START');
  });

  it('a correction that makes two non-acting terms overlap is a 409', async () => {
    await assume(ids.person, '1971-03-14');
    const departure = (await leave(ids.person, '2000-06-10')).body.eventIds[0];
    await assume(ids.president, '2000-07-17');
    await expectRejected([office()], () => correct(departure, { occurred: day('2001-01-01') }), 409, 'eventId', 'LEADERSHIP.TERM_OVERLAPS');
    // Within the rules the same departure can move.
    expect((await correct(departure, { occurred: day('2000-06-11') })).status).toBe(201);
  });

  it('retracting a departure that a successor depends on is a 409; retracting the successor first works', async () => {
    await assume(ids.person, '1971-03-14');
    const departure = (await leave(ids.person, '2000-06-10')).body.eventIds[0];
    const successor = (await assume(ids.president, '2000-07-17')).body.eventIds[0];
    await expectRejected([office()], () => retract(departure), 409, 'eventId', 'LEADERSHIP.TERM_OVERLAPS');
    expect((await retract(successor)).status).toBe(201);
    expect((await retract(departure)).status).toBe(201);
  });

  it('a departure corrected to an unregistered person is a 422 naming changes.personId', async () => {
    await assume(ids.president, '2000-07-17');
    const departure = (await leave(ids.president, '2024-12-08')).body.eventIds[0];
    await expectRejected([office()], () => correct(departure, { personId: freshId('nobody') }), 422, 'changes.personId');
  });
});

describe('RetractFact', () => {
  it('appends a FactRetracted with reason, notice and actor', async () => {
    const eventId = await seize();
    const response = await retract(eventId);
    expect(response.status).toBe(201);
    const retraction = (await readStream(app, city())).at(-1);
    expect(retraction).toMatchObject({ type: 'FactRetracted', data: { eventId, factType: 'CitySeized', ...notice }, metadata: { actor: EDITOR, commandType: 'RetractFact' } });
  });

  it('retracting twice is a 409 naming eventId', async () => {
    const eventId = await seize();
    await retract(eventId);
    await expectRejected([city()], () => retract(eventId), 409, 'eventId', 'CORRECTIONS.ALREADY_RETRACTED');
  });

  it('an unknown eventId is a 404 naming it', () => expectRejected([city()], () => retract(randomUUID()), 404, 'eventId'));

  it('a retracted statement can be recorded anew under its id, as the identity-change error advises', async () => {
    const statementId = freshId('speech');
    const body = { statementId, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'Hi.', sources };
    const said = (await ok('/admin/statements', body)).body.eventIds[0] as string;
    const advice = await correct(said, { statementId: freshId('other') });
    expect(advice.body.errors[0].message).toContain('retract the fact and record it anew');
    expect((await retract(said)).status).toBe(201);
    const again = await post(app, '/admin/statements', { ...body, quote: 'Hello.' });
    expect(again.status).toBe(201);
    expect((await readStream(app, `statement-${statementId}`)).map((event) => event.type)).toEqual(['StatementIssued', 'FactRetracted', 'StatementIssued']);
    await expectRejected([`statement-${statementId}`], () => post(app, '/admin/statements', body), 409, 'statementId', 'STATEMENTS.STATEMENT_ALREADY_ISSUED');
  });
});

describe('as import lines (the command catalog)', () => {
  const run = (line: Record<string, unknown>) => {
    const { type, ...body } = line;
    const descriptor = commandCatalog[type as string];
    const validated = validateDto(descriptor.dto, body);
    if (!validated.ok) return Promise.reject(new Error(JSON.stringify(validated.errors)));
    const context = { actor: 'import:spec.ndjson', correlationId: randomUUID(), causationId: randomUUID() };
    return app.app.get(CommandBus).execute(descriptor.toCommand(validated.value, context));
  };

  it('CorrectFact and RetractFact lines go through the same handlers', async () => {
    const eventId = await seize();
    await run({ type: 'CorrectFact', eventId, changes: { summary: 'From the import.' }, ...notice });
    await run({ type: 'RetractFact', eventId, ...notice });
    const events = await readStream(app, city());
    expect(events.map((event) => [event.type, event.metadata.actor])).toEqual([
      ['PlaceRegistered', EDITOR],
      ['CitySeized', EDITOR],
      ['FactCorrected', 'import:spec.ndjson'],
      ['FactRetracted', 'import:spec.ndjson'],
    ]);
    await expect(run({ type: 'RetractFact', eventId, ...notice })).rejects.toMatchObject({ code: 'CORRECTIONS.ALREADY_RETRACTED' });
    await expect(run({ type: 'CorrectFact', eventId, changes: { summary: 'x' }, reason: 'r', notice: 'n', extra: 1 })).rejects.toThrow(/extra/);
  });
});
