import { type EventStoreDBClient, StreamNotFoundError } from '@eventstore/db-client';
import { randomBytes } from 'node:crypto';
import { ConfigValidationError, loadConfig } from '../../src/config/app-config.js';
import { EVENT_STORE_CLIENT } from '../../src/infrastructure/event-store/event-store.module.js';
import { DEVELOPMENT_KEYS, hashApiKey, parseApiKeys } from '../../src/shared/auth/api-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const EDITOR_KEY = `editor-${randomBytes(8).toString('hex')}`;
const AUDITOR_KEY = `auditor-${randomBytes(8).toString('hex')}`;
const READER_KEY = `reader-${randomBytes(8).toString('hex')}`;
const RATE_LIMIT = 25;

const freshId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

async function call(app: TestApp, method: string, path: string, key?: string, body?: unknown) {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(key ? { 'x-api-key': key } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
}

async function streamExists(app: TestApp, stream: string): Promise<boolean> {
  const client = app.app.get<EventStoreDBClient>(EVENT_STORE_CLIENT);
  try {
    for await (const _ of client.readStream(stream, { maxCount: 10 })) void _;
    return true;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return false;
    throw error;
  }
}

describe('API keys and roles', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      API_KEYS: [
        `alice:editor:${hashApiKey(EDITOR_KEY)}`,
        `audit-desk:auditor:${hashApiKey(AUDITOR_KEY)}`,
        `liveblog:reader:${hashApiKey(READER_KEY)}`,
      ].join(','),
      RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 401 problem+json without a key, and appends nothing', async () => {
    const factionId = freshId('no-key');
    const response = await call(app, 'POST', '/admin/factions', undefined, { factionId, name: 'No key' });
    expect(response.status).toBe(401);
    expect(response.type).toContain('application/problem+json');
    expect(await streamExists(app, `faction-${factionId}`)).toBe(false);
  });

  it('answers 401 for a key that is not configured', async () => {
    const response = await call(app, 'GET', '/territory/control', 'not-a-key');
    expect(response.status).toBe(401);
  });

  it('answers 403 when the role does not allow it, and appends nothing', async () => {
    const factionId = freshId('reader');
    const asReader = await call(app, 'POST', '/admin/factions', READER_KEY, { factionId, name: 'Reader tries' });
    expect(asReader.status).toBe(403);
    expect(asReader.type).toContain('application/problem+json');
    const asAuditor = await call(app, 'POST', '/admin/factions', AUDITOR_KEY, { factionId, name: 'Auditor tries' });
    expect(asAuditor.status).toBe(403);
    expect(await streamExists(app, `faction-${factionId}`)).toBe(false);
    expect((await call(app, 'GET', `/admin/audit/streams/faction-${factionId}`, EDITOR_KEY)).status).toBe(403);
  });

  it('checks the role of the route a percent-encoded path reaches (no role bypass through escapes)', async () => {
    const factionId = freshId('escaped');
    for (const path of ['/%61dmin/factions', '/admin/%66actions', '/%61%64%6d%69%6e/factions']) {
      const response = await call(app, 'POST', path, READER_KEY, { factionId, name: 'Escaped' });
      expect(response.status).toBe(403);
      expect(response.type).toContain('application/problem+json');
    }
    expect(await streamExists(app, `faction-${factionId}`)).toBe(false);
    for (const path of ['/%61dmin/audit/streams/city-hama', '/admin/%61udit/correlations/x', '/admin/%70rojections']) {
      expect((await call(app, 'GET', path, READER_KEY)).status).toBe(403);
      expect((await call(app, 'GET', path, EDITOR_KEY)).status).toBe(403);
    }
    const rebuild = await call(app, 'POST', '/admin/%70rojections/timeline.facts.v1/rebuild', EDITOR_KEY);
    expect(rebuild.status).toBe(403);
    expect((await call(app, 'GET', '/admin/%70rojections', AUDITOR_KEY)).status).toBe(200);
    expect((await call(app, 'GET', '/%68ealth')).status).toBe(200);
  });

  it('lets each role do its part and records the key owner as the actor', async () => {
    const factionId = freshId('alice');
    expect((await call(app, 'POST', '/admin/factions', EDITOR_KEY, { factionId, name: 'By Alice' })).status).toBe(201);
    const history = await call(app, 'GET', `/admin/audit/streams/faction-${factionId}`, AUDITOR_KEY);
    expect(history.status).toBe(200);
    expect(history.body[0].metadata.actor).toBe('alice');
    expect((await call(app, 'GET', '/territory/control', READER_KEY)).status).toBe(200);
    expect((await call(app, 'GET', '/health')).status).toBe(200);
  });

  it('ignores an actor header: the actor is always the key owner', async () => {
    const factionId = freshId('spoof');
    const response = await fetch(`${app.baseUrl}/admin/factions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': EDITOR_KEY, 'x-actor': 'someone-else' },
      body: JSON.stringify({ factionId, name: 'Spoof' }),
    });
    expect(response.status).toBe(201);
    const history = await call(app, 'GET', `/admin/audit/streams/faction-${factionId}`, AUDITOR_KEY);
    expect(history.body[0].metadata.actor).toBe('alice');
  });

  it('rate-limits the admin API per key with 429, and not the queries', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 5; i++) {
      statuses.push((await call(app, 'GET', '/admin/audit/streams/faction-none', AUDITOR_KEY)).status);
    }
    expect(statuses).toContain(429);
    // The budget is the key's across the whole admin API, not per route.
    const limited = await call(app, 'GET', `/admin/audit/correlations/${freshId('corr')}`, AUDITOR_KEY);
    expect(limited.status).toBe(429);
    expect(limited.type).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'REQUEST.RATE_LIMITED', type: 'urn:dateline:problem:request.rate-limited' });
    expect(limited.body.detail).toMatch(new RegExp(`At most ${RATE_LIMIT} admin requests per minute for this key; retry in`));
    // Another key still has its own budget.
    expect((await call(app, 'POST', '/admin/factions', EDITOR_KEY, { factionId: freshId('after'), name: 'x' })).status).not.toBe(429);
    for (let i = 0; i < RATE_LIMIT + 5; i++) {
      expect((await call(app, 'GET', '/territory/control', READER_KEY)).status).toBe(200);
    }
  });
});

describe('API key configuration', () => {
  it('refuses to start in production without API_KEYS', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ NODE_ENV: 'production', API_KEYS: `ops:editor:${hashApiKey('k')}` })).not.toThrow();
  });

  it('refuses to start in production with an API_KEYS that lists no key (whitespace, only commas)', () => {
    for (const API_KEYS of ['   ', ',', ' , ,, ', '\t,\n']) {
      expect(() => loadConfig({ NODE_ENV: 'production', API_KEYS })).toThrow(/API_KEYS: required when NODE_ENV=production/);
    }
    // Outside production such a value is unset, as an empty one is: the development keys apply.
    expect(loadConfig({ NODE_ENV: 'development', API_KEYS: ' , ' }).API_KEYS).toBeUndefined();
  });

  it('refuses a SEED that is neither true nor false, naming it (README: a bad value stops the process)', () => {
    for (const SEED of ['nope', 'ture', '2']) expect(() => loadConfig({ SEED })).toThrow(/SEED/);
    for (const SEED of ['false', '0', 'no', 'off', 'FALSE']) expect(loadConfig({ SEED }).SEED).toBe(false);
    for (const SEED of ['true', '1', 'yes', 'on', 'True']) expect(loadConfig({ SEED }).SEED).toBe(true);
    expect(loadConfig({}).SEED).toBe(true);
  });

  it('rejects malformed entries with a message naming the owner', () => {
    expect(() => parseApiKeys('bob:admin:' + hashApiKey('k'))).toThrow(/bob: unknown role "admin"/);
    expect(() => parseApiKeys('bob:editor:not-a-hash')).toThrow(/bob: the hash/);
  });

  it('works out of the box in development with the printed keys', async () => {
    const app = await startTestApp();
    try {
      const editor = DEVELOPMENT_KEYS.find((key) => key.roles.includes('editor'))!;
      const response = await call(app, 'POST', '/admin/factions', editor.key, { factionId: freshId('dev'), name: 'Dev' });
      expect(response.status).toBe(201);
      expect((await call(app, 'POST', '/admin/factions', undefined, { factionId: freshId('dev'), name: 'Dev' })).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
