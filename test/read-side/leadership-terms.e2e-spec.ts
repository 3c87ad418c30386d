import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import { command, get } from '../timeline/support.js';
import type { TestApp } from '../support/test-app.js';
import { type ApiResponse, day, freshId, post, readStream, sources, startApp } from '../write-side/support.js';

/**
 * Terms of office end to end: commands through the admin API on the embedded store, then /terms, /holder,
 * /people/:id/terms and /timeline. The write side and the read model agree on which terms are open; disagreeing
 * reports of a term's start are kept and marked disputed; acting terms run inside a full term.
 */
let app: TestApp;
let officeId: string;
beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  officeId = freshId('office');
  await command(app, '/admin/offices', { officeId, title: 'Emir', jurisdiction: 'X' });
});
afterAll(() => app.close());

const person = async (prefix: string) => {
  const personId = freshId(prefix);
  await command(app, '/admin/people', { personId, name: personId });
  return personId;
};
const assume = (personId: string, occurred: object, acting = false) => command(app, `/admin/offices/${officeId}/terms`, { personId, occurred, sources, acting });
const leave = (personId: string, date: string, reason = 'died') => command(app, `/admin/offices/${officeId}/departures`, { personId, reason, occurred: day(date), sources });
const ok = async (path: string) => {
  const response = await get(app, path);
  expect(response.status).toBe(200);
  return response.body;
};
const terms = () => ok(`/leadership/offices/${officeId}/terms`);
const holder = (asOf: string, asAt?: string) => ok(`/leadership/offices/${officeId}/holder?asOf=${asOf}${asAt ? `&asAt=${asAt}` : ''}`);

async function expectRefused(send: () => Promise<ApiResponse>, status: number, code: string): Promise<ApiResponse> {
  const before = await readStream(app, `office-${officeId}`);
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ code, errors: [{ field: expect.any(String), message: expect.any(String) }] });
  expect(await readStream(app, `office-${officeId}`)).toEqual(before);
  return response;
}

