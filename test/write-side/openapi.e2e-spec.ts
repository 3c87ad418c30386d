import type { TestApp } from '../support/test-app.js';
import { startApp } from './support.js';

let app: TestApp;
let document: any;
beforeAll(async () => {
  app = await startApp();
  const response = await fetch(`${app.baseUrl}/docs-json`);
  expect(response.status).toBe(200);
  document = await response.json();
});
afterAll(() => app.close());

const COMMANDS: Array<[string, string, string]> = [
  ['RegisterFaction', '/admin/factions', 'RegisterFactionRequestDto'],
  ['RegisterPlace', '/admin/places', 'RegisterPlaceRequestDto'],
  ['RegisterPerson', '/admin/people', 'RegisterPersonRequestDto'],
  ['EstablishOffice', '/admin/offices', 'EstablishOfficeRequestDto'],
  ['SeizeCity', '/admin/places/{placeId}/seizures', 'SeizeCityRequestDto'],
  ['ToppleStatue', '/admin/statues/{statueId}/toppling', 'ToppleStatueRequestDto'],
  ['IssueStatement', '/admin/statements', 'IssueStatementRequestDto'],
  ['AssumeOffice', '/admin/offices/{officeId}/terms', 'AssumeOfficeRequestDto'],
  ['LeaveOffice', '/admin/offices/{officeId}/departures', 'LeaveOfficeRequestDto'],
];

describe('OpenAPI document of the admin commands', () => {
  it.each(COMMANDS)('%s is POST %s with its request DTO, 201 and its problems', (type, path, dto) => {
    const operation = document.paths[path]?.post;
    expect(operation).toBeDefined();
    expect(operation.operationId).toBe(type);
    expect(operation.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${dto}`);
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '400', '412', '413', '415']));
    expect(operation.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['If-Match', 'Idempotency-Key']));
    // The actor is the API key's owner, never a header.
    expect(operation.parameters.map((p: any) => p.name.toLowerCase())).not.toContain('x-actor');
  });

  it('documents the shared shapes and the length limits', () => {
    const schemas = document.components.schemas;
    expect(schemas.SeizeCityRequestDto.required).toEqual(expect.arrayContaining(['factionId', 'occurred', 'sources']));
    // The path id may be left out of the HTTP body.
    expect(schemas.SeizeCityRequestDto.required).not.toContain('placeId');
    expect(schemas.LeaveOfficeRequestDto.required).not.toContain('officeId');
    expect(schemas.SeizeCityRequestDto.properties.factionId).toMatchObject({ maxLength: 80, pattern: expect.any(String) });
    expect(schemas.IssueStatementRequestDto.properties.quote).toMatchObject({ maxLength: 5000 });
    expect(schemas.OccurredDto.properties.precision.enum).toEqual(['day', 'month', 'year']);
    expect(schemas.SeizeCityRequestDto.properties.sources).toMatchObject({ type: 'array', minItems: 1 });
  });
});
