import { isCalendarDay, parseAsAt, todayUtc } from './as-at.js';

describe('asAt / asOf parsing', () => {
  it('reads a non-negative integer as a log position', () => {
    expect(parseAsAt('0')).toEqual({ kind: 'position', position: 0n });
    expect(parseAsAt('18446744073709551615')).toEqual({ kind: 'position', position: 9223372036854775807n });
    expect(parseAsAt('18446744073709551616')).toBeNull();
    expect(parseAsAt('-1')).toBeNull();
  });

  it('reads an ISO 8601 timestamp as a recorded time, normalised to UTC', () => {
    expect(parseAsAt('2024-12-05T10:00:00Z')).toEqual({ kind: 'time', recordedAt: '2024-12-05T10:00:00.000Z' });
    expect(parseAsAt('2024-12-05T12:00:00+02:00')).toEqual({ kind: 'time', recordedAt: '2024-12-05T10:00:00.000Z' });
    expect(parseAsAt('2024-12-05')).toEqual({ kind: 'time', recordedAt: '2024-12-05T00:00:00.000Z' });
  });

  it('refuses what is neither', () => {
    for (const value of ['', 'yesterday', '2024-02-30T00:00:00Z', '2024-13-01', '5.5', 'Thu, 05 Dec 2024 10:00:00 GMT']) {
      expect(parseAsAt(value)).toBeNull();
    }
  });

  it('accepts only real calendar days for asOf', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2023-02-29')).toBe(false);
    expect(isCalendarDay('2024-12-5')).toBe(false);
    expect(isCalendarDay('0000-01-01')).toBe(false);
    expect(isCalendarDay(20241205)).toBe(false);
    expect(isCalendarDay('2000-02-29')).toBe(true);
    expect(isCalendarDay('1900-02-29')).toBe(false);
    expect(isCalendarDay('2024-04-31')).toBe(false);
    expect(isCalendarDay('2024-12-31')).toBe(true);
    expect(isCalendarDay('2024-13-01')).toBe(false);
    expect(isCalendarDay('2024-00-10')).toBe(false);
    expect(isCalendarDay('2024-01-00')).toBe(false);
    expect(isCalendarDay('0050-06-15')).toBe(true);
  });

  it('defaults asOf to the UTC day of the clock', () => {
    expect(todayUtc(new Date('2024-12-05T23:30:00-05:00'))).toBe('2024-12-06');
  });
});
