import type { Occurred } from '../../../shared/domain/facts.js';
import type { LeaveReason } from './leadership.events.js';
import { actingTermsAt, compatibleDates, computeTerms, computeVacancies, foldTerms, termAt, type TermFact, vacantSince } from './terms.js';

let position = 0n;
const day = (occurred: Occurred | string): Occurred =>
  typeof occurred === 'string' ? { date: occurred, precision: 'day' } : occurred;

function assumed(eventId: string, personId: string, occurred: Occurred | string, acting = false): TermFact {
  position += 10n;
  return { eventId, kind: 'assumed', personId, acting, occurred: day(occurred), recordedPosition: position };
}

function left(eventId: string, personId: string, occurred: Occurred | string, reason: LeaveReason): TermFact {
  position += 10n;
  return { eventId, kind: 'left', personId, reason, occurred: day(occurred), recordedPosition: position };
}

const brief = (facts: TermFact[]) =>
  computeTerms(facts).map(({ personId, start, end, acting, endReason, predecessorId, successorId }) => ({
    personId,
    start,
    end,
    acting,
    endReason,
    predecessorId,
    successorId,
  }));

describe('computeTerms', () => {
  it('knows nothing without facts', () => {
    expect(computeTerms([])).toEqual([]);
  });

  it('links successive holders as predecessor and successor', () => {
    expect(
      brief([
        assumed('a1', 'hafez-al-assad', '1971-03-14'),
        left('l1', 'hafez-al-assad', '2000-06-10', 'died'),
        assumed('a2', 'bashar-al-assad', '2000-07-17'),
        left('l2', 'bashar-al-assad', '2024-12-08', 'ousted'),
      ]),
    ).toEqual([
      { personId: 'hafez-al-assad', start: '1971-03-14', end: '2000-06-10', acting: false, endReason: 'died', predecessorId: null, successorId: 'bashar-al-assad' },
      { personId: 'bashar-al-assad', start: '2000-07-17', end: '2024-12-08', acting: false, endReason: 'ousted', predecessorId: 'hafez-al-assad', successorId: null },
    ]);
  });

  it('skips acting holders when naming predecessors and successors', () => {
    const terms = brief([
      assumed('a1', 'hafez-al-assad', '1971-03-14'),
      left('l1', 'hafez-al-assad', '2000-06-10', 'died'),
      assumed('a2', 'abdul-halim-khaddam', '2000-06-10', true),
      left('l2', 'abdul-halim-khaddam', '2000-07-17', 'term-ended'),
      assumed('a3', 'bashar-al-assad', '2000-07-17'),
    ]);
    expect(terms[1]).toMatchObject({ personId: 'abdul-halim-khaddam', acting: true, predecessorId: 'hafez-al-assad', successorId: 'bashar-al-assad' });
    expect(terms[2]).toMatchObject({ personId: 'bashar-al-assad', predecessorId: 'hafez-al-assad', successorId: null });
    expect(terms[0].successorId).toBe('bashar-al-assad');
  });

  it('lets the holder leave before the successor takes office on the same day, in whatever order they were recorded', () => {
    const facts = [assumed('a1', 'p1', '2020-01-01'), assumed('a2', 'p2', '2024-12-08'), left('l1', 'p1', '2024-12-08', 'resigned')];
    expect(brief(facts).map((t) => [t.personId, t.start, t.end, t.endReason])).toEqual([
      ['p1', '2020-01-01', '2024-12-08', 'resigned'],
      ['p2', '2024-12-08', null, null],
    ]);
  });

  it('orders out-of-order reports by valid time', () => {
    const inOrder = computeTerms([assumed('a1', 'p1', '2001-01-01'), left('l1', 'p1', '2005-01-01', 'died'), assumed('a2', 'p2', '2006-01-01')]);
    position = 0n;
    const shuffled = [assumed('a2', 'p2', '2006-01-01'), left('l1', 'p1', '2005-01-01', 'died'), assumed('a1', 'p1', '2001-01-01')];
    expect(computeTerms(shuffled).map((t) => [t.personId, t.start, t.end])).toEqual(inOrder.map((t) => [t.personId, t.start, t.end]));
  });

  it('ends a term without a reason when someone else takes office without a reported departure', () => {
    const terms = brief([assumed('a1', 'p1', '2001-01-01'), assumed('a2', 'p2', '2005-01-01')]);
    expect(terms[0]).toMatchObject({ end: '2005-01-01', endReason: null, successorId: 'p2' });
  });

  it('attaches a late departure report to the term that already ended', () => {
    const terms = computeTerms([assumed('a1', 'p1', '2001-01-01'), assumed('a2', 'p2', '2005-01-01'), left('l1', 'p1', '2005-01-03', 'ousted')]);
    expect(terms).toHaveLength(2);
    expect(terms[0]).toMatchObject({ end: '2005-01-01', endReason: 'ousted', sourceEventIds: ['a1', 'l1'] });
  });

  it('records a departure with no known start as a term starting null', () => {
    expect(brief([left('l1', 'p1', '2000-06-10', 'died')])).toEqual([
      { personId: 'p1', start: null, end: '2000-06-10', acting: false, endReason: 'died', predecessorId: null, successorId: null },
    ]);
  });

  it('treats a repeated report of the same term as one term', () => {
    const terms = computeTerms([assumed('a1', 'p1', '2001-01-01'), assumed('a2', 'p1', '2001-01-02')]);
    expect(terms).toHaveLength(1);
    expect(terms[0].sourceEventIds).toEqual(['a1', 'a2']);
  });

  it('starts a new term when an acting holder is confirmed', () => {
    const terms = brief([assumed('a1', 'p1', '2001-01-01', true), assumed('a2', 'p1', '2001-03-01')]);
    expect(terms.map((t) => [t.start, t.end, t.acting])).toEqual([
      ['2001-01-01', '2001-03-01', true],
      ['2001-03-01', null, false],
    ]);
  });

  it('marks month and year precision approximate', () => {
    const terms = computeTerms([assumed('a1', 'p1', { date: '2001', precision: 'year' }), left('l1', 'p1', { date: '2003-05', precision: 'month' }, 'died')]);
    expect(terms[0]).toMatchObject({ start: '2001-01-01', end: '2003-05-01', approximate: true });
  });

  it('finds vacancies and the holder on a day', () => {
    const terms = computeTerms([
      assumed('a1', 'p1', '2001-01-01'),
      left('l1', 'p1', '2005-01-01', 'died'),
      assumed('a2', 'p2', '2005-02-01'),
      left('l2', 'p2', '2010-01-01', 'resigned'),
    ]);
    expect(computeVacancies(terms)).toEqual([
      { from: '2005-01-01', to: '2005-02-01' },
      { from: '2010-01-01', to: null },
    ]);
    expect(termAt(terms, '2004-12-31')?.personId).toBe('p1');
    expect(termAt(terms, '2005-01-01')).toBeNull();
    expect(vacantSince(terms, '2005-01-15')).toBe('2005-01-01');
    expect(termAt(terms, '2005-02-01')?.personId).toBe('p2');
    expect(vacantSince(terms, '2000-01-01')).toBeNull();
  });

  it.each([
    ['its month', { date: '2012-07', precision: 'month' as const }],
    ['its year', { date: '2012', precision: 'year' as const }],
  ])('ends a term begun inside the month or year of a departure known only to %s on its first day, approximate', (_, departure) => {
    const facts = [assumed('a1', 'p1', '2012-07-15'), left('l1', 'p1', departure, 'resigned'), assumed('a2', 'p2', '2012-08-20')];
    const terms = computeTerms(facts);
    expect(terms.map((t) => [t.personId, t.start, t.end, t.endReason, t.approximate, t.predecessorId])).toEqual([
      ['p1', '2012-07-15', '2012-07-15', 'resigned', true, null],
      ['p2', '2012-08-20', null, null, false, 'p1'],
    ]);
    expect(termAt(terms, '2012-07-20')).toBeNull();
    expect(vacantSince(terms, '2012-07-20')).toBe('2012-07-15');
    expect(foldTerms(facts).problems).toEqual([]);
    // Recorded in the other order, the same terms.
    position = 0n;
    expect(computeTerms([left('l1', 'p1', departure, 'resigned'), assumed('a1', 'p1', '2012-07-15'), assumed('a2', 'p2', '2012-08-20')]).map((t) => [t.personId, t.start, t.end])).toEqual(
      terms.map((t) => [t.personId, t.start, t.end]),
    );
  });

  it('still ends an earlier term on the first day of a departure month when no start of that person lies inside it', () => {
    const terms = brief([assumed('a1', 'p1', '2010-03-01'), left('l1', 'p1', { date: '2012-07', precision: 'month' }, 'died')]);
    expect(terms.map((t) => [t.start, t.end])).toEqual([['2010-03-01', '2012-07-01']]);
  });

  it('keeps the term of someone who takes office and leaves on the same day', () => {
    const terms = brief([assumed('a1', 'p1', '2001-01-01'), left('l1', 'p1', '2001-01-01', 'ousted')]);
    expect(terms.map((t) => [t.start, t.end, t.endReason])).toEqual([['2001-01-01', '2001-01-01', 'ousted']]);
  });

  it('compares reported dates by the days they cover', () => {
    expect(compatibleDates(day('2000-07-17'), { date: '2000-07', precision: 'month' })).toBe(true);
    expect(compatibleDates({ date: '2000', precision: 'year' }, { date: '2000-07', precision: 'month' })).toBe(true);
    expect(compatibleDates(day('2000-07-10'), day('2000-07-17'))).toBe(false);
    expect(compatibleDates({ date: '2000-06', precision: 'month' }, day('2000-07-01'))).toBe(false);
  });

  it('keeps two reports of one term\'s start that disagree: disputed, the earliest as start, each with its sources', () => {
    const terms = computeTerms([assumed('a1', 'p1', '2000-07-17'), assumed('a2', 'p1', '2000-07-10'), assumed('a3', 'p1', '2000-07-17'), left('l1', 'p1', '2005-01-01', 'died')]);
    expect(terms).toHaveLength(1);
    expect(terms[0]).toMatchObject({
      start: '2000-07-10',
      end: '2005-01-01',
      disputed: true,
      startReports: [
        { start: '2000-07-10', occurred: day('2000-07-10'), approximate: false, sourceEventIds: ['a2'] },
        { start: '2000-07-17', occurred: day('2000-07-17'), approximate: false, sourceEventIds: ['a1', 'a3'] },
      ],
      sourceEventIds: ['a2', 'a1', 'a3', 'l1'],
    });
  });

  it('does not dispute reports whose dates are compatible (a month and a day in it)', () => {
    const [term] = computeTerms([assumed('a1', 'p1', '2000-07-17'), assumed('a2', 'p1', { date: '2000-07', precision: 'month' })]);
    expect(term).toMatchObject({ start: '2000-07-01', approximate: true, disputed: false });
    expect(term.startReports.map((report) => report.occurred.date)).toEqual(['2000-07', '2000-07-17']);
  });

  it('starts a new term after a departure instead of disputing the earlier start', () => {
    const terms = computeTerms([assumed('a1', 'p1', '2000-01-01'), left('l1', 'p1', '2001-01-01', 'resigned'), assumed('a2', 'p1', '2002-01-01')]);
    expect(terms.map((t) => [t.start, t.end, t.disputed])).toEqual([
      ['2000-01-01', '2001-01-01', false],
      ['2002-01-01', null, false],
    ]);
  });

  it('lets an acting term run inside a full term without ending it; the holder is the full one', () => {
    const facts = [assumed('a1', 'pb', '2010-03-01'), assumed('a2', 'px', '2012-01-01', true), left('l1', 'px', '2012-03-01', 'term-ended'), left('l2', 'pb', '2015-01-01', 'died')];
    const terms = computeTerms(facts);
    expect(terms.map((t) => [t.personId, t.start, t.end, t.acting, t.endReason])).toEqual([
      ['pb', '2010-03-01', '2015-01-01', false, 'died'],
      ['px', '2012-01-01', '2012-03-01', true, 'term-ended'],
    ]);
    expect(termAt(terms, '2012-02-01')?.personId).toBe('pb');
    expect(actingTermsAt(terms, '2012-02-01').map((t) => t.personId)).toEqual(['px']);
    expect(termAt(terms, '2013-01-01')?.personId).toBe('pb');
    expect(computeVacancies(terms)).toEqual([{ from: '2015-01-01', to: null }]);
    expect(foldTerms(facts).problems).toEqual([]);
  });

  it('ends an acting term when a full holder takes office, and lets one start in a vacancy', () => {
    const terms = computeTerms([assumed('a1', 'px', '2000-06-10', true), assumed('a2', 'pb', '2000-07-17')]);
    expect(terms.map((t) => [t.personId, t.start, t.end, t.acting])).toEqual([
      ['px', '2000-06-10', '2000-07-17', true],
      ['pb', '2000-07-17', null, false],
    ]);
    expect(termAt(terms, '2000-06-20')?.personId).toBe('px');
  });

  it('names what breaks the office rules: overlapping full terms and a term ending before it starts', () => {
    expect(foldTerms([assumed('a1', 'p1', '2001-01-01'), assumed('a2', 'p2', '2005-01-01')]).problems).toEqual([
      "p2's term from 2005-01-01 (not ended) overlaps p1's term from 2001-01-01 (not ended)",
    ]);
    expect(foldTerms([assumed('a1', 'p1', '2001-01-01'), assumed('a2', 'p2', '2005-01-01'), left('l1', 'p1', '2006-01-01', 'died')]).problems).toHaveLength(1);
    expect(foldTerms([assumed('a1', 'p1', '2001-01-01'), left('l1', 'p1', '2000-01-01', 'died')]).problems).toEqual([
      "p1's term from 2001-01-01 to 2000-01-01 ends before it starts",
    ]);
    expect(foldTerms([assumed('a1', 'p1', '2001-01-01'), left('l1', 'p1', '2005-01-01', 'died'), assumed('a2', 'p2', '2005-01-01')]).problems).toEqual([]);
  });
});
