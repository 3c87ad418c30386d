import { PRECISIONS, type Occurred, type Precision } from './facts.js';

const FORMAT: Record<Precision, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  year: /^(\d{4})$/,
};

const EXAMPLE: Record<Precision, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM', year: 'YYYY' };

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * Why an `occurred.date` is not acceptable for its precision, or undefined when it is.
 * Checked by hand (not `new Date()`), because JavaScript rolls 2024-02-30 over to 1 March instead of failing.
 */
export function occurredDateProblem(date: unknown, precision: unknown): string | undefined {
  if (typeof date !== 'string') return 'date must be a string';
  if (!PRECISIONS.includes(precision as Precision)) {
    return /^\d{4}(-\d{2}(-\d{2})?)?$/.test(date) ? undefined : 'date must be YYYY-MM-DD, YYYY-MM or YYYY';
  }
  const match = FORMAT[precision as Precision].exec(date);
  if (!match) return `date must be ${EXAMPLE[precision as Precision]} to match precision "${String(precision)}"`;
  const year = Number(match[1]);
  if (year < 1) return 'date must have a year from 0001';
  if (match[2] === undefined) return undefined;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return `${date} does not exist: the month must be 01 to 12`;
  if (match[3] === undefined) return undefined;
  const day = Number(match[3]);
  if (day < 1 || day > daysInMonth(year, month)) return `${date} does not exist in the calendar`;
  return undefined;
}

export function isValidOccurred(occurred: Occurred): boolean {
  return occurredDateProblem(occurred.date, occurred.precision) === undefined;
}

/** The first day a valid time covers (`2024-12` → `2024-12-01`): a fact takes effect from then. */
export function occurredStart(occurred: Occurred): string {
  if (occurred.precision === 'year') return `${occurred.date}-01-01`;
  if (occurred.precision === 'month') return `${occurred.date}-01`;
  return occurred.date;
}

/** The last day a valid time covers (`2024-02` → `2024-02-29`): a term ending "in 2000" may end on any day of it. */
export function occurredEnd(occurred: Occurred): string {
  if (occurred.precision === 'year') return `${occurred.date}-12-31`;
  if (occurred.precision === 'month') {
    const [year, month] = occurred.date.split('-').map(Number);
    return `${occurred.date}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
  }
  return occurred.date;
}

/** Whether two valid times share at least one day (`2012-07` and `2012-07-15` do; `2012-07` and `2012-08-01` do not). */
export function shareADay(a: Occurred, b: Occurred): boolean {
  return occurredStart(a) <= occurredEnd(b) && occurredStart(b) <= occurredEnd(a);
}
