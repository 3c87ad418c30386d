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

  describe('reports of different factions whose dates share a day', () => {
    const month = (date: string) => ({ date, precision: 'month' as const });
    const year = (date: string) => ({ date, precision: 'year' as const });

    it('marks the interval beginning at the later-starting report disputed, with both factions and both sources', () => {
      const a = seized('a', 'faction-a', month('2012-07'));
      const b = seized('b', 'faction-b', '2012-07-15');
      const intervals = computeControlIntervals([a, b]);
      expect(intervals).toEqual([
        { controller: 'faction-a', from: '2012-07-01', to: '2012-07-15', disputed: false, contenders: ['faction-a'], sourceEventIds: ['a'], approximate: true, inferred: false },
        { controller: 'faction-b', from: '2012-07-15', to: null, disputed: true, contenders: ['faction-a', 'faction-b'], sourceEventIds: ['a', 'b'], approximate: false, inferred: false },
      ]);
      // The same answer whatever order they are given or were recorded in (sources stay in recording order).
      expect(computeControlIntervals([b, a])).toEqual(intervals);
      const recordedFirst = seized('b2', 'faction-b', '2012-07-15');
      const recordedLater = seized('a2', 'faction-a', month('2012-07'));
      expect(brief([recordedFirst, recordedLater])).toEqual([
        { controller: 'faction-a', from: '2012-07-01', to: '2012-07-15', disputed: false, sourceEventIds: ['a2'] },
        { controller: 'faction-b', from: '2012-07-15', to: null, disputed: true, sourceEventIds: ['b2', 'a2'] },
      ]);
      expect(intervalAt(intervals, '2012-07-20')).toMatchObject({ controller: 'faction-b', disputed: true, sourceEventIds: ['a', 'b'] });
    });

    it('lets a year report dispute every other faction\'s report dated in that year, and none after it', () => {
      const intervals = brief([
        seized('a', 'faction-a', year('2012')),
        seized('b', 'faction-b', '2012-03-01'),
        seized('c', 'faction-c', '2012-09-01'),
        seized('d', 'faction-d', '2013-01-01'),
      ]);
      expect(intervals).toEqual([
        { controller: 'faction-a', from: '2012-01-01', to: '2012-03-01', disputed: false, sourceEventIds: ['a'] },
        { controller: 'faction-b', from: '2012-03-01', to: '2012-09-01', disputed: true, sourceEventIds: ['a', 'b'] },
        { controller: 'faction-c', from: '2012-09-01', to: '2013-01-01', disputed: true, sourceEventIds: ['a', 'c'] },
        { controller: 'faction-d', from: '2013-01-01', to: null, disputed: false, sourceEventIds: ['d'] },
      ]);
      expect(computeControlIntervals([seized('y', 'faction-a', year('2012')), seized('z', 'faction-c', '2012-09-01')])[1].contenders).toEqual(['faction-a', 'faction-c']);
    });

    it('does not dispute a report that says it took the place from the earlier report\'s faction', () => {
      const intervals = brief([seized('a', 'faction-a', month('2012-07')), seized('b', 'faction-b', '2012-07-15', { fromFactionId: 'faction-a' })]);
      expect(intervals).toEqual([
        { controller: 'faction-a', from: '2012-07-01', to: '2012-07-15', disputed: false, sourceEventIds: ['a'] },
        { controller: 'faction-b', from: '2012-07-15', to: null, disputed: false, sourceEventIds: ['b'] },
      ]);
      // Taken from someone else: still disputed.
      const other = brief([seized('a', 'faction-a', month('2012-07')), seized('b', 'faction-b', '2012-07-15', { fromFactionId: 'faction-c' })]);
      expect(other[1]).toMatchObject({ disputed: true, sourceEventIds: ['a', 'b'] });
    });

    it('keeps a same-day pair disputed even when one names the other as the faction it took the place from', () => {
      const [baseline, interval] = computeControlIntervals([seized('a', 'faction-a', month('2012-07')), seized('b', 'faction-b', '2012-07-01', { fromFactionId: 'faction-a' })]);
      expect(baseline).toMatchObject({ controller: 'faction-a', from: null, to: '2012-07-01', inferred: true });
      expect(interval).toMatchObject({ controller: 'faction-b', from: '2012-07-01', disputed: true, contenders: ['faction-a', 'faction-b'], sourceEventIds: ['a', 'b'] });
    });

    it('does not dispute reports of the same faction, nor dates that share no day', () => {
      expect(brief([seized('a', 'faction-a', month('2012-07')), seized('b', 'faction-a', '2012-07-15')])).toEqual([
        { controller: 'faction-a', from: '2012-07-01', to: null, disputed: false, sourceEventIds: ['a', 'b'] },
      ]);
      expect(brief([seized('a', 'faction-a', month('2012-07')), seized('b', 'faction-b', '2012-08-01')]).map((i) => i.disputed)).toEqual([false, false]);
    });

    it('does not let the same faction\'s confirmation swallow the disputed interval', () => {
      // B's report inside A's month is disputed; B's report after the month is not: it starts its own interval.
      const intervals = brief([seized('a', 'faction-a', month('2012-07')), seized('b', 'faction-b', '2012-07-15'), seized('c', 'faction-b', '2012-08-03')]);
      expect(intervals).toEqual([
        { controller: 'faction-a', from: '2012-07-01', to: '2012-07-15', disputed: false, sourceEventIds: ['a'] },
        { controller: 'faction-b', from: '2012-07-15', to: '2012-08-03', disputed: true, sourceEventIds: ['a', 'b'] },
        { controller: 'faction-b', from: '2012-08-03', to: null, disputed: false, sourceEventIds: ['c'] },
      ]);
    });

    it('lists the earlier report when it confirmed an earlier interval of its faction', () => {
      const intervals = brief([seized('a', 'faction-a', '2011-05-01'), seized('y', 'faction-a', year('2012')), seized('b', 'faction-b', '2012-06-01')]);
      expect(intervals).toEqual([
        { controller: 'faction-a', from: '2011-05-01', to: '2012-06-01', disputed: false, sourceEventIds: ['a', 'y'] },
        { controller: 'faction-b', from: '2012-06-01', to: null, disputed: true, sourceEventIds: ['y', 'b'] },
      ]);
    });
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
