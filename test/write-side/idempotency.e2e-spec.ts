import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import type { TestApp } from '../support/test-app.js';
import { day, freshId, post, readStream, sources, startApp } from './support.js';

/**
 * Idempotency-Key: a retry with the same key and body returns the first result and appends nothing, also after a
 * restart on the same store; the same key with another body is a 422 naming the header, nothing appended.
 */
const ids = () => ({ faction: freshId('hts'), other: freshId('gov'), place: freshId('hama') });

async function setUp(app: TestApp, world: ReturnType<typeof ids>) {
  for (const factionId of [world.faction, world.other]) expect((await post(app, '/admin/factions', { factionId, name: factionId })).status).toBe(201);
  expect((await post(app, '/admin/places', { placeId: world.place, name: 'Hama', country: 'Syria' })).status).toBe(201);
}

const seize = (app: TestApp, placeId: string, factionId: string, key: string, extra: object = {}) =>
  post(app, `/admin/places/${placeId}/seizures`, { factionId, occurred: day('2024-12-05'), sources, ...extra }, { 'idempotency-key': key });

describe('Idempotency-Key', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('the same key and body returns the first result and appends nothing', async () => {
    const world = ids();
    await setUp(app, world);
    const key = freshId('key');
    const first = await seize(app, world.place, world.faction, key);
    expect(first.status).toBe(201);
    const retry = await seize(app, world.place, world.faction, key);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    // Key order and nulls for absent optional fields do not make another body.
    const reordered = await post(app, `/admin/places/${world.place}/seizures`, { sources, occurred: day('2024-12-05'), fromFactionId: null, factionId: world.faction }, { 'idempotency-key': key });
    expect(reordered.body).toEqual(first.body);
    expect(await readStream(app, `city-${world.place}`)).toHaveLength(2);
    expect((await readStream(app, `city-${world.place}`))[1].metadata).toMatchObject({ idempotencyKey: key, requestHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('the same key with a different body is a 422 naming Idempotency-Key, nothing appended', async () => {
    const world = ids();
    await setUp(app, world);
    const key = freshId('key');
    expect((await seize(app, world.place, world.faction, key)).status).toBe(201);
    const before = await readStream(app, `city-${world.place}`);
    const response = await seize(app, world.place, world.other, key);
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 422, code: 'REQUEST.IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key', message: expect.any(String) }] });
    const changedSummary = await seize(app, world.place, world.faction, key, { summary: 'Another report.' });
    expect(changedSummary.status).toBe(422);
    expect(await readStream(app, `city-${world.place}`)).toEqual(before);
  });

  it('the same key for another stream (another place) is a 422 too, once the audit index has the first use', async () => {
    const world = ids();
    await setUp(app, world);
    const otherPlace = freshId('aleppo');
    expect((await post(app, '/admin/places', { placeId: otherPlace, name: 'Aleppo', country: 'Syria' })).status).toBe(201);
    const key = freshId('key');
    expect((await seize(app, world.place, world.faction, key)).status).toBe(201);
    await app.app.get(ProjectionRunner).waitForHead({ timeoutMs: 5000 });
    const response = await seize(app, otherPlace, world.faction, key);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'REQUEST.IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key', message: expect.any(String) }], firstStreamName: `city-${world.place}` });
    expect(await readStream(app, `city-${otherPlace}`)).toHaveLength(1);
    // The retry on the first stream still returns the first result.
    expect((await seize(app, world.place, world.faction, key)).status).toBe(201);
  });
});

describe('Idempotency-Key: bodies that mean different things, and one key for two streams at once', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it('corrections removing different fields (changes: {x: null}) under one key are two requests: the second is a 422', async () => {
    const world = ids();
    await setUp(app, world);
    const seized = await seize(app, world.place, world.faction, freshId('key'), { fromFactionId: world.other, confidence: 'reported' });
    expect(seized.status).toBe(201);
    const key = freshId('key');
    const correct = (changes: object) => post(app, '/admin/corrections', { eventId: seized.body.eventIds[0], changes, reason: 'R', notice: 'N' }, { 'idempotency-key': key });
    const first = await correct({ fromFactionId: null });
    expect(first.status).toBe(201);
    expect((await correct({ fromFactionId: null })).body).toEqual(first.body);
    const before = await readStream(app, `city-${world.place}`);
    const second = await correct({ confidence: null });
    expect(second.status).toBe(422);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(second.body).toMatchObject({ code: 'REQUEST.IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key', message: expect.any(String) }] });
    expect(await readStream(app, `city-${world.place}`)).toEqual(before);
  });

  it('one key sent for two places at once (or back to back) appends once: the other request is a 422', async () => {
    const world = ids();
    await setUp(app, world);
    const otherPlace = freshId('aleppo');
    expect((await post(app, '/admin/places', { placeId: otherPlace, name: 'Aleppo', country: 'Syria' })).status).toBe(201);
    const key = freshId('key');
    const answers = await Promise.all([seize(app, world.place, world.faction, key), seize(app, otherPlace, world.faction, key)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 422]);
    const refused = answers.find((answer) => answer.status === 422)!;
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'REQUEST.IDEMPOTENCY_KEY_REUSED', errors: [{ field: 'Idempotency-Key', message: expect.any(String) }] });
    const appended = (await readStream(app, `city-${world.place}`)).length + (await readStream(app, `city-${otherPlace}`)).length;
    expect(appended).toBe(2 + 1);

    const next = freshId('key');
    expect((await seize(app, world.place, world.faction, next)).status).toBe(201);
    expect((await seize(app, otherPlace, world.faction, next)).status).toBe(422);
  });

  it('a key whose first request was refused (nothing appended) is free for another stream', async () => {
    const world = ids();
    await setUp(app, world);
    const otherPlace = freshId('aleppo');
    expect((await post(app, '/admin/places', { placeId: otherPlace, name: 'Aleppo', country: 'Syria' })).status).toBe(201);
    const key = freshId('key');
    // Refused while deciding (a stale If-Match), after the key was claimed for this place.
    const stale = await post(app, `/admin/places/${world.place}/seizures`, { factionId: world.faction, occurred: day('2024-12-05'), sources }, { 'idempotency-key': key, 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    expect((await seize(app, otherPlace, world.faction, key)).status).toBe(201);
    expect(await readStream(app, `city-${world.place}`)).toHaveLength(1);
  });
});

describe('Idempotency-Key after a restart on the same store', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-idempotency-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('a retry returns the first result and a different body is still a 422', async () => {
    const world = ids();
    const key = freshId('key');
    const first = await startApp({ DATA_DIR: dataDir });
    let firstResult;
    try {
      await setUp(first, world);
      firstResult = (await seize(first, world.place, world.faction, key)).body;
    } finally {
      await first.close();
    }

    const second = await startApp({ DATA_DIR: dataDir });
    try {
      const retry = await seize(second, world.place, world.faction, key);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(firstResult);
      const other = await seize(second, world.place, world.other, key);
      expect(other.status).toBe(422);
      expect(other.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
      expect(await readStream(second, `city-${world.place}`)).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});