describe('disputed term starts', () => {
  it('keeps a second report of an open term\'s start on another day: both kept, the term disputed in /terms, /holder, the person\'s terms and the timeline', async () => {
    const bashar = await person('bashar');
    const first = await assume(bashar, day('2000-07-17'));
    const second = await assume(bashar, day('2000-07-10'));
    const reports = [
      { start: '2000-07-10', occurred: day('2000-07-10'), approximate: false, sourceEventIds: second.eventIds },
      { start: '2000-07-17', occurred: day('2000-07-17'), approximate: false, sourceEventIds: first.eventIds },
    ];
    const [term] = await terms();
    expect(term).toMatchObject({ personId: bashar, start: '2000-07-10', end: null, disputed: true, startReports: reports });
    expect(await holder('2001-01-01')).toMatchObject({ holder: bashar, since: '2000-07-10', disputed: true, approximate: false, startReports: reports });
    expect(await ok(`/leadership/people/${bashar}/terms`)).toEqual([expect.objectContaining({ officeId, disputed: true, startReports: reports })]);
    const timeline = await ok(`/timeline?personId=${bashar}`);
    expect(timeline.map((entry: any) => [entry.eventId, entry.type, entry.disputed, entry.disputedWith])).toEqual([
      [second.eventIds[0], 'OfficeAssumed', true, first.eventIds],
      [first.eventIds[0], 'OfficeAssumed', true, second.eventIds],
    ]);
    // As known before the second report: one start, not disputed (asAt goes through the same function).
    expect(await holder('2001-01-01', first.position)).toMatchObject({ since: '2000-07-17', disputed: false, startReports: [reports[1]] });
    expect((await ok(`/leadership/offices/${officeId}/terms?asAt=${second.position}`))[0]).toEqual(term);
  });

  it('refuses a compatible repeat while the term is open (409) and merges one once it ended, undisputed', async () => {
    const bashar = await person('bashar');
    await assume(bashar, day('2000-07-17'));
    const repeat = () => post(app, `/admin/offices/${officeId}/terms`, { personId: bashar, occurred: { date: '2000-07', precision: 'month' }, sources });
    await expectRefused(repeat, 409, 'LEADERSHIP.ALREADY_HOLDING_OFFICE');
    await leave(bashar, '2024-12-08', 'ousted');
    const merged = await repeat();
    expect(merged.status).toBe(201);
    await app.app.get(ProjectionRunner).waitFor(merged.body.position);
    expect(await terms()).toEqual([
      expect.objectContaining({ personId: bashar, start: '2000-07-01', end: '2024-12-08', approximate: true, disputed: false, startReports: [expect.objectContaining({ start: '2000-07-01', approximate: true }), expect.objectContaining({ start: '2000-07-17' })] }),
    ]);
    expect((await ok(`/timeline?personId=${bashar}`)).some((entry: any) => entry.disputed)).toBe(false);
  });

  it('keeps a disagreeing report of an ended term\'s start, and still refuses one that falls inside another holder\'s term', async () => {
    const [hafez, bashar] = [await person('hafez'), await person('bashar')];
    await assume(hafez, day('1971-03-14'));
    await leave(hafez, '2000-06-10');
    await assume(bashar, day('2000-07-17'));
    await leave(bashar, '2024-12-08', 'ousted');
    await assume(hafez, day('1970-11-16'));
    expect((await terms()).map((t: any) => [t.personId, t.start, t.end, t.disputed])).toEqual([
      [hafez, '1970-11-16', '2000-06-10', true],
      [bashar, '2000-07-17', '2024-12-08', false],
    ]);
    const response = await expectRefused(() => post(app, `/admin/offices/${officeId}/terms`, { personId: bashar, occurred: day('2000-05-01'), sources }), 409, 'LEADERSHIP.TERM_OVERLAPS');
    expect(response.body.conflictingTerm).toMatchObject({ personId: hafez });
  });
});

it('the write side and the read model agree on open terms: a late report of an ended term\'s start leaves no phantom open term', async () => {
  const [hafez, bashar, jawlani] = [await person('hafez'), await person('bashar'), await person('jawlani')];
  await assume(hafez, day('2000-01-01'));
  await leave(hafez, '2005-01-01');
  await assume(bashar, day('2005-06-01'));
  await assume(hafez, day('1999-12-01'));
  const basharLeft = await leave(bashar, '2010-01-01', 'resigned');
  expect(await holder('2010-06-01')).toMatchObject({ holder: null, since: '2010-01-01' });
  // Refused before (409 TERM_OVERLAPS "held by hafez since 1999-12-01"): the office is vacant.
  await assume(jawlani, day('2011-01-01'));
  // A correction of Bashar's departure was refused by the same phantom term.
  await command(app, '/admin/corrections', { eventId: basharLeft.eventIds[0], changes: { occurred: day('2010-02-01') }, reason: 'r', notice: 'n' });
  expect((await terms()).map((t: any) => [t.personId, t.start, t.end, t.disputed])).toEqual([
    [hafez, '1999-12-01', '2005-01-01', true],
    [bashar, '2005-06-01', '2010-02-01', false],
    [jawlani, '2011-01-01', null, false],
  ]);
  await expectRefused(() => post(app, `/admin/offices/${officeId}/departures`, { personId: hafez, reason: 'died', occurred: day('2012-01-01'), sources }), 409, 'LEADERSHIP.NOT_HOLDING_OFFICE');
});

