// Calendar arithmetic on KeyPoints in the policy's time zone. Every step goes through luxon's
// calendar operations (startOf, plus) so that days stay days across DST changes; nothing here adds
// fixed numbers of milliseconds.
import { DateTime } from 'luxon';
import type { RelativeOffset } from '../policy/types.js';
import type { Every, KeyPoint, KeyType } from './model.js';

/** Which axis a key lives on: wall clock (date, timestamp) or real instants seen from `zone`. */
export interface KeyAxis {
  keyType: KeyType;
  /** IANA zone of the policy; only matters for timestamptz keys and for reading `now`. */
  zone: string;
}

export class CalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarError';
  }
}

/** The key as a luxon DateTime whose calendar fields are the partition calendar's. */
export function keyToDateTime(axis: KeyAxis, key: KeyPoint): DateTime {
  const dt = DateTime.fromMillis(key, { zone: axis.keyType === 'timestamptz' ? axis.zone : 'utc' });
  if (!dt.isValid) throw new CalendarError(`key ${key} is outside the calendar (${dt.invalidExplanation ?? ''})`);
  return dt;
}

/** Local midnight of `now`'s day in the policy zone ("today"). */
export function today(now: string, zone: string): DateTime {
  const dt = DateTime.fromISO(now, { zone });
  if (!dt.isValid) {
    throw new CalendarError(`now ${JSON.stringify(now)} is not an ISO date or timestamp (${dt.invalidExplanation ?? dt.invalidReason ?? ''})`);
  }
  return dt.startOf('day');
}

/** A local calendar day at midnight, as a key on `axis`. */
export function localMidnightToKey(axis: KeyAxis, day: DateTime): KeyPoint {
  if (axis.keyType === 'timestamptz') {
    return DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone: axis.zone }).toMillis();
  }
  return DateTime.utc(day.year, day.month, day.day).toMillis();
}

/** Apply a relative offset to today's date in the zone and return that day's midnight as a key. */
export function resolveOffset(axis: KeyAxis, now: string, offset: RelativeOffset): KeyPoint {
  const day = today(now, axis.zone).plus({
    years: offset.years ?? 0,
    months: offset.months ?? 0,
    weeks: offset.weeks ?? 0,
    days: offset.days ?? 0,
  });
  return localMidnightToKey(axis, day);
}

/** `offset` with every field made negative: "drop_after: 7 years" means 7 years before now. */
export function backwards(offset: RelativeOffset): RelativeOffset {
  const neg = (n: number | undefined): number | undefined => (n === undefined ? undefined : -Math.abs(n));
  return { years: neg(offset.years), months: neg(offset.months), weeks: neg(offset.weeks), days: neg(offset.days) };
}

function floorDateTime(dt: DateTime, every: Every): DateTime {
  switch (every.unit) {
    case 'day':
      return dt.startOf('day');
    case 'week':
      return dt.startOf('week'); // ISO weeks: Monday
    case 'month': {
      const m = dt.startOf('month');
      const index = m.month - 1;
      return m.set({ month: index - (index % every.count) + 1 });
    }
    case 'year': {
      const y = dt.startOf('year');
      return every.count > 1 ? y.set({ year: y.year - mod(y.year, every.count) }) : y;
    }
  }
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

function stepDateTime(dt: DateTime, every: Every, times = 1): DateTime {
  const n = every.count * times;
  switch (every.unit) {
    case 'day':
      return dt.plus({ days: n }).startOf('day');
    case 'week':
      return dt.plus({ weeks: n }).startOf('day');
    case 'month':
      return dt.plus({ months: n }).startOf('day');
    case 'year':
      return dt.plus({ years: n }).startOf('day');
  }
}

/** The start of the grid period containing `key`. */
export function floorKey(axis: KeyAxis, key: KeyPoint, every: Every): KeyPoint {
  if (!Number.isFinite(key)) return key;
  return floorDateTime(keyToDateTime(axis, key), every).toMillis();
}

/** The first grid boundary at or after `key`. */
export function ceilKey(axis: KeyAxis, key: KeyPoint, every: Every): KeyPoint {
  if (!Number.isFinite(key)) return key;
  const f = floorKey(axis, key, every);
  return f === key ? key : nextBoundary(axis, f, every);
}

/** The grid boundary one period after `key` (which should lie on the grid). */
export function nextBoundary(axis: KeyAxis, key: KeyPoint, every: Every): KeyPoint {
  if (!Number.isFinite(key)) return key;
  return stepDateTime(floorDateTime(keyToDateTime(axis, key), every), every).toMillis();
}

export function isAligned(axis: KeyAxis, key: KeyPoint, every: Every): boolean {
  return floorKey(axis, key, every) === key;
}

/** Rough period length in days, to tell the finer of two grids. */
export function everyDays(every: Every): number {
  switch (every.unit) {
    case 'day':
      return every.count;
    case 'week':
      return 7 * every.count;
    case 'month':
      return 30.4375 * every.count;
    case 'year':
      return 365.25 * every.count;
  }
}
