import { LIMITS } from '../../src/shared/http/dto/fact.dto.js';
import type { TestApp } from '../support/test-app.js';
import { day, freshId, post, readStream, sources, startApp, world } from './support.js';

/**
 * Every free-text limit of the DTOs: one character over is a 400 naming the field and appends nothing; exactly at
 * the limit is accepted. No date in these bodies depends on today (valid times are fixed in the past).
 */
let app: TestApp;
let ids: Awaited<ReturnType<typeof world>>;
beforeAll(async () => {
  app = await startApp();
  ids = await world(app);
});
afterAll(() => app.close());

const over = (limit: number) => 'x'.repeat(limit + 1);
const source = (extra: object) => [{ outlet: 'Reuters', ...extra }];

interface Case {
  field: string;
  path: () => string;
  stream: () => string;
  body: (value: unknown) => object;
  /** The over-long value (default: one character over `limit`). */
  limit: number;
  tooLong?: unknown;
  atLimit?: unknown;
}

const ref = { id: '' };
const cases: Array<[string, Case]> = [
  ['faction name', { field: 'name', limit: LIMITS.name, path: () => '/admin/factions', stream: () => `faction-${ref.id}`, body: (name) => ({ factionId: ref.id, name }) }],
  ['faction alias', { field: 'aliases', limit: LIMITS.name, tooLong: [over(LIMITS.name)], atLimit: ['x'.repeat(LIMITS.name)], path: () => '/admin/factions', stream: () => `faction-${ref.id}`, body: (aliases) => ({ factionId: ref.id, name: 'F', aliases }) }],
  ['number of aliases', { field: 'aliases', limit: LIMITS.aliases, tooLong: Array.from({ length: LIMITS.aliases + 1 }, (_, i) => `a${i}`), atLimit: Array.from({ length: LIMITS.aliases }, (_, i) => `a${i}`), path: () => '/admin/people', stream: () => `person-${ref.id}`, body: (aliases) => ({ personId: ref.id, name: 'P', aliases }) }],
  ['faction id', { field: 'factionId', limit: 80, tooLong: `a${'-b'.repeat(40)}`, path: () => '/admin/factions', stream: () => `faction-${ref.id}`, body: (factionId) => ({ factionId, name: 'F' }) }],
  ['place name', { field: 'name', limit: LIMITS.name, path: () => '/admin/places', stream: () => `city-${ref.id}`, body: (name) => ({ placeId: ref.id, name, country: 'Syria' }) }],
  ['place country', { field: 'country', limit: LIMITS.country, path: () => '/admin/places', stream: () => `city-${ref.id}`, body: (country) => ({ placeId: ref.id, name: 'P', country }) }],
  ['person name', { field: 'name', limit: LIMITS.name, path: () => '/admin/people', stream: () => `person-${ref.id}`, body: (name) => ({ personId: ref.id, name }) }],
  ['office title', { field: 'title', limit: LIMITS.title, path: () => '/admin/offices', stream: () => `office-${ref.id}`, body: (title) => ({ officeId: ref.id, title, jurisdiction: 'Syria' }) }],
  ['office jurisdiction', { field: 'jurisdiction', limit: LIMITS.jurisdiction, path: () => '/admin/offices', stream: () => `office-${ref.id}`, body: (jurisdiction) => ({ officeId: ref.id, title: 'T', jurisdiction }) }],
  ['seizure summary', { field: 'summary', limit: LIMITS.summary, path: () => `/admin/places/${ids.place}/seizures`, stream: () => `city-${ids.place}`, body: (summary) => ({ factionId: ids.hts, occurred: day('2024-12-05'), sources, summary }) }],
  ['statue description', { field: 'description', limit: LIMITS.description, path: () => `/admin/statues/${ref.id}/toppling`, stream: () => `statue-${ref.id}`, body: (description) => ({ placeId: ids.place, occurred: day('2024-12-06'), sources, description }) }],
  ['statement quote', { field: 'quote', limit: LIMITS.quote, path: () => '/admin/statements', stream: () => `statement-${ref.id}`, body: (quote) => ({ statementId: ref.id, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote, sources }) }],
  ['statement summary', { field: 'summary', limit: LIMITS.summary, path: () => '/admin/statements', stream: () => `statement-${ref.id}`, body: (summary) => ({ statementId: ref.id, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'Q', summary, sources }) }],
  ['statement medium', { field: 'medium', limit: LIMITS.medium, path: () => '/admin/statements', stream: () => `statement-${ref.id}`, body: (medium) => ({ statementId: ref.id, speakerPersonId: ids.person, occurred: day('2024-12-05'), quote: 'Q', medium, sources }) }],
  ['source outlet', { field: 'sources[0].outlet', limit: LIMITS.outlet, path: () => `/admin/places/${ids.place}/seizures`, stream: () => `city-${ids.place}`, body: (outlet) => ({ factionId: ids.hts, occurred: day('2024-12-05'), sources: [{ outlet }] }) }],
  ['source url', { field: 'sources[0].url', limit: LIMITS.url, tooLong: `https://example.com/${'x'.repeat(LIMITS.url)}`, atLimit: `https://example.com/${'x'.repeat(LIMITS.url - 20)}`, path: () => `/admin/places/${ids.place}/seizures`, stream: () => `city-${ids.place}`, body: (url) => ({ factionId: ids.hts, occurred: day('2024-12-05'), sources: [{ url }] }) }],
  ['source note', { field: 'sources[0].note', limit: LIMITS.note, path: () => `/admin/places/${ids.place}/seizures`, stream: () => `city-${ids.place}`, body: (note) => ({ factionId: ids.hts, occurred: day('2024-12-05'), sources: source({ note }) }) }],
  ['number of sources', { field: 'sources', limit: LIMITS.sources, tooLong: Array.from({ length: LIMITS.sources + 1 }, () => ({ outlet: 'R' })), atLimit: Array.from({ length: LIMITS.sources }, () => ({ outlet: 'R' })), path: () => `/admin/places/${ids.place}/seizures`, stream: () => `city-${ids.place}`, body: (list) => ({ factionId: ids.hts, occurred: day('2024-12-05'), sources: list }) }],
  ['correction reason', { field: 'reason', limit: LIMITS.summary, path: () => '/admin/corrections', stream: () => `city-${ids.place}`, body: (reason) => ({ eventId: ref.id, changes: { summary: `S ${freshId('s')}` }, reason, notice: 'N' }) }],
  ['correction notice', { field: 'notice', limit: LIMITS.summary, path: () => '/admin/corrections', stream: () => `city-${ids.place}`, body: (notice) => ({ eventId: ref.id, changes: { summary: `S ${freshId('s')}` }, reason: 'R', notice }) }],
  ['retraction notice', { field: 'notice', limit: LIMITS.summary, path: () => '/admin/retractions', stream: () => `city-${ids.place}`, body: (notice) => ({ eventId: ref.id, reason: 'R', notice }) }],
];

describe.each(cases)('%s', (_name, c) => {
  beforeEach(async () => {
    ref.id = freshId('x');
    if (c.path().startsWith('/admin/corrections') || c.path().startsWith('/admin/retractions')) {
      const seized = await post(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.hts, occurred: day('2024-12-05'), sources });
      ref.id = seized.body.eventIds[0];
    }
  });

  it(`over ${c.limit} is a 400 naming ${c.field}, nothing appended`, async () => {
    const before = await readStream(app, c.stream());
    const response = await post(app, c.path(), c.body(c.tooLong ?? over(c.limit)));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toContainEqual({ field: c.field, message: expect.any(String) });
    expect(await readStream(app, c.stream())).toEqual(before);
  });

  if (c.field !== 'factionId') {
    it(`at ${c.limit} is accepted`, async () => {
      const response = await post(app, c.path(), c.body(c.atLimit ?? 'x'.repeat(c.limit)));
      expect([response.status, response.body?.errors]).toEqual([201, undefined]);
    });
  }
});
