import type { Occurred } from '../../../shared/domain/facts.js';
import { computeControlIntervals, intervalAt, type SeizureFact } from './control.js';

let position = 0n;
function seized(eventId: string, factionId: string, occurred: Occurred | string, extra: Partial<SeizureFact> = {}): SeizureFact {
  position += 10n;
  const when = typeof occurred === 'string' ? { date: occurred, precision: 'day' as const } : occurred;
  return { eventId, factionId, occurred: when, recordedPosition: position, ...extra };
}

const brief = (facts: SeizureFact[]) =>
  computeControlIntervals(facts).map(({ controller, from, to, disputed, sourceEventIds }) => ({
    controller,
    from,
    to,
    disputed,
    sourceEventIds,
  }));

describe('computeControlIntervals', () => {
  it('knows nothing without facts', () => {
    expect(computeControlIntervals([])).toEqual([]);
  });

  it('starts a single seizure on its day and keeps it current', () => {
    expect(brief([seized('e1', 'hts', '2024-12-05')])).toEqual([
      { controller: 'hts', from: '2024-12-05', to: null, disputed: false, sourceEventIds: ['e1'] },
    ]);
  });

  it('shows the fromFaction in control before the first seizure when nothing earlier is known', () => {
    const [before, after] = computeControlIntervals([
      seized('e1', 'hts', '2024-12-05', { fromFactionId: 'syrian-government' }),
    ]);
    expect(before).toMatchObject({ controller: 'syrian-government', from: null, to: '2024-12-05', inferred: true, sourceEventIds: ['e1'] });
    expect(after).toMatchObject({ controller: 'hts', from: '2024-12-05', to: null, inferred: false });
  });

  it('infers the baseline only from the earliest seizure', () => {
    const intervals = brief([
      seized('e1', 'syrian-government', '2016-12-22'),
      seized('e2', 'hts', '2024-11-29', { fromFactionId: 'someone-else' }),
    ]);
    expect(intervals).toEqual([
      { controller: 'syrian-government', from: '2016-12-22', to: '2024-11-29', disputed: false, sourceEventIds: ['e1'] },
      { controller: 'hts', from: '2024-11-29', to: null, disputed: false, sourceEventIds: ['e2'] },
    ]);
  });

  it('orders by valid time, not by arrival: a late report of an earlier seizure lands before', () => {
    const intervals = brief([seized('late', 'hts', '2024-12-05'), seized('early', 'syrian-government', '2012-07-01')]);
    expect(intervals.map((i) => [i.controller, i.from, i.to])).toEqual([
      ['syrian-government', '2012-07-01', '2024-12-05'],
      ['hts', '2024-12-05', null],
    ]);
  });

  it('takes a month or year precision fact from the first day it covers and marks it approximate', () => {
    const intervals = computeControlIntervals([
      seized('m', 'hts', { date: '2024-12', precision: 'month' }),
      seized('y', 'syrian-government', { date: '2013', precision: 'year' }),
    ]);
    expect(intervals.map((i) => [i.controller, i.from, i.approximate])).toEqual([
      ['syrian-government', '2013-01-01', true],
      ['hts', '2024-12-01', true],
    ]);
  });

  it('marks two factions seizing a place on the same day as one disputed interval listing both sources', () => {
    const intervals = computeControlIntervals([
      seized('a', 'syrian-government', '2024-12-01'),
      seized('b', 'hts', '2024-12-05'),
      seized('c', 'sna', '2024-12-05'),
    ]);
    expect(intervals).toHaveLength(2);
    expect(intervals[1]).toMatchObject({
      controller: 'sna',
      from: '2024-12-05',
      to: null,
      disputed: true,
      contenders: ['hts', 'sna'],
      sourceEventIds: ['b', 'c'],
    });
  });

  it('picks the later-recorded contender whatever order the facts are given in', () => {
    const b = seized('b', 'hts', '2024-12-05');
    const c = seized('c', 'sna', '2024-12-05');
    expect(computeControlIntervals([c, b])).toEqual(computeControlIntervals([b, c]));
  });

  it('merges a repeated report of the same faction into the interval it confirms', () => {
    const intervals = brief([seized('e1', 'hts', '2024-12-05'), seized('e2', 'hts', '2024-12-06')]);
    expect(intervals).toEqual([{ controller: 'hts', from: '2024-12-05', to: null, disputed: false, sourceEventIds: ['e1', 'e2'] }]);
  });

  it('marks an interval disputed when its report says so', () => {
    const [interval] = computeControlIntervals([seized('e1', 'hts', '2024-12-05', { confidence: 'disputed' })]);
    expect(interval.disputed).toBe(true);
  });

  it('ignores a fact whose date does not exist', () => {
    expect(computeControlIntervals([seized('bad', 'hts', '2024-02-30')])).toEqual([]);
  });

  it('answers the controller on a day with half-open intervals', () => {
    const intervals = computeControlIntervals([seized('e1', 'hts', '2024-12-05', { fromFactionId: 'syrian-government' })]);
    expect(intervalAt(intervals, '2024-12-04')?.controller).toBe('syrian-government');
    expect(intervalAt(intervals, '2024-12-05')?.controller).toBe('hts');
    expect(intervalAt(computeControlIntervals([seized('e2', 'hts', '2024-12-05')]), '2024-12-04')).toBeNull();
  });
});