it('an acting term inside a full term does not end it: the holder is the full one, the acting one listed beside it', async () => {
  const [pb, px] = [await person('pb'), await person('px')];
  await assume(pb, day('2010-03-01'));
  await assume(px, day('2012-01-01'), true);
  await leave(px, '2012-03-01', 'term-ended');
  await leave(pb, '2015-01-01', 'died');
  expect((await terms()).map((t: any) => [t.personId, t.start, t.end, t.acting, t.endReason])).toEqual([
    [pb, '2010-03-01', '2015-01-01', false, 'died'],
    [px, '2012-01-01', '2012-03-01', true, 'term-ended'],
  ]);
  expect(await holder('2013-01-01')).toMatchObject({ holder: pb, acting: false, since: '2010-03-01', until: '2015-01-01', actingHolders: [] });
  expect(await holder('2012-02-01')).toMatchObject({ holder: pb, actingHolders: [px] });
  expect(await ok(`/leadership/offices/${officeId}/vacancies`)).toEqual([{ from: '2015-01-01', to: null }]);
});

it('an acting term in a vacancy holds the office until a full holder takes office', async () => {
  const [px, pb] = [await person('px'), await person('pb')];
  await assume(px, day('2000-06-10'), true);
  await assume(pb, day('2000-07-17'));
  expect(await holder('2000-07-01')).toMatchObject({ holder: px, acting: true, until: '2000-07-17', actingHolders: [px] });
  expect(await holder('2000-08-01')).toMatchObject({ holder: pb, acting: false, actingHolders: [] });
});

it('the holder answer says when the term is known only to the month (approximate, from the first of the month)', async () => {
  const jawlani = await person('jawlani');
  await assume(jawlani, { date: '2025-01', precision: 'month' });
  expect(await holder('2025-01-01')).toMatchObject({ holder: jawlani, since: '2025-01-01', approximate: true, disputed: false });
  expect(await holder('2024-12-31')).toMatchObject({ holder: null, approximate: false, disputed: false, startReports: [], actingHolders: [] });
});

it('correcting an OfficeAssumed date moves the term in /terms and /holder; asAt before the correction shows it as first reported', async () => {
  const [hafez, bashar] = [await person('hafez'), await person('bashar')];
  await assume(hafez, day('1971-03-14'));
  await leave(hafez, '2000-06-10');
  const assumed = await assume(bashar, day('2000-07-17'));
  await command(app, '/admin/corrections', { eventId: assumed.eventIds[0], changes: { occurred: day('2000-06-20') }, reason: 'misdated', notice: 'An earlier version said 17 July.' });
  expect((await terms()).map((t: any) => [t.personId, t.start, t.end])).toEqual([
    [hafez, '1971-03-14', '2000-06-10'],
    [bashar, '2000-06-20', null],
  ]);
  expect(await holder('2000-07-01')).toMatchObject({ holder: bashar, since: '2000-06-20', disputed: false });
  expect(await holder('2000-07-01', assumed.position)).toMatchObject({ holder: null, since: '2000-06-10' });
  expect(await ok(`/leadership/offices/${officeId}/vacancies`)).toEqual([{ from: '2000-06-10', to: '2000-06-20' }]);
});

it('a departure known only to the month a term began ends that term: no phantom term before it, no holder left in office', async () => {
  const [emir, successor] = [await person('emir'), await person('successor')];
  await assume(emir, day('2012-07-15'));
  await command(app, `/admin/offices/${officeId}/departures`, { personId: emir, reason: 'resigned', occurred: { date: '2012-07', precision: 'month' }, sources });
  expect((await terms()).map((t: any) => [t.personId, t.start, t.end, t.endReason, t.approximate])).toEqual([[emir, '2012-07-15', '2012-07-15', 'resigned', true]]);
  expect(await holder('2012-07-20')).toMatchObject({ holder: null, since: '2012-07-15' });
  expect(await holder('2013-01-01')).toMatchObject({ holder: null, since: '2012-07-15' });
  // The office is vacant: a successor later that month is taken.
  await assume(successor, day('2012-07-20'));
  expect((await terms()).map((t: any) => [t.personId, t.start, t.end, t.predecessorId])).toEqual([
    [emir, '2012-07-15', '2012-07-15', null],
    [successor, '2012-07-20', null, emir],
  ]);
});
