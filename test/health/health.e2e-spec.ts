import { EventStoreConnection } from '../../src/infrastructure/event-store/event-store.module.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** GET /health (public): 200 with both stores up and every projection's lag, 503 once a store is unreachable. */
describe('GET /health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('answers 200 without a key, with both stores and every projection', async () => {
    const response = await fetch(`${app.baseUrl}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body).toMatchObject({ status: 'up', eventStore: { status: 'up' }, readStore: { status: 'up' } });
    expect(body.projections.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['territory.control.v1', 'audit.fact-index.v1']));
    for (const projection of body.projections) expect(projection).toHaveProperty('lag');
  });

  it('answers 503 with the event store down once the event store stops answering', async () => {
    // The embedded server is the store the app talks to through the real client: stop it under the app.
    const embedded = (app.app.get(EventStoreConnection) as unknown as { embedded: { close(): Promise<void> } }).embedded;
    await embedded.close();
    const response = await fetch(`${app.baseUrl}/health`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as any;
    expect(body).toMatchObject({ status: 'down', eventStore: { status: 'down', error: expect.any(String) }, readStore: { status: 'up' } });
    expect(Array.isArray(body.projections)).toBe(true);
  });
});
