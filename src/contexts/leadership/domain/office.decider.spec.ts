import { type CorrectFact, correctionDecider, type RetractFact } from '../../../shared/domain/corrections.js';
import { deciderSpecification } from '../../../shared/domain/decider-specification.js';
import type { Source } from '../../../shared/domain/facts.js';
import type { AssumeOffice, LeaveOffice } from './leadership.commands.js';
import type { OfficeAssumed, OfficeEstablished, OfficeLeft } from './leadership.events.js';
import { keepsOfficeRules, officeDecider } from './office.decider.js';

const spec = deciderSpecification(officeDecider);
const sources: Source[] = [{ outlet: 'SANA' }];

const established: OfficeEstablished = {
  type: 'OfficeEstablished',
  data: { officeId: 'president-of-syria', title: 'President of Syria', jurisdiction: 'Syria' },
};
const assume = (personId: string, date = '2000-07-17', acting?: boolean): AssumeOffice => ({
  type: 'AssumeOffice',
  data: { officeId: 'president-of-syria', personId, occurred: { date, precision: 'day' }, sources, ...(acting === undefined ? {} : { acting }) },
});
const assumeOn = (personId: string, occurred: { date: string; precision: 'day' | 'month' | 'year' }): AssumeOffice => ({
  type: 'AssumeOffice',
  data: { officeId: 'president-of-syria', personId, occurred, sources },
});
const assumed = (personId: string, date = '2000-07-17', acting = false): OfficeAssumed => ({
  type: 'OfficeAssumed',
  data: { officeId: 'president-of-syria', personId, acting, occurred: { date, precision: 'day' }, sources },
});
const leave = (personId: string, date = '2024-12-08'): LeaveOffice => ({
  type: 'LeaveOffice',
  data: { officeId: 'president-of-syria', personId, reason: 'ousted', occurred: { date, precision: 'day' }, sources },
});
const left = (personId: string, date = '2024-12-08'): OfficeLeft => ({ type: 'OfficeLeft', data: leave(personId, date).data });

