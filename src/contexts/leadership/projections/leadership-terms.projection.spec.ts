import { randomBytes } from 'node:crypto';
import { ProjectionHarness } from '../../../infrastructure/projections/testing/projection-harness.js';
import type { AsAt } from '../../../infrastructure/projections/as-at.js';
import { computeVacancies } from '../domain/terms.js';
import { LeadershipReadModel, toHolder, toTermView } from '../queries/leadership.read-model.js';
import { LeadershipTermsProjection } from './leadership-terms.projection.js';

const sources = [{ outlet: 'SANA' }];
const uid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

describe('leadership.terms.v3 projection (real read store)', () => {
  let harness: ProjectionHarness<LeadershipTermsProjection>;
  let model: LeadershipReadModel;

  beforeAll(async () => {
    harness = await ProjectionHarness.create(new LeadershipTermsProjection());
    model = new LeadershipReadModel(harness.store.db);
  });
  afterAll(() => harness.dispose());

  // The answers as the query handlers make them from the model's terms.
  const holderOf = async (officeId: string, asOf: string, asAt?: AsAt) => toHolder(officeId, await model.termsOf(officeId, asAt), asOf);
  const termViews = async (officeId: string, asAt?: AsAt) => (await model.termsOf(officeId, asAt)).map(toTermView);
  const vacancies = async (officeId: string) => computeVacancies(await model.termsOf(officeId));

  const assumed = (officeId: string, personId: string, date: string, acting = false) =>
    harness.event('OfficeAssumed', { officeId, personId, acting, occurred: { date, precision: 'day' }, sources }, { streamName: `office-${officeId}` });
  const left = (officeId: string, personId: string, date: string, reason = 'died') =>
    harness.event('OfficeLeft', { officeId, personId, reason, occurred: { date, precision: 'day' }, sources }, { streamName: `office-${officeId}` });

  async function twiceUnchanged(...events: ReturnType<typeof assumed>[]) {
    await harness.given(...events);
    const before = await harness.snapshot();
    await harness.given(...events);
    for (const event of events) await harness.handleDirectly(event);
    expect(await harness.snapshot()).toEqual(before);
  }

  describe('OfficeEstablished', () => {
    it('stores the office; delivered twice = unchanged', async () => {
      const officeId = uid('president');
      const event = harness.event('OfficeEstablished', { officeId, title: 'President of Syria', jurisdiction: 'Syria' });
      await twiceUnchanged(event);
      expect(await model.office(officeId)).toEqual({ officeId, title: 'President of Syria', jurisdiction: 'Syria' });
      expect(await holderOf(officeId, '2024-01-01')).toEqual({
        officeId, holder: null, acting: false, since: null, until: null, approximate: false, disputed: false, startReports: [], actingHolders: [], sourceEventIds: [],
      });
    });
  });

  describe('PersonRegistered', () => {
    it('stores the person; delivered twice = unchanged', async () => {
      const personId = uid('bashar');
      const event = harness.event('PersonRegistered', { personId, name: 'Bashar al-Assad', aliases: ['Assad'] });
      const [result] = await harness.given(event);
      expect(result.changes[0].keys).toEqual({ personId });
      await twiceUnchanged(event);
      expect(await model.person(personId)).toEqual({ personId, name: 'Bashar al-Assad', aliases: ['Assad'] });
    });
  });

  describe('OfficeAssumed / OfficeLeft', () => {
    it('builds terms with predecessor, successor, end reason and the holder on a day', async () => {
      const officeId = uid('president');
      const [hafez, bashar] = [uid('hafez'), uid('bashar')];
      const events = [assumed(officeId, hafez, '1971-03-14'), left(officeId, hafez, '2000-06-10', 'died'), assumed(officeId, bashar, '2000-07-17'), left(officeId, bashar, '2024-12-08', 'ousted')];
      const results = await harness.given(...events);
      expect(results[0].changes[0]).toMatchObject({ projection: 'leadership.terms.v3', eventType: 'OfficeAssumed', keys: { officeId, personId: hafez } });
      expect(await termViews(officeId)).toEqual([
        { personId: hafez, start: '1971-03-14', end: '2000-06-10', acting: false, endReason: 'died', predecessorId: null, successorId: bashar, approximate: false, disputed: false, startReports: [{ start: '1971-03-14', occurred: { date: '1971-03-14', precision: 'day' }, approximate: false, sourceEventIds: [events[0].id] }], sourceEventIds: [events[0].id, events[1].id] },
        { personId: bashar, start: '2000-07-17', end: '2024-12-08', acting: false, endReason: 'ousted', predecessorId: hafez, successorId: null, approximate: false, disputed: false, startReports: [{ start: '2000-07-17', occurred: { date: '2000-07-17', precision: 'day' }, approximate: false, sourceEventIds: [events[2].id] }], sourceEventIds: [events[2].id, events[3].id] },
      ]);
      expect(await holderOf(officeId, '2024-12-07')).toMatchObject({ holder: bashar, acting: false, since: '2000-07-17' });
      expect(await holderOf(officeId, '2000-07-01')).toMatchObject({ holder: null, since: '2000-06-10' });
      expect(await holderOf(officeId, '2024-12-08')).toMatchObject({ holder: null, since: '2024-12-08' });
      expect(await vacancies(officeId)).toEqual([
        { from: '2000-06-10', to: '2000-07-17' },
        { from: '2024-12-08', to: null },
      ]);
    });

    it('lists a person\'s terms across offices', async () => {
      const [president, pm, person] = [uid('president'), uid('pm'), uid('person')];
      await harness.given(assumed(pm, person, '2001-01-01'), left(pm, person, '2003-01-01', 'resigned'), assumed(president, person, '2010-01-01', true));
      expect((await model.personTerms(person)).map((t) => [t.officeId, t.start, t.end, t.acting])).toEqual([
        [pm, '2001-01-01', '2003-01-01', false],
        [president, '2010-01-01', null, true],
      ]);
      expect(await model.personKnown(person)).toBe(true);
      expect(await model.personKnown(uid('nobody'))).toBe(false);
    });

    it('puts out-of-order reports in valid-time order', async () => {
      const officeId = uid('president');
      await harness.given(assumed(officeId, 'p2', '2006-01-01'), left(officeId, 'p1', '2005-01-01', 'died'), assumed(officeId, 'p1', '2001-01-01'));
      expect((await termViews(officeId)).map((t) => [t.personId, t.start, t.end, t.endReason])).toEqual([
        ['p1', '2001-01-01', '2005-01-01', 'died'],
        ['p2', '2006-01-01', null, null],
      ]);
    });

    it('answers as known at a log position or recorded time (asAt)', async () => {
      const officeId = uid('president');
      const [p1, p2] = [uid('p1'), uid('p2')];
      const first = assumed(officeId, p1, '2001-01-01');
      const second = assumed(officeId, p2, '2005-01-01');
      await harness.given(first, second);
      expect(await holderOf(officeId, '2006-01-01', { kind: 'position', position: first.position })).toMatchObject({ holder: p1 });
      expect(await holderOf(officeId, '2006-01-01', { kind: 'time', recordedAt: second.recordedAt })).toMatchObject({ holder: p2 });
      expect(await termViews(officeId, { kind: 'position', position: 0n })).toEqual([]);
      expect(await model.personTerms(p1, { kind: 'position', position: first.position })).toMatchObject([{ officeId, end: null }]);
      expect(await model.personTerms(p1)).toMatchObject([{ officeId, end: '2005-01-01', successorId: p2 }]);
    });

    it('stores a disputed start with both reports; the holder carries it; delivered twice = unchanged', async () => {
      const officeId = uid('president');
      const person = uid('bashar');
      const first = assumed(officeId, person, '2000-07-17');
      const ousted = left(officeId, person, '2024-12-08', 'ousted');
      const second = assumed(officeId, person, '2000-07-10');
      await twiceUnchanged(first, ousted, second);
      const [term] = await termViews(officeId);
      expect(term).toMatchObject({ start: '2000-07-10', end: '2024-12-08', disputed: true });
      expect(term.startReports.map((report) => [report.start, report.sourceEventIds])).toEqual([
        ['2000-07-10', [second.id]],
        ['2000-07-17', [first.id]],
      ]);
      expect(await holderOf(officeId, '2010-01-01')).toMatchObject({ holder: person, disputed: true, startReports: term.startReports });
      // As known before the second report: one start, no dispute.
      expect((await termViews(officeId, { kind: 'position', position: first.position }))[0]).toMatchObject({ start: '2000-07-17', disputed: false });
    });

    it('delivered twice = unchanged', async () => {
      const officeId = uid('president');
      await twiceUnchanged(assumed(officeId, 'p1', '2001-01-01', true), left(officeId, 'p1', '2001-02-01', 'term-ended'), assumed(officeId, 'p2', '2001-02-01'));
    });
  });

  describe('FactCorrected / FactRetracted', () => {
    it('applies a correction and a retraction to term facts; delivered twice = unchanged', async () => {
      const officeId = uid('president');
      const start = assumed(officeId, 'p1', '2001-01-01');
      const wrong = left(officeId, 'p1', '2004-01-01', 'died');
      const correction = harness.event('FactCorrected', { eventId: wrong.id, changes: { reason: 'resigned', occurred: { date: '2004-02', precision: 'month' } }, reason: 'r', notice: 'n' });
      const hoax = assumed(officeId, 'p9', '2010-01-01');
      const retraction = harness.event('FactRetracted', { eventId: hoax.id, reason: 'hoax', notice: 'n' });
      await twiceUnchanged(start, wrong, correction, hoax, retraction);
      expect(await termViews(officeId)).toEqual([expect.objectContaining({ personId: 'p1', end: '2004-02-01', endReason: 'resigned', approximate: true })]);
      expect((await termViews(officeId, { kind: 'position', position: wrong.position })).map((t) => t.endReason)).toEqual(['died']);
    });

    it('corrects an office title in place and ignores corrections of unknown facts', async () => {
      const officeId = uid('president');
      const established = harness.event('OfficeEstablished', { officeId, title: 'Presdent', jurisdiction: 'Syria' });
      await harness.given(established, harness.event('FactCorrected', { eventId: established.id, changes: { title: 'President' }, reason: 'typo', notice: 'n' }));
      expect(await model.office(officeId)).toMatchObject({ title: 'President' });
      const [result] = await harness.given(harness.event('FactRetracted', { eventId: 'unknown-event', reason: 'r', notice: 'n' }));
      expect(result).toMatchObject({ advancedBy: 1, changes: [] });
    });
  });

  it('ignores malformed and unknown events', async () => {
    const before = await harness.snapshot();
    const [malformed, unknown] = await harness.given(harness.event('OfficeAssumed', { personId: 'p1' }), harness.event('StatementIssued', { statementId: 's' }));
    expect(malformed.changes).toEqual([]);
    expect(unknown.changes).toEqual([]);
    expect(await harness.snapshot()).toEqual(before);
  });
});
