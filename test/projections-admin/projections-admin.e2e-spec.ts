import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestApp } from '../support/test-app.js';
import { command, get } from '../timeline/support.js';
import { audit, AUDITOR_KEY, day, EDITOR_KEY, freshId, sources, startApp, world } from '../write-side/support.js';

/** /admin/projections: status, rebuild from the log (same answers afterwards), compare with a scratch replay. */
let app: TestApp;
let ids: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  ids = await world(app);
});
afterAll(() => app.close());

const send = async (method: string, path: string, key = AUDITOR_KEY, on: TestApp = app) => {
  const response = await fetch(`${on.baseUrl}${path}`, { method, headers: { 'x-api-key': key } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
};

async function story(on = app, of = ids) {
  const seized = await command(on, `/admin/places/${of.place}/seizures`, { factionId: of.hts, fromFactionId: of.government, occurred: day('2024-12-06'), sources });
  await command(on, `/admin/places/${of.place}/seizures`, { factionId: of.government, occurred: day('2016-01-01'), sources });
  await command(on, '/admin/corrections', { eventId: seized.eventIds[0], changes: { occurred: day('2024-12-05') }, reason: 'r', notice: 'n' });
  await command(on, `/admin/offices/${of.office}/terms`, { personId: of.president, occurred: day('2000-07-17'), sources });
  const left = await command(on, `/admin/offices/${of.office}/departures`, { personId: of.president, reason: 'ousted', occurred: day('2024-12-08'), sources });
  await command(on, '/admin/retractions', { eventId: left.eventIds[0], reason: 'premature', notice: 'withdrawn' });
}

const answers = async (on = app, of = ids) => ({
  history: (await get(on, `/territory/places/${of.place}/history`)).body,
  control: (await get(on, `/territory/places/${of.place}/control?asOf=2024-12-05`)).body,
  terms: (await get(on, `/leadership/offices/${of.office}/terms`)).body,
  timeline: (await get(on, `/timeline?placeId=${of.place}&includeRetracted=true`)).body,
  people: (await get(on, `/timeline?personId=${of.president}&includeRetracted=true`)).body,
});

describe('/admin/projections', () => {
  it('lists every projection with its state and checkpoint', async () => {
    const { status, body } = await send('GET', '/admin/projections');
    expect(status).toBe(200);
    expect(body.map((projection: any) => projection.name)).toEqual(expect.arrayContaining(['territory.control.v1', 'timeline.facts.v1', 'audit.fact-index.v1']));
    expect(body[0]).toEqual(expect.objectContaining({ state: expect.any(String), checkpoint: expect.anything(), lag: expect.anything(), rebuild: null }));
  });

  const MODES = ['copy', 'in-place'] as const;
  const NAMES = ['territory.control.v1', 'leadership.terms.v3', 'timeline.facts.v1', 'audit.fact-index.v1'];

  describe.each(MODES)('rebuild, mode %s', (mode) => {
    it.each(NAMES)('rebuilding %s from the log gives the same answers as before', async (name) => {
      await story();
      const before = await answers();
      const rebuilt = await send('POST', `/admin/projections/${name}/rebuild?wait=true&mode=${mode}`);
      expect(rebuilt.status).toBe(200);
      expect(rebuilt.body).toMatchObject({ name, mode, state: 'done', percent: 100, error: null, target: expect.any(String), checkpoint: expect.any(String) });
      expect(rebuilt.body.eventsApplied).toBeGreaterThan(0);
      expect(BigInt(rebuilt.body.checkpoint)).toBeGreaterThanOrEqual(BigInt(rebuilt.body.target));
      expect(await answers()).toEqual(before);
      const status = await send('GET', `/admin/projections/${name}`);
      expect(status.body).toMatchObject({ name, rebuild: { mode, state: 'done' } });
      expect((await send('GET', `/admin/projections/${name}/compare`)).body.identical).toBe(true);
    });

    it('without wait answers 202 with its progress, answers stay the same throughout, and it finishes', async () => {
      await story();
      const before = await answers();
      const started = await send('POST', `/admin/projections/timeline.facts.v1/rebuild?mode=${mode}`);
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ name: 'timeline.facts.v1', mode, state: expect.stringMatching(/rebuilding|done/), target: expect.any(String) });
      if (mode === 'copy') expect(await answers()).toEqual(before);
      const deadline = Date.now() + 15_000;
      let progress = started.body;
      while (progress.state === 'rebuilding' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        progress = (await send('GET', '/admin/projections/timeline.facts.v1')).body.rebuild;
        if (mode === 'copy') expect(await answers()).toEqual(before);
      }
      expect(progress).toMatchObject({ state: 'done', percent: 100 });
      expect(await answers()).toEqual(before);
    });

    it('repairs a live model that drifted from the log', async () => {
      await story();
      const { ReadStore } = await import('../../src/infrastructure/read-store/read-store.js');
      const db = app.app.get(ReadStore).db;
      const placeId = freshId('tampered');
      await db
        .insertInto('territory_control_intervals')
        .values({ place_id: placeId, seq: 0, controller: 'nobody', from_date: null, to_date: null, disputed: 0, contenders: '[]', source_event_ids: '[]', approximate: 0, inferred: 0 })
        .execute();
      expect((await send('GET', '/admin/projections/territory.control.v1/compare')).body.identical).toBe(false);
      expect((await send('POST', `/admin/projections/territory.control.v1/rebuild?wait=true&mode=${mode}`)).body.state).toBe('done');
      expect(await db.selectFrom('territory_control_intervals').selectAll().where('place_id', '=', placeId).execute()).toEqual([]);
      expect((await send('GET', '/admin/projections/territory.control.v1/compare')).body.identical).toBe(true);
    });
  });

  it('a copy rebuild while commands keep arriving ends with every event in the model, identical to the log', async () => {
    await story();
    const started = await send('POST', '/admin/projections/timeline.facts.v1/rebuild');
    expect(started.status).toBe(202);
    const seizures = [];
    for (let i = 1; i <= 12; i++) {
      seizures.push(await command(app, `/admin/places/${ids.place}/seizures`, { factionId: i % 2 ? ids.hts : ids.government, occurred: day(`2025-01-${String(i).padStart(2, '0')}`), sources }));
    }
    const deadline = Date.now() + 15_000;
    let progress = started.body;
    while (progress.state === 'rebuilding' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      progress = (await send('GET', '/admin/projections/timeline.facts.v1')).body.rebuild;
    }
    expect(progress.state).toBe('done');
    const { ProjectionRunner } = await import('../../src/infrastructure/projections/projection-runner.js');
    await app.app.get(ProjectionRunner).waitFor(seizures[seizures.length - 1].position);
    const timeline = (await get(app, `/timeline?placeId=${ids.place}&from=2025-01-01`)).body;
    expect(timeline.map((item: any) => item.eventId)).toEqual(seizures.map((seizure) => seizure.eventIds[0]));
    expect((await send('GET', '/admin/projections/timeline.facts.v1/compare')).body.identical).toBe(true);
  });

  it('a second rebuild of the same projection while one runs is refused (409 problem naming name)', async () => {
    await story();
    const { ProjectionsAdminService } = await import('../../src/projections-admin/projections-admin.service.js');
    const admin = app.app.get(ProjectionsAdminService);
    const first = admin.rebuild('timeline.facts.v1', { wait: true });
    const second = await send('POST', '/admin/projections/timeline.facts.v1/rebuild');
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'PROJECTIONS.REBUILD_RUNNING', errors: [{ field: 'name' }] });
    expect(await first).toMatchObject({ state: 'done' });
  });

  it.each([
    ['mode=sideways', 'mode'],
    ['wait=maybe', 'wait'],
  ])('%s is a 400 problem naming %s', async (query, field) => {
    const { status, body } = await send('POST', `/admin/projections/timeline.facts.v1/rebuild?${query}`);
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ field })]);
  });

  it.each(['territory.control.v1', 'leadership.terms.v3', 'timeline.facts.v1', 'audit.fact-index.v1'])('compare: %s equals a copy replayed from the log', async (name) => {
    await story();
    const { status, body } = await send('GET', `/admin/projections/${name}/compare`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name, identical: true, position: expect.any(String) });
    expect(body.eventsReplayed).toBeGreaterThan(0);
    for (const table of body.tables) expect(table).toMatchObject({ onlyLiveCount: 0, onlyRebuiltCount: 0, liveRows: table.rebuiltRows });
    expect(body.tables.some((table: any) => table.liveRows > 0)).toBe(true);
  });

  it('compare shows rows that differ from the log', async () => {
    await story();
    const { ReadStore } = await import('../../src/infrastructure/read-store/read-store.js');
    const db = app.app.get(ReadStore).db;
    const placeId = freshId('tampered');
    await db
      .insertInto('territory_control_intervals')
      .values({ place_id: placeId, seq: 0, controller: 'nobody', from_date: null, to_date: null, disputed: 0, contenders: '[]', source_event_ids: '[]', approximate: 0, inferred: 0 })
      .execute();
    try {
      const { body } = await send('GET', '/admin/projections/territory.control.v1/compare');
      expect(body.identical).toBe(false);
      const intervals = body.tables.find((table: any) => table.table === 'territory_control_intervals');
      expect(intervals).toMatchObject({ onlyLiveCount: 1, onlyRebuiltCount: 0, onlyLive: [expect.objectContaining({ place_id: placeId, controller: 'nobody' })] });
    } finally {
      await db.deleteFrom('territory_control_intervals').where('place_id', '=', placeId).execute();
    }
  });

  it.each([
    ['POST', '/admin/projections/no.such.v1/rebuild'],
    ['GET', '/admin/projections/no.such.v1'],
    ['GET', '/admin/projections/no.such.v1/compare'],
  ])('%s %s: an unknown projection is a 404 problem naming name', async (method, path) => {
    const { status, headers, body } = await send(method, path);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 404, code: 'PROJECTIONS.UNKNOWN_PROJECTION', errors: [{ field: 'name', message: expect.any(String) }] });
  });

  it('needs the auditor role', async () => {
    expect((await send('POST', '/admin/projections/timeline.facts.v1/rebuild', EDITOR_KEY)).status).toBe(403);
    expect((await audit(app, '/admin/projections', EDITOR_KEY)).status).toBe(403);
    expect((await send('GET', '/admin/projections', 'no-such-key')).status).toBe(401);
  });
});