describe('office decider', () => {
  describe('EstablishOffice', () => {
    it('establishes an office', () =>
      spec.given([]).when({ type: 'EstablishOffice', data: established.data }).then([established]));

    it('refuses to establish an office twice', () =>
      spec.given([established]).when({ type: 'EstablishOffice', data: established.data }).thenThrows('LEADERSHIP.OFFICE_ALREADY_ESTABLISHED'));
  });

  describe('AssumeOffice', () => {
    it('opens a term, not acting by default', () => spec.given([established]).when(assume('bashar-al-assad')).then([assumed('bashar-al-assad')]));

    it('records an acting term', () =>
      spec.given([established]).when(assume('x', '2024-12-08', true)).then([assumed('x', '2024-12-08', true)]));

    it('refuses a successor while the predecessor\'s term is not ended, naming that open term', () =>
      spec.given([established, assumed('hafez-al-assad', '1971-03-14')]).when(assume('bashar-al-assad')).thenThrows('LEADERSHIP.TERM_OVERLAPS', (e) => {
        expect(e.kind).toBe('illegal-state');
        expect(e.errors[0].field).toBe('occurred');
        expect(e.message).toContain('hafez-al-assad');
        expect(e.message).toContain('1971-03-14');
        expect(e.extra.conflictingTerm).toMatchObject({ personId: 'hafez-al-assad', start: { date: '1971-03-14', precision: 'day' }, end: null });
      }));

    it('allows the successor once the predecessor left, on the same day or later', () => {
      spec.given([established, assumed('hafez-al-assad', '1971-03-14'), left('hafez-al-assad', '2000-06-10')]).when(assume('bashar-al-assad', '2000-06-10')).then([assumed('bashar-al-assad', '2000-06-10')]);
      spec.given([established, assumed('hafez-al-assad', '1971-03-14'), left('hafez-al-assad', '2000-06-10')]).when(assume('bashar-al-assad')).then([assumed('bashar-al-assad')]);
    });

    it('refuses a term starting inside an ended term of someone else', () =>
      spec.given([established, assumed('hafez-al-assad', '1971-03-14'), left('hafez-al-assad', '2000-06-10')]).when(assume('bashar-al-assad', '1999-01-01')).thenThrows('LEADERSHIP.TERM_OVERLAPS', (e) =>
        expect(e.extra.conflictingTerm).toMatchObject({ personId: 'hafez-al-assad', end: { date: '2000-06-10', precision: 'day' } })));

    it('accepts an earlier term reported late (it starts before the open one)', () =>
      spec.given([established, assumed('bashar-al-assad', '2000-07-17')]).when(assume('hafez-al-assad', '1971-03-14')).then([assumed('hafez-al-assad', '1971-03-14')]));

    it('lets acting terms overlap a full term, and a full term start during an acting one', () => {
      spec.given([established, assumed('bashar-al-assad', '2000-07-17')]).when(assume('interim', '2024-12-08', true)).then([assumed('interim', '2024-12-08', true)]);
      spec.given([established, assumed('interim', '2000-06-10', true)]).when(assume('bashar-al-assad')).then([assumed('bashar-al-assad')]);
    });

    it('allows a new term after the previous one ended', () =>
      spec.given([established, assumed('p'), left('p')]).when(assume('p', '2025-01-01')).then([assumed('p', '2025-01-01')]));

    it('refuses a second open term for the same person (a repeat whose date is compatible with the recorded start)', () => {
      spec.given([established, assumed('p')]).when(assume('p', '2000-07-17')).thenThrows('LEADERSHIP.ALREADY_HOLDING_OFFICE', (e) => {
        expect(e.kind).toBe('illegal-state');
        expect(e.errors[0].field).toBe('personId');
      });
      spec.given([established, assumed('p')]).when(assumeOn('p', { date: '2000-07', precision: 'month' })).thenThrows('LEADERSHIP.ALREADY_HOLDING_OFFICE');
      spec.given([established, assumed('p', '2000-07-17', true)]).when(assume('p', '2000-08-01')).thenThrows('LEADERSHIP.ALREADY_HOLDING_OFFICE');
    });

    it('keeps a second report of an open term\'s start that disagrees with the recorded one (disputed, not refused)', () => {
      spec.given([established, assumed('p', '2000-07-17')]).when(assume('p', '2000-07-10')).then([assumed('p', '2000-07-10')]);
      spec.given([established, assumed('p', '2000-07-17')]).when(assume('p', '2001-01-01')).then([assumed('p', '2001-01-01')]);
    });

    it('merges a compatible repeat of an ended term\'s start, and keeps one that disagrees', () => {
      const ended = [established, assumed('p', '2000-07-17'), left('p', '2005-01-01')];
      const inJuly = { date: '2000-07', precision: 'month' } as const;
      spec.given(ended).when(assumeOn('p', inJuly)).then([{ type: 'OfficeAssumed', data: { ...assumed('p').data, occurred: inJuly } }]);
      spec.given(ended).when(assume('p', '2000-07-10')).then([assumed('p', '2000-07-10')]);
    });

    it('still refuses a disputed start that falls inside someone else\'s term', () =>
      spec
        .given([established, assumed('hafez-al-assad', '1971-03-14'), left('hafez-al-assad', '2000-06-10'), assumed('bashar-al-assad', '2000-07-17')])
        .when(assume('bashar-al-assad', '2000-05-01'))
        .thenThrows('LEADERSHIP.TERM_OVERLAPS', (e) => expect(e.extra.conflictingTerm).toMatchObject({ personId: 'hafez-al-assad' })));

    it('decides on terms in valid-time order: a late report of an ended term\'s start leaves no phantom open term', () => {
      const history = [
        established,
        assumed('hafez', '2000-01-01'),
        left('hafez', '2005-01-01'),
        assumed('bashar', '2005-06-01'),
        assumed('hafez', '1999-12-01'),
        left('bashar', '2010-01-01'),
      ];
      spec.given(history).when(assume('jawlani', '2011-01-01')).then([assumed('jawlani', '2011-01-01')]);
      spec.given(history).when(leave('hafez', '2012-01-01')).thenThrows('LEADERSHIP.NOT_HOLDING_OFFICE');
      spec.given(history).when(assume('jawlani', '2004-01-01')).thenThrows('LEADERSHIP.TERM_OVERLAPS', (e) =>
        expect(e.extra.conflictingTerm).toMatchObject({ personId: 'hafez', start: { date: '1999-12-01', precision: 'day' }, end: { date: '2005-01-01', precision: 'day' } }));
    });

    it('counts an acting term a full holder ended as over: the interim may act again, and its departure may still be reported', () => {
      const history = [established, assumed('interim', '2000-06-10', true), assumed('bashar-al-assad', '2000-07-17'), left('bashar-al-assad', '2024-12-08')];
      spec.given(history).when(assume('interim', '2024-12-08', true)).then([assumed('interim', '2024-12-08', true)]);
      spec.given(history).when(leave('interim', '2000-07-17')).then([left('interim', '2000-07-17')]);
      spec.given([established, assumed('interim', '2000-06-10', true)]).when(assume('interim', '2000-06-10', true)).thenThrows('LEADERSHIP.ALREADY_HOLDING_OFFICE');
    });

    it('lets an acting term run inside a full term; the full holder can still leave after it', () =>
      spec
        .given([established, assumed('pb', '2010-03-01'), assumed('px', '2012-01-01', true), left('px', '2012-03-01')])
        .when(leave('pb', '2015-01-01'))
        .then([left('pb', '2015-01-01')]));

    it('rejects an office that is not established', () =>
      spec.given([]).when(assume('p')).thenThrows('LEADERSHIP.UNKNOWN_OFFICE', (e) => expect(e.kind).toBe('not-found')));

    it('rejects a date that does not exist', () =>
      spec.given([established]).when(assume('p', '2023-02-29')).thenThrows('LEADERSHIP.INVALID_OCCURRED'));
  });

  describe('LeaveOffice', () => {
    it('closes the open term of the holder', () =>
      spec.given([established, assumed('bashar-al-assad')]).when(leave('bashar-al-assad')).then([left('bashar-al-assad')]));

    it('rejects someone who does not hold the office', () =>
      spec.given([established, assumed('bashar-al-assad')]).when(leave('someone-else')).thenThrows('LEADERSHIP.NOT_HOLDING_OFFICE', (e) => {
        expect(e.kind).toBe('illegal-state');
        expect(e.errors).toEqual([{ field: 'personId', message: expect.stringContaining('someone-else') }]);
      }));

    it('rejects leaving twice', () =>
      spec.given([established, assumed('p'), left('p')]).when(leave('p')).thenThrows('LEADERSHIP.NOT_HOLDING_OFFICE'));

    it('rejects an office that is not established', () => spec.given([]).when(leave('p')).thenThrows('LEADERSHIP.UNKNOWN_OFFICE'));

    it('rejects a term that ends before it starts, naming occurred', () =>
      spec.given([established, assumed('p', '2000-07-17')]).when(leave('p', '2000-07-16')).thenThrows('LEADERSHIP.TERM_ENDS_BEFORE_START', (e) => {
        expect(e.kind).toBe('validation');
        expect(e.errors).toEqual([{ field: 'occurred', message: expect.stringContaining('2000-07-17') }]);
      }));

    it('allows a one-day term, and an end whose coarse date covers the start', () => {
      spec.given([established, assumed('p', '2000-07-17')]).when(leave('p', '2000-07-17')).then([left('p', '2000-07-17')]);
      const inJuly = { ...leave('p'), data: { ...leave('p').data, occurred: { date: '2000-07', precision: 'month' as const } } };
      spec.given([established, assumed('p', '2000-07-17')]).when(inJuly).then([{ type: 'OfficeLeft', data: inJuly.data }]);
    });

    it('refuses an end after a later term of someone else started (the terms would overlap)', () =>
      spec
        .given([established, assumed('bashar-al-assad', '2000-07-17'), assumed('hafez-al-assad', '1971-03-14')])
        .when(leave('hafez-al-assad', '2000-08-01'))
        .thenThrows('LEADERSHIP.TERM_OVERLAPS', (e) => expect(e.extra.conflictingTerm).toMatchObject({ personId: 'bashar-al-assad' })));

    it('accepts the late-reported earlier term ending before the later one starts', () =>
      spec.given([established, assumed('bashar-al-assad', '2000-07-17'), assumed('hafez-al-assad', '1971-03-14')]).when(leave('hafez-al-assad', '2000-06-10')).then([left('hafez-al-assad', '2000-06-10')]));

    it('requires sources', () =>
      spec.given([established, assumed('p')]).when({ ...leave('p'), data: { ...leave('p').data, sources: [] } }).thenThrows('LEADERSHIP.SOURCES_REQUIRED'));
  });

  describe('corrections and retractions of terms', () => {
    const withId = <E extends object>(event: E, id: string) => ({ ...event, id });
    const retracted = (eventId: string) => ({ type: 'FactRetracted' as const, data: { eventId, reason: 'wrong', notice: 'Withdrawn.' } });

    it('a retracted assumption leaves no term to leave', () =>
      spec.given([established, withId(assumed('p'), 'e1'), retracted('e1')]).when(leave('p')).thenThrows('LEADERSHIP.NOT_HOLDING_OFFICE'));

    it('a retracted departure leaves the term open', () =>
      spec.given([established, withId(assumed('p'), 'e1'), withId(left('p'), 'e2'), retracted('e2')]).when(leave('p')).then([left('p')]));

    it('a corrected holder holds the term instead', () => {
      const corrected = { type: 'FactCorrected' as const, data: { eventId: 'e1', changes: { personId: 'q' }, reason: 'misidentified', notice: 'Corrected.' } };
      spec.given([established, withId(assumed('p'), 'e1'), corrected]).when(leave('q')).then([left('q')]);
      spec.given([established, withId(assumed('p'), 'e1'), corrected]).when(leave('p')).thenThrows('LEADERSHIP.NOT_HOLDING_OFFICE');
    });

    it('a retraction of another event changes nothing', () =>
      spec.given([established, withId(assumed('p'), 'e1'), retracted('other')]).when(leave('p')).then([left('p')]));
  });
});

