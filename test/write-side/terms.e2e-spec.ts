import type { TestApp } from '../support/test-app.js';
import { type ApiResponse, day, freshId, post, readStream, sources, startApp } from './support.js';

/** Terms of office over HTTP: no two non-acting holders at once, no term ending before it starts; acting terms may overlap. */
let app: TestApp;
let officeId: string;
let people: { hafez: string; bashar: string; interim: string };
beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  officeId = freshId('president');
  people = { hafez: freshId('hafez'), bashar: freshId('bashar'), interim: freshId('interim') };
  expect((await post(app, '/admin/offices', { officeId, title: 'President', jurisdiction: 'Syria' })).status).toBe(201);
  for (const personId of Object.values(people)) expect((await post(app, '/admin/people', { personId, name: personId })).status).toBe(201);
});
afterAll(() => app.close());

const assume = (personId: string, date: string, acting?: boolean) =>
  post(app, `/admin/offices/${officeId}/terms`, { personId, occurred: day(date), sources, ...(acting === undefined ? {} : { acting }) });
const leave = (personId: string, date: string) => post(app, `/admin/offices/${officeId}/departures`, { personId, reason: 'died', occurred: day(date), sources });

async function expectRejected(request: () => Promise<ApiResponse>, status: number, field: string, code: string): Promise<ApiResponse> {
  const before = await readStream(app, `office-${officeId}`);
  const response = await request();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code, errors: [{ field, message: expect.any(String) }] });
  expect(await readStream(app, `office-${officeId}`)).toEqual(before);
  return response;
}

it('a second holder while a term is open is a 409 naming the open term (person and start)', async () => {
  expect((await assume(people.hafez, '1971-03-14')).status).toBe(201);
  const response = await expectRejected(() => assume(people.bashar, '2000-07-17'), 409, 'occurred', 'LEADERSHIP.TERM_OVERLAPS');
  expect(response.body.detail).toContain(people.hafez);
  expect(response.body.detail).toContain('1971-03-14');
  expect(response.body.conflictingTerm).toMatchObject({ personId: people.hafez, start: day('1971-03-14'), end: null });
});

it('the next holder is accepted once the term is ended', async () => {
  expect((await assume(people.hafez, '1971-03-14')).status).toBe(201);
  expect((await leave(people.hafez, '2000-06-10')).status).toBe(201);
  expect((await assume(people.bashar, '2000-07-17')).status).toBe(201);
});

it('acting terms may overlap', async () => {
  expect((await assume(people.bashar, '2000-07-17')).status).toBe(201);
  expect((await assume(people.interim, '2024-12-08', true)).status).toBe(201);
});

it('a term that ends before it starts is a 400 naming occurred', async () => {
  expect((await assume(people.bashar, '2000-07-17')).status).toBe(201);
  await expectRejected(() => leave(people.bashar, '2000-07-01'), 400, 'occurred', 'LEADERSHIP.TERM_ENDS_BEFORE_START');
});