describe('an in-place rebuild asked while the projection thread is down', () => {
  it('is refused with a 409 problem naming name, and does not block the rebuilds asked once the thread is back', async () => {
    const { ProjectionRunner } = await import('../../src/infrastructure/projections/projection-runner.js');
    const runner = app.app.get(ProjectionRunner) as unknown as { thread?: { terminate(): Promise<number> } };
    await runner.thread!.terminate();
    for (let i = 0; i < 100 && runner.thread; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runner.thread).toBeUndefined();

    const refused = await send('POST', '/admin/projections/timeline.facts.v1/rebuild?mode=in-place');
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'PROJECTIONS.THREAD_DOWN', errors: [{ field: 'name' }] });

    // The thread is started again (1 s backoff); a rebuild asked then runs, rather than a 409 "being rebuilt already".
    for (let i = 0; i < 200; i++) {
      const health = await send('GET', '/health');
      if (runner.thread && health.body.projections.every((p: { state: string }) => p.state === 'live')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const rebuilt = await send('POST', '/admin/projections/timeline.facts.v1/rebuild?mode=in-place&wait=true');
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body).toMatchObject({ state: 'done', mode: 'in-place' });
  });
});

describe('a copy rebuild waited for that fails', () => {
  it('answers 500 problem+json PROJECTIONS.REBUILD_FAILED naming the projection and the reason, and leaves the live model as it was', async () => {
    // A real cause: the event store (external, as EVENTSTORE_URL) stops answering while the log is replayed.
    const { startEmbeddedEventStore } = await import('../../src/infrastructure/embedded-esdb/index.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-rebuild-'));
    const dbPath = path.join(dir, 'events.db');
    let store = await startEmbeddedEventStore({ dbPath, port: 0 });
    const port = store.port;
    const external = await startApp({ EVENTSTORE_URL: store.connectionString });
    try {
      const of = await world(external);
      await story(external, of);
      const before = await answers(external, of);
      await store.close();

      const name = 'territory.control.v1';
      const failed = await send('POST', `/admin/projections/${name}/rebuild?wait=true`, AUDITOR_KEY, external);
      expect(failed.status).toBe(500);
      expect(failed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(failed.body).toMatchObject({
        status: 500,
        code: 'PROJECTIONS.REBUILD_FAILED',
        name,
        reason: expect.stringMatching(/\S/),
        rebuild: { name, mode: 'copy', state: 'failed', finishedAt: expect.any(String), checkpoint: null, percent: 0, eventsApplied: 0 },
      });
      expect(failed.body.detail).toContain(name);
      expect(failed.body.detail).toContain(failed.body.reason);
      expect(failed.body.rebuild.error).toBe(failed.body.reason);
      expect(await answers(external, of)).toEqual(before);
      expect((await send('GET', `/admin/projections/${name}`, AUDITOR_KEY, external)).body.rebuild).toMatchObject({ state: 'failed', error: failed.body.reason });

      // The store is back: the next rebuild runs (the failed one does not hold it up) and changes no answer.
      store = await startEmbeddedEventStore({ dbPath, port });
      const rebuilt = await send('POST', `/admin/projections/${name}/rebuild?wait=true`, AUDITOR_KEY, external);
      expect(rebuilt.status).toBe(200);
      expect(rebuilt.body).toMatchObject({ name, mode: 'copy', state: 'done', error: null });
      expect(await answers(external, of)).toEqual(before);
    } finally {
      await external.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
