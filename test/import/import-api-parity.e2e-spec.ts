import { jest } from '@jest/globals';
import { ImportService } from '../../src/import/import.service.js';
import { hashApiKey } from '../../src/shared/auth/api-keys.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Under jest on Node 20 the /docs page's @fastify/static cannot load (its dependency content-disposition is
 * ESM-only), and the app exits; as test/write-side/support.ts does, it is replaced by a plugin that serves nothing.
 * Nothing else is replaced: the API and the import run on the real embedded event store.
 */
async function startTestApp(env: Record<string, string>): Promise<TestApp> {
  jest.unstable_mockModule('@fastify/static', () => ({ default: async () => undefined }));
  const support = await import('../support/test-app.js');
  return support.startTestApp(env);
}

const SOURCE = { outlet: 'Import spec' };
const EDITOR_KEY = 'import-spec-editor-key';
const ADMIN_HEADERS = { 'x-api-key': EDITOR_KEY };
const day = (date: string) => ({ date, precision: 'day' });

describe('NDJSON import errors match the admin API', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ API_KEYS: `import-spec:editor:${hashApiKey(EDITOR_KEY)}` });
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
});
