import { type EventStoreDBClient, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import { randomBytes } from 'node:crypto';
import { EVENT_STORE_CLIENT } from '../../src/infrastructure/event-store/event-store.module.js';
import { hashApiKey } from '../../src/shared/auth/api-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The editor key the specs send with commands, and an auditor key for the audit endpoints. */
export const EDITOR_KEY = 'write-side-spec-editor-key';
export const EDITOR = 'write-side-spec';
export const AUDITOR_KEY = 'write-side-spec-auditor-key';
export const AUDITOR = 'write-side-spec-auditor';

/** The app on a fresh embedded store (or on `env.DATA_DIR`, to restart on the same store), with both keys. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ API_KEYS: `${EDITOR}:editor:${hashApiKey(EDITOR_KEY)},${AUDITOR}:auditor:${hashApiKey(AUDITOR_KEY)}`, ...env });
}

/** A fresh slug per test, so tests run in any order against one store. */
export const freshId = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

export async function post(app: TestApp, path: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': EDITOR_KEY, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** GET with the auditor key (audit endpoints). */
export async function audit(app: TestApp, path: string, key = AUDITOR_KEY): Promise<ApiResponse> {
  const response = await fetch(`${app.baseUrl}${path}`, { headers: { 'x-api-key': key } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export interface ReadEvent {
  id: string;
  type: string;
  data: any;
  metadata: any;
  revision: bigint;
}

/** The stream as the real client reads it ([] when it does not exist). */
export async function readStream(app: TestApp, streamName: string): Promise<ReadEvent[]> {
  const client = app.app.get<EventStoreDBClient>(EVENT_STORE_CLIENT);
  const events: ReadEvent[] = [];
  try {
    for await (const { event } of client.readStream(streamName, { direction: FORWARDS, fromRevision: START })) {
      if (event) events.push({ id: event.id, type: event.type, data: event.data, metadata: event.metadata, revision: event.revision });
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return events;
}

export const sources = [{ outlet: 'Reuters', url: 'https://www.reuters.com/world/middle-east/' }];
export const day = (date: string) => ({ date, precision: 'day' });

/** Registers reference data through the API and returns the ids. */
export async function world(app: TestApp) {
  const ids = {
    hts: freshId('hts'),
    government: freshId('gov'),
    place: freshId('hama'),
    person: freshId('jawlani'),
    president: freshId('assad'),
    office: freshId('president'),
  };
  const ok = async (path: string, body: object) => {
    const response = await post(app, path, body);
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
  };
  await ok('/admin/factions', { factionId: ids.hts, name: 'Hayat Tahrir al-Sham', aliases: ['HTS'] });
  await ok('/admin/factions', { factionId: ids.government, name: 'Syrian government' });
  await ok('/admin/places', { placeId: ids.place, name: 'Hama', country: 'Syria', kind: 'city', coordinates: { lat: 35.13, lon: 36.75 } });
  await ok('/admin/people', { personId: ids.person, name: 'Abu Mohammed al-Jawlani' });
  await ok('/admin/people', { personId: ids.president, name: 'Bashar al-Assad' });
  await ok('/admin/offices', { officeId: ids.office, title: 'President of Syria', jurisdiction: 'Syria' });
  return ids;
}
