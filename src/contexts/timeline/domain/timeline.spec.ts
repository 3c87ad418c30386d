import { buildTimeline, compareEntries, type RecordedAmendment, type RecordedFact, timeline } from './timeline.js';

let position = 0n;
const fact = (type: string, data: Record<string, unknown>, eventId = `e${position + 1n}`): RecordedFact => {
  position += 1n;
  return { eventId, type, streamName: `s-${eventId}`, data: { sources: [{ outlet: 'Wire' }], ...data }, recordedPosition: position, recordedAt: `2024-12-10T00:00:${String(position).padStart(2, '0')}Z` };
};
const day = (date: string) => ({ date, precision: 'day' });
const amend = (targetEventId: string, kind: 'corrected' | 'retracted', changes: Record<string, unknown> = {}): RecordedAmendment => {
  position += 1n;
  return { eventId: `a${position}`, targetEventId, kind, changes, reason: 'why', notice: `notice ${position}`, actor: 'editor-1', recordedPosition: position, recordedAt: '2024-12-11T00:00:00Z' };
};
const ids = (entries: { eventId: string }[]) => entries.map((entry) => entry.eventId);

describe('timeline (pure)', () => {
  it('orders by the first day the valid time covers, then by recording order', () => {
    const late = fact('CitySeized', { placeId: 'hama', factionId: 'hts', occurred: day('2024-12-05') });
    const month = fact('StatementIssued', { statementId: 's', speakerPersonId: 'p', quote: 'q', occurred: { date: '2024-12', precision: 'month' } });
    const early = fact('OfficeAssumed', { officeId: 'o', personId: 'p', acting: false, occurred: { date: '2000', precision: 'year' } });
    const sameDay = fact('StatueToppled', { statueId: 'st', placeId: 'hama', occurred: day('2024-12-05') });
    const entries = buildTimeline([late, month, early, sameDay], []);
    expect(ids(entries)).toEqual([early.eventId, month.eventId, late.eventId, sameDay.eventId]);
    expect(entries.map((entry) => [entry.effectiveDate, entry.approximate])).toEqual([
      ['2000-01-01', true],
      ['2024-12-01', true],
      ['2024-12-05', false],
      ['2024-12-05', false],
    ]);
  });

  it('applies corrections in log order and attaches their notices; a correction can move a fact', () => {
    const seizure = fact('CitySeized', { placeId: 'hama', factionId: 'hts', occurred: day('2024-12-05'), summary: 'first' });
    const other = fact('CitySeized', { placeId: 'aleppo', factionId: 'hts', occurred: day('2024-11-30') });
    const first = amend(seizure.eventId, 'corrected', { occurred: day('2024-11-01') });
    const second = amend(seizure.eventId, 'corrected', { summary: 'second', fromFactionId: null });
    const [moved, next] = buildTimeline([seizure, other], [second, first]);
    expect(moved).toMatchObject({ eventId: seizure.eventId, effectiveDate: '2024-11-01', summary: 'second' });
    expect(moved.corrections.map((c) => c.eventId)).toEqual([first.eventId, second.eventId]);
    expect(moved.corrections[0]).toEqual({ eventId: first.eventId, notice: first.notice, reason: 'why', actor: 'editor-1', recordedAt: first.recordedAt });
    expect(next.eventId).toBe(other.eventId);
  });

  it('marks two reports of one term\'s start whose dates share no day disputed, keeping both', () => {
    const assumed = (date: string, precision = 'day', personId = 'bashar') =>
      fact('OfficeAssumed', { officeId: 'president', personId, acting: false, occurred: { date, precision } });
    const first = assumed('2000-07-17');
    const second = assumed('2000-07-10');
    const month = assumed('2000-07', 'month');
    const someoneElse = assumed('2000-07-01', 'day', 'hafez');
    const entries = buildTimeline([first, second, month, someoneElse], []);
    const byId = new Map(entries.map((entry) => [entry.eventId, entry]));
    expect(byId.get(first.eventId)).toMatchObject({ disputed: true, disputedWith: [second.eventId] });
    expect(byId.get(second.eventId)).toMatchObject({ disputed: true, disputedWith: [first.eventId] });
    expect(byId.get(month.eventId)).toMatchObject({ disputed: false, disputedWith: [] });
    expect(byId.get(someoneElse.eventId)?.disputed).toBe(false);
    // A departure between them makes them two terms; a retraction settles the dispute.
    const left = fact('OfficeLeft', { officeId: 'president', personId: 'bashar', reason: 'resigned', occurred: day('2000-07-12') });
    expect(buildTimeline([first, second, left], []).every((entry) => !entry.disputed)).toBe(true);
    expect(buildTimeline([first, second], [amend(second.eventId, 'retracted')]).find((entry) => entry.eventId === first.eventId)?.disputed).toBe(false);
  });

  it('hides retracted facts unless asked, then marks them with the retraction', () => {
    const seizure = fact('CitySeized', { placeId: 'hama', factionId: 'hts', occurred: day('2024-12-05') });
    const retraction = amend(seizure.eventId, 'retracted');
    expect(timeline([seizure], [retraction])).toEqual([]);
    const [shown] = timeline([seizure], [retraction], { includeRetracted: true });
    expect(shown).toMatchObject({ retracted: true, retraction: { eventId: retraction.eventId, notice: retraction.notice } });
  });

  it('marks two seizures of one place the same day by different factions disputed, and confidence disputed', () => {
    const a = fact('CitySeized', { placeId: 'hama', factionId: 'hts', occurred: day('2024-12-05') });
    const b = fact('CitySeized', { placeId: 'hama', factionId: 'gov', occurred: day('2024-12-05') });
    const c = fact('CitySeized', { placeId: 'hama', factionId: 'gov', occurred: day('2024-12-06') });
    const d = fact('StatementIssued', { statementId: 's', speakerPersonId: 'p', quote: 'q', occurred: day('2024-12-07'), confidence: 'disputed' });
    const entries = buildTimeline([a, b, c, d], []);
    expect(entries.map((entry) => [entry.eventId, entry.disputed])).toEqual([
      [a.eventId, true],
      [b.eventId, true],
      [c.eventId, false],
      [d.eventId, true],
    ]);
    expect(entries[0].disputedWith).toEqual([b.eventId]);
    // Retracting one of the two settles the dispute.
    expect(buildTimeline([a, b], [amend(b.eventId, 'retracted')]).find((entry) => entry.eventId === a.eventId)?.disputed).toBe(false);
  });

  it('marks two seizures of one place by different factions whose dates share a day disputed with each other', () => {
    const seizure = (factionId: string, occurred: { date: string; precision: string }, extra: Record<string, unknown> = {}) =>
      fact('CitySeized', { placeId: 'x', factionId, occurred, ...extra });
    const month = seizure('a', { date: '2012-07', precision: 'month' });
    const inside = seizure('b', day('2012-07-15'));
    const after = seizure('c', day('2012-08-01'));
    const sameFaction = seizure('a', day('2012-07-20'));
    const elsewhere = fact('CitySeized', { placeId: 'y', factionId: 'd', occurred: day('2012-07-15') });
    const byId = (entries: ReturnType<typeof buildTimeline>) => new Map(entries.map((entry) => [entry.eventId, entry]));
    const entries = byId(buildTimeline([inside, after, sameFaction, elsewhere, month], []));
    expect(entries.get(month.eventId)).toMatchObject({ disputed: true, disputedWith: [inside.eventId] });
    expect(entries.get(inside.eventId)).toMatchObject({ disputed: true, disputedWith: [month.eventId] });
    for (const settled of [after, sameFaction, elsewhere]) expect(entries.get(settled.eventId)).toMatchObject({ disputed: false, disputedWith: [] });

    // A year report disputes every other faction's report dated in that year.
    const year = seizure('a', { date: '2012', precision: 'year' });
    const march = seizure('b', day('2012-03-01'));
    const september = seizure('c', day('2012-09-01'));
    const next = seizure('d', day('2013-01-01'));
    const years = byId(buildTimeline([year, march, september, next], []));
    expect(years.get(year.eventId)).toMatchObject({ disputed: true, disputedWith: [march.eventId, september.eventId] });
    expect(years.get(march.eventId)?.disputedWith).toEqual([year.eventId]);
    expect(years.get(september.eventId)?.disputedWith).toEqual([year.eventId]);
    expect(years.get(next.eventId)?.disputed).toBe(false);

    // Retracting the earlier report settles it; correcting its date out of the range too.
    expect(byId(buildTimeline([month, inside], [amend(month.eventId, 'retracted')])).get(inside.eventId)?.disputed).toBe(false);
    expect(byId(buildTimeline([month, inside], [amend(month.eventId, 'corrected', { occurred: { date: '2012-06', precision: 'month' } })])).get(inside.eventId)?.disputed).toBe(false);
  });

  it('does not dispute a later-starting seizure that says it took the place from the earlier one\'s faction', () => {
    const month = fact('CitySeized', { placeId: 'x', factionId: 'a', occurred: { date: '2012-07', precision: 'month' } });
    const takenFromA = fact('CitySeized', { placeId: 'x', factionId: 'b', fromFactionId: 'a', occurred: day('2012-07-15') });
    expect(buildTimeline([month, takenFromA], []).map((entry) => [entry.eventId, entry.disputed, entry.disputedWith])).toEqual([
      [month.eventId, false, []],
      [takenFromA.eventId, false, []],
    ]);
    // Taken from a third faction: disputed. The same first day: disputed whatever fromFactionId says.
    const takenFromC = fact('CitySeized', { placeId: 'x', factionId: 'b', fromFactionId: 'c', occurred: day('2012-07-15') });
    expect(buildTimeline([month, takenFromC], []).every((entry) => entry.disputed)).toBe(true);
    const sameDay = fact('CitySeized', { placeId: 'x', factionId: 'b', fromFactionId: 'a', occurred: day('2012-07-01') });
    expect(buildTimeline([month, sameDay], []).map((entry) => entry.disputedWith)).toEqual([[sameDay.eventId], [month.eventId]]);
  });

  it('filters by range (overlap), place, person fields and faction fields, on the corrected fact', () => {
    const seizure = fact('CitySeized', { placeId: 'hama', factionId: 'hts', fromFactionId: 'gov', occurred: day('2024-12-05') });
    const statue = fact('StatueToppled', { statueId: 'st', placeId: 'hama', depictsPersonId: 'hafez', toppledByFactionId: 'rebels', occurred: day('2024-12-06') });
    const statement = fact('StatementIssued', { statementId: 's', speakerPersonId: 'jawlani', onBehalfOfFactionId: 'hts', quote: 'q', occurred: { date: '2024-11', precision: 'month' } });
    const term = fact('OfficeAssumed', { officeId: 'president', personId: 'bashar', acting: false, occurred: day('2000-07-17') });
    const all = [seizure, statue, statement, term];
    expect(ids(timeline(all, [], { from: '2024-11-30', to: '2024-12-05' }))).toEqual([statement.eventId, seizure.eventId]);
    expect(ids(timeline(all, [], { placeId: 'hama' }))).toEqual([seizure.eventId, statue.eventId]);
    expect(ids(timeline(all, [], { personId: 'hafez' }))).toEqual([statue.eventId]);
    expect(ids(timeline(all, [], { personId: 'jawlani' }))).toEqual([statement.eventId]);
    expect(ids(timeline(all, [], { personId: 'bashar' }))).toEqual([term.eventId]);
    expect(ids(timeline(all, [], { factionId: 'hts' }))).toEqual([statement.eventId, seizure.eventId]);
    expect(ids(timeline(all, [], { factionId: 'gov' }))).toEqual([seizure.eventId]);
    expect(ids(timeline(all, [], { factionId: 'rebels' }))).toEqual([statue.eventId]);
    expect(ids(timeline(all, [amend(statue.eventId, 'corrected', { placeId: 'homs' })], { placeId: 'hama' }))).toEqual([seizure.eventId]);
  });

  it('leaves out a fact whose valid time cannot be read', () => {
    expect(buildTimeline([fact('CitySeized', { placeId: 'x', factionId: 'y', occurred: { date: '2024-13-01', precision: 'day' } })], [])).toEqual([]);
  });

  it('compareEntries breaks same-day ties by log position numerically', () => {
    expect(compareEntries({ effectiveDate: '2024-01-01', position: '900' }, { effectiveDate: '2024-01-01', position: '1000' })).toBeLessThan(0);
  });
});
