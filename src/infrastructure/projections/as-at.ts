import { registerDecorator, type ValidationOptions } from 'class-validator';
import type { SelectQueryBuilder } from 'kysely';

/**
 * `asAt` — recorded time: answer as the desk knew it at a log position (a non-negative integer: every event whose
 * commit position is <= it) or at a timestamp (every event recorded at or before it).
 */
export type AsAt = { kind: 'position'; position: bigint } | { kind: 'time'; recordedAt: string };

/** Keeps the read-model rows (with `recorded_position` and `recorded_at` columns) recorded by `asAt`; all without it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function recordedBy<Q extends SelectQueryBuilder<any, any, any>>(query: Q, asAt: AsAt | undefined): Q {
  if (asAt === undefined) return query;
  return (asAt.kind === 'position' ? query.where('recorded_position', '<=', asAt.position) : query.where('recorded_at', '<=', asAt.recordedAt)) as Q;
}

const MAX_STORED_POSITION = 0x7fffffffffffffffn;

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an asAt query value; null when it is neither a log position nor an ISO 8601 timestamp. */
export function parseAsAt(value: string): AsAt | null {
  if (/^\d{1,20}$/.test(value)) {
    const position = BigInt(value);
    if (position > 0xffffffffffffffffn) return null;
    // Read stores keep positions in signed 64-bit columns; anything beyond means "everything recorded".
    return { kind: 'position', position: position > MAX_STORED_POSITION ? MAX_STORED_POSITION : position };
  }
  if (!ISO_TIMESTAMP.test(value)) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) return null;
  // Date.parse rolls 2024-02-30 over to March: require the calendar date to survive the round trip.
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)!;
  const probe = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (probe.getUTCFullYear() !== Number(y) || probe.getUTCMonth() !== Number(m) - 1 || probe.getUTCDate() !== Number(d)) return null;
  return { kind: 'time', recordedAt: new Date(time).toISOString() };
}

/** `log position 42` / `2024-12-05T10:00:00.000Z`, for messages. */
export const describeAsAt = (asAt: AsAt): string => (asAt.kind === 'position' ? `log position ${asAt.position}` : asAt.recordedAt);

/** True for a real calendar day written YYYY-MM-DD (2024-02-30 is not one). */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Today (UTC) as YYYY-MM-DD: the default `asOf`. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

export function IsCalendarDay(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCalendarDay',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be a date that exists, written YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => isCalendarDay(value) },
    });
}

export function IsAsAt(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAsAt',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be an ISO 8601 timestamp or a non-negative integer log position', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && parseAsAt(value) !== null },
    });
}
