// Calendar arithmetic on KeyPoints in the policy's time zone. Where the calendar is UTC's (date and
// timestamp keys, timestamptz keys in a UTC policy) there is no DST, and periods are plain
// arithmetic on days (src/util/civil.ts); elsewhere every step goes through luxon's calendar
// operations (startOf, plus) so that days stay days across DST changes. Nothing adds fixed numbers
// of milliseconds to a zone that has DST.
import { DateTime } from 'luxon';
import { civilOfDays, daysInMonth, daysOfCivil, unpackDay, unpackMonth, unpackYear } from '../util/civil.js';
import type { RelativeOffset } from '../policy/types.js';
import type { Every, KeyPoint, KeyType } from './model.js';

const DAY_MS = 86_400_000;
/** Beyond ±8.64e15 ms a key is outside JavaScript's (and luxon's) calendar: luxon says so. */
const CALENDAR_MS = 8.64e15;

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

const ISO_NOW = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/**
 * Today (days since 1970-01-01) for a policy in UTC, read from `now` without luxon — whose first
 * use costs tens of milliseconds of locale set-up in every process — or null to let luxon do it
 * (another zone, or a `now` in a shape not read here, which luxon reads or rejects).
 */
function utcTodayDays(zone: string, now: string): number | null {
  if (zone !== 'UTC' && zone !== 'Etc/UTC') return null;
  const m = ISO_NOW.exec(now);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(hh ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(ss ?? 0);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const offsetMinutes = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om ?? 0)) : 0;
  return Math.floor((Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000) / DAY_MS);
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
  const utc = utcTodayDays(axis.zone, now);
  if (utc !== null) {
    // Months first, clamped to the end of a shorter month, then weeks and days: as luxon's plus.
    const c = civilOfDays(utc);
    const total = Math.floor(c / 100) + (offset.years ?? 0) * 12 + (offset.months ?? 0);
    const y = Math.floor(total / 12);
    const m = total - y * 12 + 1;
    const days = daysOfCivil(y, m, Math.min(unpackDay(c), daysInMonth(y, m))) + (offset.weeks ?? 0) * 7 + (offset.days ?? 0);
    return days * DAY_MS;
  }
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

// Keys whose calendar is UTC's — date and timestamp keys, and timestamptz keys seen from UTC —
// have no DST: their grid is plain arithmetic on days since 1970-01-01, which gives exactly what
// luxon gives (a property test compares the two) at a fraction of the cost, and plans look at
// every partition of tables that have tens of thousands. Other zones go through luxon.

function utcCalendar(axis: KeyAxis, key: KeyPoint): boolean {
  return (axis.keyType !== 'timestamptz' || axis.zone === 'UTC' || axis.zone === 'Etc/UTC') && Math.abs(key) < CALENDAR_MS;
}

/** The first day of the month `months` after (year, month). */
function firstOfMonth(year: number, month: number, months = 0): number {
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  return daysOfCivil(y, total - y * 12 + 1, 1);
}

function floorDaysUtc(days: number, every: Every): number {
  switch (every.unit) {
    case 'day':
      return days;
    case 'week':
      return days - mod(days + 3, 7); // ISO weeks: 1970-01-01 was a Thursday
    case 'month': {
      const c = civilOfDays(days);
      const index = unpackMonth(c) - 1;
      return firstOfMonth(unpackYear(c), index - (index % every.count) + 1);
    }
    case 'year': {
      const y = unpackYear(civilOfDays(days));
      return daysOfCivil(every.count > 1 ? y - mod(y, every.count) : y, 1, 1);
    }
  }
}

/** One step of `every` from a day on its grid. */
function stepDaysUtc(days: number, every: Every): number {
  switch (every.unit) {
    case 'day':
      return days + every.count;
    case 'week':
      return days + 7 * every.count;
    case 'month': {
      const c = civilOfDays(days);
      return firstOfMonth(unpackYear(c), unpackMonth(c), every.count);
    }
    case 'year':
      return daysOfCivil(unpackYear(civilOfDays(days)) + every.count, 1, 1);
  }
}

/** The start of the grid period containing `key`. */
export function floorKey(axis: KeyAxis, key: KeyPoint, every: Every): KeyPoint {
  if (!Number.isFinite(key)) return key;
  if (utcCalendar(axis, key)) return floorDaysUtc(Math.floor(key / DAY_MS), every) * DAY_MS;
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
  if (utcCalendar(axis, key)) return stepDaysUtc(floorDaysUtc(Math.floor(key / DAY_MS), every), every) * DAY_MS;
  return stepDateTime(floorDateTime(keyToDateTime(axis, key), every), every).toMillis();
}

/** The calendar day of `key` (in the policy zone for timestamptz keys), for partition names. */
export function keyDay(axis: KeyAxis, key: KeyPoint): { year: number; month: number; day: number } {
  if (utcCalendar(axis, key)) {
    const c = civilOfDays(Math.floor(key / DAY_MS));
    return { year: unpackYear(c), month: unpackMonth(c), day: unpackDay(c) };
  }
  const d = keyToDateTime(axis, key);
  return { year: d.year, month: d.month, day: d.day };
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
