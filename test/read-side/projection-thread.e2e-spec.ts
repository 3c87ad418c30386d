import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { ProjectionStatus } from '../../src/infrastructure/projections/projection-runner.js';
import { ThreadedProjectionRunner } from '../../src/infrastructure/projections/projection-thread.js';
import { hashApiKey } from '../../src/shared/auth/api-keys.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The projections in their own worker thread (PROJECTIONS_THREAD=worker, the default), and in the API's thread
 * (`main`): the same answers over HTTP; a thread that dies is reported and started again from its checkpoints.
 */
const EDITOR_KEY = `editor-${randomBytes(8).toString('hex')}`;
const READER_KEY = `reader-${randomBytes(8).toString('hex')}`;
const API_KEYS = `t-editor:editor+auditor:${hashApiKey(EDITOR_KEY)},t-reader:reader:${hashApiKey(READER_KEY)}`;
const uid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const sources = [{ outlet: 'Reuters' }];
const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function send(t: TestApp, method: string, path: string, body?: object): Promise<{ status: number; body: any }> {
  const response = await fetch(`${t.baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-api-key': method === 'GET' ? READER_KEY : EDITOR_KEY },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let startTestApp: (env?: Record<string, string>) => Promise<TestApp>;
let ProjectionRunnerToken: unknown;
let projectionWorkerEntry: () => URL;

beforeAll(async () => {
  // As in the other e2e specs: @fastify/static (the /docs assets) cannot load under jest on Node 20.
  jest.unstable_mockModule('@fastify/static', () => ({ default: async () => undefined }));
  ({ startTestApp } = await import('../support/test-app.js'));
  ({ ProjectionRunner: ProjectionRunnerToken } = await import('../../src/infrastructure/projections/projection-runner.js'));
  ({ projectionWorkerEntry } = await import('../../src/app.module.js'));
});

/** Registers a place and a seizure, and answers who controlled it the day after, once projected. */
async function seizeAndAsk(t: TestApp, runner: { waitFor(position: string): Promise<void> }): Promise<string | null> {
  const [place, faction] = [uid('place'), uid('faction')];
  await send(t, 'POST', '/admin/factions', { factionId: faction, name: faction });
  await send(t, 'POST', '/admin/places', { placeId: place, name: place, country: 'SY' });
  const seized = await send(t, 'POST', `/admin/places/${place}/seizures`, { factionId: faction, occurred: { date: '2024-12-05', precision: 'day' }, sources });
  expect(seized.status).toBe(201);
  await runner.waitFor(seized.body.position);
  const control = await send(t, 'GET', `/territory/places/${place}/control?asOf=2024-12-06`);
  return control.body.controller === faction ? faction : null;
}

describe.each(['worker', 'main'])('PROJECTIONS_THREAD=%s', (thread) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ API_KEYS, PROJECTIONS_THREAD: thread });
  });
  afterAll(() => t.close());

  it('answers a query with what a command recorded, after waitFor(position); health shows every projection live', async () => {
    const runner = t.app.get(ProjectionRunnerToken as never) as ThreadedProjectionRunner;
    expect(runner instanceof ThreadedProjectionRunner).toBe(thread === 'worker');
    expect(await seizeAndAsk(t, runner)).not.toBeNull();
    const health = await send(t, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.projections.map((p: ProjectionStatus) => p.state)).toEqual(['live', 'live', 'live', 'live']);
  });
});

describe('the projection worker thread', () => {
  it('that dies is reported failed, started again from its checkpoints, and then projects what came meanwhile', async () => {
    const t = await startTestApp({ API_KEYS });
    try {
      const runner = t.app.get(ProjectionRunnerToken as never) as ThreadedProjectionRunner;
      expect(await seizeAndAsk(t, runner)).not.toBeNull();
      const applied = runner.statusSnapshot().map((status) => status.eventsApplied);
      const live = await fetch(`${t.baseUrl}/live/territory`, { headers: { 'x-api-key': READER_KEY } });
      expect(live.status).toBe(200);
      const ended = (async () => {
        const reader = live.body!.getReader();
        while (!(await reader.read()).done);
        return 'ended';
      })();
      await runner.thread!.terminate();
      // Changes the thread committed but never posted would be missing from open streams: they end, so that clients
      // resume from their last event id and the log replays what they missed.
      expect(await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('still open'), 5000))])).toBe('ended');
      const down = await until(() => send(t, 'GET', '/health'), (health) => health.body.projections[0].state === 'failed');
      expect(down.body.projections[0]).toMatchObject({ state: 'failed', error: { message: expect.stringContaining('projection thread ended') } });
      // Commands are still taken while the thread is down; once it is back, they are projected exactly once.
      const [place, faction] = [uid('place'), uid('faction')];
      await send(t, 'POST', '/admin/factions', { factionId: faction, name: faction });
      await send(t, 'POST', '/admin/places', { placeId: place, name: place, country: 'SY' });
      const seized = await send(t, 'POST', `/admin/places/${place}/seizures`, { factionId: faction, occurred: { date: '2024-12-05', precision: 'day' }, sources });
      expect(seized.status).toBe(201);
      const back = await until(() => send(t, 'GET', '/health'), (health) => health.body.projections.every((p: ProjectionStatus) => p.state === 'live'));
      expect(back.body.projections.map((p: ProjectionStatus) => p.state)).toEqual(['live', 'live', 'live', 'live']);
      await runner.waitFor(seized.body.position);
      expect((await send(t, 'GET', `/territory/places/${place}/control?asOf=2024-12-06`)).body.controller).toBe(faction);
      const history = await send(t, 'GET', `/territory/places/${place}/history`);
      expect(history.body).toHaveLength(1);
      // The new thread counts from its restart: nothing before the checkpoint was applied again.
      expect(runner.statusSnapshot().map((status) => status.eventsApplied).every((n, i) => n <= applied[i])).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('refuses to start when it runs other projections than the app registered, naming both', async () => {
    const runner = new ThreadedProjectionRunner({
      entry: projectionWorkerEntry(),
      eventStoreUrl: 'esdb://127.0.0.1:1?tls=false',
      readStore: { dialect: 'sqlite', path: ':memory:', exclusive: false },
      expectedNames: () => ['territory.control.v1', 'somewhere.else.v1'],
      logger: silent,
    });
    await expect(runner.start()).rejects.toThrow(/runs \[.*territory\.control\.v1.*\] but the app registered \[somewhere\.else\.v1, territory\.control\.v1\]/);
  });

  it("passes on the worker's own error when it cannot start", async () => {
    const runner = new ThreadedProjectionRunner({
      entry: projectionWorkerEntry(),
      eventStoreUrl: 'esdb://127.0.0.1:1?tls=false',
      readStore: { dialect: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none', schema: 'none' },
      expectedNames: () => [],
      logger: silent,
    });
    await expect(runner.start()).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
