import type { Decider } from './decider.js';
import { illegalState } from './domain-error.js';
import { deciderSpecification } from './decider-specification.js';
import { occurredDateProblem, occurredStart, shareADay } from './occurred.js';

describe('occurredDateProblem', () => {
  it.each([
    ['2024-02-29', 'day'],
    ['2000-02-29', 'day'],
    ['2024-12-31', 'day'],
    ['2024-12', 'month'],
    ['2024', 'year'],
  ])('accepts %s at %s precision', (date, precision) => expect(occurredDateProblem(date, precision)).toBeUndefined());

  it.each([
    ['2024-02-30', 'day'],
    ['2023-02-29', 'day'],
    ['1900-02-29', 'day'],
    ['2024-04-31', 'day'],
    ['2024-00-10', 'day'],
    ['2024-13', 'month'],
    ['2024-12-05', 'month'],
    ['2024-12', 'year'],
    ['2024', 'day'],
    ['24-12-05', 'day'],
    ['2024-12-05T00:00:00Z', 'day'],
    ['0000', 'year'],
  ])('rejects %s at %s precision', (date, precision) => expect(occurredDateProblem(date, precision)).toBeDefined());

  it('names the first day a date covers', () => {
    expect(occurredStart({ date: '2024', precision: 'year' })).toBe('2024-01-01');
    expect(occurredStart({ date: '2024-12', precision: 'month' })).toBe('2024-12-01');
    expect(occurredStart({ date: '2024-12-05', precision: 'day' })).toBe('2024-12-05');
  });
});

describe('shareADay', () => {
  const day = (date: string) => ({ date, precision: 'day' as const });
  const month = (date: string) => ({ date, precision: 'month' as const });
  const year = (date: string) => ({ date, precision: 'year' as const });

  it.each([
    [month('2012-07'), day('2012-07-15')],
    [month('2012-07'), day('2012-07-31')],
    [year('2012'), month('2012-12')],
    [year('2012'), day('2012-01-01')],
    [day('2012-07-15'), day('2012-07-15')],
    [month('2024-02'), day('2024-02-29')],
  ])('%o and %o share a day (both ways)', (a, b) => {
    expect(shareADay(a, b)).toBe(true);
    expect(shareADay(b, a)).toBe(true);
  });

  it.each([
    [month('2012-07'), day('2012-08-01')],
    [month('2012-07'), day('2012-06-30')],
    [year('2012'), day('2013-01-01')],
    [day('2012-07-15'), day('2012-07-16')],
  ])('%o and %o share no day (both ways)', (a, b) => {
    expect(shareADay(a, b)).toBe(false);
    expect(shareADay(b, a)).toBe(false);
  });
});

type Registered = { type: 'FactionRegistered'; data: { factionId: string; name: string; aliases: string[] } };
type Register = { type: 'RegisterFaction'; data: { factionId: string; name: string } };
const factionDecider: Decider<Register, Registered, boolean> = {
  initialState: () => false,
  evolve: () => true,
  decide: (command, registered) => {
    if (registered) throw illegalState('TERRITORY.FACTION_ALREADY_REGISTERED', 'again');
    return [{ type: 'FactionRegistered', data: { ...command.data, aliases: [] } }];
  },
};

describe('deciderSpecification', () => {
  const spec = deciderSpecification(factionDecider);
  const register = { type: 'RegisterFaction' as const, data: { factionId: 'a', name: 'A' } };

  it('fails when the decided events differ', () =>
    expect(() => spec.given([]).when(register).then([{ type: 'FactionRegistered', data: { factionId: 'b', name: 'A', aliases: [] } }])).toThrow(
      /expected events/,
    ));

  it('fails when an expected error is not thrown, or has another code', () => {
    expect(() => spec.given([]).when(register).thenThrows('X')).toThrow(/expected DomainError X/);
    const registered = { type: 'FactionRegistered' as const, data: { factionId: 'a', name: 'A', aliases: [] } };
    expect(() => spec.given([registered]).when(register).thenThrows('X')).toThrow(/but got TERRITORY.FACTION_ALREADY_REGISTERED/);
  });
});
