import { startTestApp, type TestApp } from './support/test-app.js';

describe('OpenAPI page', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the OpenAPI document generated from the DTOs and the page at /docs', async () => {
    const spec = (await (await fetch(`${app.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/admin/places/{placeId}/seizures', '/territory/places/{placeId}/control', '/live/territory', '/health']),
    );
    expect(Object.keys(spec.components.schemas).length).toBeGreaterThan(5);
    const page = await fetch(`${app.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });
});
