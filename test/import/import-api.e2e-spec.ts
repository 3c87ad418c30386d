import { ImportService } from '../../src/import/import.service.js';
import { seedIfEmpty } from '../../src/import/seed.js';
import { hashApiKey } from '../../src/shared/auth/api-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const SOURCE = { outlet: 'Import spec' };
const EDITOR_KEY = 'import-spec-editor-key';
const ADMIN_HEADERS = { 'x-api-key': EDITOR_KEY };
const API_KEYS = `import-spec:editor+reader:${hashApiKey(EDITOR_KEY)}`;

/** GETs until `accept` holds (projections catch up asynchronously), or fails with the last answer. */
async function eventually(t: TestApp, url: string, accept: (body: any) => boolean): Promise<any> {
  let body: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await fetch(`${t.baseUrl}${url}`, { headers: ADMIN_HEADERS });
    body = response.ok ? await response.json() : { status: response.status, body: await response.text() };
    if (response.ok && accept(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`GET ${url} never matched; last answer ${JSON.stringify(body)}`);
}
const day = (date: string) => ({ date, precision: 'day' });

describe('NDJSON import through the app and its API', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ API_KEYS });
  });

  afterEach(async () => {
    await t.close();
  });

  it('reports the same error as the admin API for a rejected command', async () => {
    const body = { placeId: 'idlib-c', factionId: 'nobody-c', occurred: day('2024-12-01'), sources: [SOURCE] };
    const importer = t.app.get(ImportService);
    const summary = await importer.importText(
      [
        '{"type":"RegisterPlace","placeId":"idlib-c","name":"Idlib","country":"Syria"}',
        JSON.stringify({ type: 'SeizeCity', ...body }),
        JSON.stringify({ type: 'SeizeCity', ...body, factionId: 'Not A Slug', confidence: 'sure' }),
      ].join('\n'),
      'api-parity.ndjson',
    );
    expect(summary.rejected.map((r) => [r.line, r.error.status, r.error.code])).toEqual([
      [2, 422, expect.stringMatching(/UNKNOWN_FACTION/)],
      [3, 400, 'VALIDATION.FAILED'],
    ]);

    const viaApi = async (payload: object) => {
      const response = await fetch(`${t.baseUrl}/admin/places/idlib-c/seizures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...ADMIN_HEADERS },
        body: JSON.stringify(payload),
      });
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      return (await response.json()) as Record<string, unknown>;
    };
    for (const [index, payload] of [body, { ...body, factionId: 'Not A Slug', confidence: 'sure' }].entries()) {
      const api = await viaApi(payload);
      // The same problem body, but for `instance` (the request path), which only HTTP has.
      const { instance: _path, ...fromApi } = api;
      expect(summary.rejected[index].error).toEqual(fromApi);
    }
  });

  it('seeds the Hama story so the read models answer from it', async () => {
    expect((await seedIfEmpty(t.app))?.rejected).toEqual([]);

    const control = (place: string, asOf: string) => `/territory/places/${place}/control?asOf=${asOf}`;
    const holder = (office: string, asOf: string) => `/leadership/offices/${office}/holder?asOf=${asOf}`;
    // Hama: the government's until the seizure of 5 December 2024, HTS's from that day.
    await eventually(t, control('hama', '2024-12-05'), (b) => b.controller === 'hts');
    expect((await eventually(t, control('hama', '2024-12-04'), () => true)).controller).toBe('syrian-government');
    expect((await eventually(t, control('aleppo', '2024-12-01'), () => true)).controller).toBe('hts');

    await eventually(t, holder('president-of-syria', '2024-12-05'), (b) => b.holder === 'bashar-al-assad');
    expect((await eventually(t, holder('president-of-syria', '1999-01-01'), () => true)).holder).toBe('hafez-al-assad');
    const terms = await eventually(t, '/leadership/offices/president-of-syria/terms', (b) => b.length === 2);
    expect(terms).toMatchObject([
      { personId: 'hafez-al-assad', start: '1971-03-12', end: '2000-06-10', endReason: 'died', successorId: 'bashar-al-assad' },
      { personId: 'bashar-al-assad', end: null, predecessorId: 'hafez-al-assad' },
    ]);
  });
});