describe('amendments of terms keep the office rules', () => {
  const amendments = deciderSpecification(correctionDecider(officeDecider, keepsOfficeRules));
  const withId = <E extends object>(event: E, id: string) => ({ ...event, id });
  const correct = (eventId: string, changes: Record<string, unknown>): CorrectFact => ({ type: 'CorrectFact', data: { eventId, changes, reason: 'r', notice: 'n' } });
  const retract = (eventId: string): RetractFact => ({ type: 'RetractFact', data: { eventId, reason: 'r', notice: 'n' } });
  const history = [established, withId(assumed('hafez-al-assad', '1971-03-14'), 'a1'), withId(left('hafez-al-assad', '2000-06-10'), 'l1'), withId(assumed('bashar-al-assad', '2000-07-17'), 'a2')];

  it('accepts a correction within the rules', () =>
    amendments.given(history).when(correct('l1', { occurred: { date: '2000-06-11', precision: 'day' } })).then([
      { type: 'FactCorrected', data: { eventId: 'l1', factType: 'OfficeLeft', changes: { occurred: { date: '2000-06-11', precision: 'day' } }, reason: 'r', notice: 'n' } },
    ]));

  it('refuses a departure moved past the successor\'s start (overlap, 409)', () =>
    amendments.given(history).when(correct('l1', { occurred: { date: '2001-01-01', precision: 'day' } })).thenThrows('LEADERSHIP.TERM_OVERLAPS', (e) => expect(e.kind).toBe('illegal-state')));

  it('refuses a start moved after the departure (400 on changes.occurred)', () =>
    amendments.given(history).when(correct('a1', { occurred: { date: '2001-01-01', precision: 'day' } })).thenThrows('LEADERSHIP.TERM_ENDS_BEFORE_START', (e) =>
      expect(e.errors[0].field).toBe('changes.occurred')));

  it('refuses to make an acting term a full one that overlaps', () => {
    const acting = [established, withId(assumed('bashar-al-assad', '2000-07-17'), 'a2'), withId(assumed('interim', '2024-12-08', true), 'a3')];
    amendments.given(acting).when(correct('a3', { acting: false })).thenThrows('LEADERSHIP.TERM_OVERLAPS');
  });

  it('refuses to retract a departure a successor depends on, not one that nothing depends on', () => {
    amendments.given(history).when(retract('l1')).thenThrows('LEADERSHIP.TERM_OVERLAPS');
    amendments.given(history).when(retract('a2')).then([{ type: 'FactRetracted', data: { eventId: 'a2', factType: 'OfficeAssumed', reason: 'r', notice: 'n' } }]);
  });

  it('does not blame an amendment for an overlap recorded before the rules', () => {
    const legacy = [established, withId(assumed('hafez-al-assad', '1971-03-14'), 'a1'), withId(assumed('bashar-al-assad', '2000-07-17'), 'a2')];
    amendments.given(legacy).when(correct('a2', { confidence: 'confirmed' })).then([
      { type: 'FactCorrected', data: { eventId: 'a2', factType: 'OfficeAssumed', changes: { confidence: 'confirmed' }, reason: 'r', notice: 'n' } },
    ]);
  });
});
