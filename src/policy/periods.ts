// The small languages inside policy values: calendar offsets ("-3 months"), ages ("10 years"),
// periods ("1 quarter"), lock timeouts ("5s") and storage options ("appendonly=true, ...").
// Parsers return either a value or a one-line message; callers attach file positions.

import type { Every } from '../plan/model.js';
import type { RelativeOffset } from './types.js';
import { quote, shorten } from './quote.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';
const UNIT_WORDS: Record<string, Unit> = {
  day: 'day', days: 'day',
  week: 'week', weeks: 'week',
  month: 'month', months: 'month',
  quarter: 'quarter', quarters: 'quarter',
  year: 'year', years: 'year',
};

interface Term {
  sign: 1 | -1;
  explicitSign: boolean;
  count: number;
  unit: Unit;
}

/**
 * Splits "-1 year 6 months" / "-1 month - 3 days" into terms. A sign applies to its term and to
 * every unsigned term after it, so "-1 year 6 months" is 18 months ago (PostgreSQL's interval
 * syntax would read it as -6 months, which nobody means in a policy).
 */
function parseTerms(text: string): Parsed<Term[]> {
  const re = /\s*([+-])?\s*(\d+)\s*([A-Za-z]+)\s*/y;
  const terms: Term[] = [];
  let sign: 1 | -1 = 1;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return fail('');
    pos = re.lastIndex;
    const word = m[3]!.toLowerCase();
    const unit = UNIT_WORDS[word];
    if (!unit) {
      const hint = didYouMean(word, Object.keys(UNIT_WORDS));
      return fail(`unknown unit ${quote(m[3]!)}${hint || ' (units: days, weeks, months, quarters, years)'}`);
    }
    if (m[1]) sign = m[1] === '-' ? -1 : 1;
    terms.push({ sign, explicitSign: m[1] !== undefined, count: Number(m[2]), unit });
  }
  return terms.length ? ok(terms) : fail('');
}

/**
 * How far an offset or an age may reach. Partition bounds are "now" moved by an offset; within a
 * thousand years of any "now" of this millennium every bound is a date PostgreSQL stores (date:
 * 4713 BC to 5874897 AD, timestamp: to 294276 AD), gppart's calendar computes (luxon and
 * JavaScript dates reach about 275,000 years) and ISO 8601 writes with four digits.
 */
export const MAX_REACH_YEARS = 1000;
const UNIT_DAYS: Record<Unit, number> = { day: 1, week: 7, month: 30.436875, quarter: 91.310625, year: 365.2425 };
const MAX_REACH_DAYS = MAX_REACH_YEARS * UNIT_DAYS.year;

/** Whether `count` of `unit` alone reaches further than MAX_REACH_YEARS. */
export function termBeyondReach(count: number, unit: Unit): boolean {
  return !(count * UNIT_DAYS[unit] <= MAX_REACH_DAYS);
}

/** Whether an offset (of terms each within reach) reaches further than MAX_REACH_YEARS. */
export function beyondReach(o: RelativeOffset): boolean {
  return Math.abs(approxDays(o)) > MAX_REACH_DAYS + 1e-6;
}

/** Checked term by term first, so that no sum of huge numbers is ever formed. */
function reachesTooFar(terms: Term[]): boolean {
  return terms.some((t) => termBeyondReach(t.count, t.unit)) || beyondReach(termsToOffset(terms));
}

function termsToOffset(terms: Term[]): RelativeOffset {
  let years = 0, months = 0, weeks = 0, days = 0;
  for (const t of terms) {
    const n = t.sign * t.count;
    if (t.unit === 'year') years += n;
    else if (t.unit === 'quarter') months += 3 * n;
    else if (t.unit === 'month') months += n;
    else if (t.unit === 'week') weeks += n;
    else days += n;
  }
  const o: RelativeOffset = {};
  if (years) o.years = years;
  if (months) o.months = months;
  if (weeks) o.weeks = weeks;
  if (days) o.days = days;
  return o;
}

const OFFSET_HELP =
  'write a signed offset from now such as -3 months, +1 week, -1 year 6 months or now ' +
  '(units: days, weeks, months, quarters, years)';

/** A band bound: "now", "0 days", "-3 months", "+1 year", "-1 month - 3 days". */
export function parseOffset(text: string): Parsed<RelativeOffset> {
  const t = text.trim();
  if (/^now$/i.test(t)) return ok({});
  const terms = parseTerms(t);
  if (!terms.ok) {
    if (terms.message) return fail(`${quote(text)} is not a calendar offset: ${terms.message}`);
    return fail(`${quote(text)} is not a calendar offset; ${OFFSET_HELP}`);
  }
  if (reachesTooFar(terms.value)) {
    return fail(`${quote(text)} reaches too far: an offset may reach at most ${MAX_REACH_YEARS} years from now, ` +
      'so that every partition bound is a date PostgreSQL and gppart can represent');
  }
  const offset = termsToOffset(terms.value);
  if (!terms.value[0]!.explicitSign && !isZero(offset)) {
    // An unsigned bound is the classic trap of the original format, where "3 month" meant ago.
    return fail(
      `${quote(text)} has no sign; write -${shorten(t)} for the past or +${shorten(t)} for the future`,
    );
  }
  return ok(offset);
}

/** An age such as archive.after or retention.drop_after: "10 years", "18 months". */
export function parseAge(text: string): Parsed<RelativeOffset> {
  const t = text.trim();
  const terms = parseTerms(t);
  if (!terms.ok) {
    if (terms.message) return fail(`${quote(text)} is not a duration: ${terms.message}`);
    return fail(
      `${quote(text)} is not a duration; write an age such as 90 days, 18 months or 7 years ` +
        '(units: days, weeks, months, quarters, years)',
    );
  }
  if (terms.value.some((x) => x.explicitSign)) {
    return fail(`${quote(text)} is an age and takes no sign; write ${shorten(t.replace(/[+-]\s*/g, ''))}`);
  }
  if (reachesTooFar(terms.value)) {
    return fail(`${quote(text)} is too long: an age may be at most ${MAX_REACH_YEARS} years, ` +
      'so that every partition bound is a date PostgreSQL and gppart can represent');
  }
  const offset = termsToOffset(terms.value);
  if (isZero(offset)) return fail(`${quote(text)} is not a positive duration`);
  return ok(offset);
}

export const EVERY_HELP = 'use 1 day, 1 week, 1, 2, 3, 4, 6 or 12 months, 1 quarter or 1 year';

/** A partition period. Quarters become 3 months and 12 months become 1 year, so equal periods compare equal. */
export function parseEvery(text: string): Parsed<Every> {
  const m = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(text);
  const unit = m ? UNIT_WORDS[m[2]!.toLowerCase()] : undefined;
  const count = m ? Number(m[1]) : NaN;
  if (unit === 'day' && count === 1) return ok({ unit: 'day', count: 1 });
  if (unit === 'week' && count === 1) return ok({ unit: 'week', count: 1 });
  if (unit === 'quarter' && count === 1) return ok({ unit: 'month', count: 3 });
  if (unit === 'year' && count === 1) return ok({ unit: 'year', count: 1 });
  if (unit === 'month' && count === 12) return ok({ unit: 'year', count: 1 });
  if (unit === 'month' && [1, 2, 3, 4, 6].includes(count)) return ok({ unit: 'month', count });
  return fail(`${quote(text)} is not a period; ${EVERY_HELP}`);
}

export function formatEvery(e: Every): string {
  if (e.unit === 'month') return `${e.count} month${e.count === 1 ? '' : 's'}`;
  return `1 ${e.unit}`;
}

/** Approximate length in days, only to order periods by fineness. */
export function everyDays(e: Every): number {
  return e.unit === 'day' ? 1 : e.unit === 'week' ? 7 : e.unit === 'month' ? 30.436875 * e.count : 365.2425;
}

/** The largest lock_timeout PostgreSQL and Greenplum accept: an int of milliseconds. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A lock timeout: "500ms", "5s", "2m"/"2min", "1h". Zero is refused: it would mean wait forever. */
export function parseTimeout(text: string): Parsed<number> {
  const m = /^\s*(\d+)\s*(ms|s|m|min|h)\s*$/.exec(text);
  if (!m) return fail(`${quote(text)} is not a timeout; write e.g. 500ms, 5s or 2m`);
  const n = Number(m[1]);
  const factor = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] as 'ms'];
  if (n === 0) {
    return fail(`${quote(text)} must be more than zero; a lock wait without a limit can stall every writer of the table`);
  }
  if (n * factor > MAX_TIMEOUT_MS) {
    return fail(`${quote(text)} is longer than the server accepts for lock_timeout: at most ${MAX_TIMEOUT_MS} ms (about 596 hours)`);
  }
  return ok(n * factor);
}

/**
 * Storage options as they go into WITH (...). Spaces around "=" and "," are accepted and
 * normalized to "key=value, key=value", the form the stored functions re-check.
 */
export function parseStorage(text: string): Parsed<string> {
  const parts = text.split(',').map((p) => p.trim());
  const pairs: string[] = [];
  for (const p of parts) {
    const m = /^([a-z_]+)\s*=\s*([A-Za-z0-9_.]+)$/.exec(p);
    if (!m) {
      return fail(
        `${quote(text)} is not a storage option list; write key=value[, key=value...] with keys of ` +
          'a-z and _ and values of letters, digits, _ and . (e.g. appendonly=true, orientation=column)',
      );
    }
    pairs.push(`${m[1]}=${m[2]}`);
  }
  return ok(pairs.join(', '));
}

// ---------------------------------------------------------------- comparing offsets

export function isZero(o: RelativeOffset): boolean {
  return !o.years && !o.months && !o.weeks && !o.days;
}

export function negate(o: RelativeOffset): RelativeOffset {
  const r: RelativeOffset = {};
  if (o.years) r.years = -o.years;
  if (o.months) r.months = -o.months;
  if (o.weeks) r.weeks = -o.weeks;
  if (o.days) r.days = -o.days;
  return r;
}

/** Rough position in days; only for ordering where exactness does not matter (e.g. the converter's painting). */
export function approxDays(o: RelativeOffset): number {
  return ((o.years ?? 0) * 12 + (o.months ?? 0)) * 30.436875 + (o.weeks ?? 0) * 7 + (o.days ?? 0);
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12); exact for any year. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

interface Civil {
  y: number;
  m: number;
  d: number;
}

function civilOf(day: number): Civil {
  const date = new Date(day * DAY_MS);
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
}

function landOn(ref: Civil, o: RelativeOffset): number {
  const total = ref.y * 12 + ref.m - 1 + (o.years ?? 0) * 12 + (o.months ?? 0);
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(ref.d, daysInMonth(y, m))) + (o.weeks ?? 0) * 7 + (o.days ?? 0);
}

/** The day (days since epoch) an offset lands on from day `ref`: months first (clamped to month end), then days. */
export function applyOffset(ref: number, o: RelativeOffset): number {
  return landOn(civilOf(ref), o);
}

export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Month-based and day-based offsets do not have one fixed order ("-1 month" vs "-30 days"
 * depends on today), so offsets are compared for every "today" of a four-year cycle (2023-2026,
 * with a leap year). Only a few of those days need to be tried: from the 1st to the 28th of a
 * month, no month end is clamped, so every offset moves each of those days by the same number of
 * days and every comparison comes out the same; the 29th, 30th and 31st can differ. So the 1st of
 * each month stands for its first 28 days, and the 29th-31st stand for themselves: 165 days, in
 * date order, so the first of them where a comparison holds is the first day of the cycle where
 * it holds.
 */
const REF_DAYS: readonly Civil[] = (() => {
  const days: Civil[] = [];
  for (let y = 2023; y <= 2026; y++) {
    for (let m = 1; m <= 12; m++) {
      days.push({ y, m, d: 1 });
      for (let d = 29; d <= daysInMonth(y, m); d++) days.push({ y, m, d });
    }
  }
  return days;
})();

// Policies repeat the same few offsets across tables and checks; each is computed once.
const profiles = new Map<string, Float64Array>();

/** The day each representative "today" lands on under `o`, in REF_DAYS order. */
function profileOf(o: RelativeOffset): Float64Array {
  const key = `${o.years ?? 0} ${o.months ?? 0} ${o.weeks ?? 0} ${o.days ?? 0}`;
  let out = profiles.get(key);
  if (out) return out;
  out = new Float64Array(REF_DAYS.length);
  for (let i = 0; i < REF_DAYS.length; i++) out[i] = landOn(REF_DAYS[i]!, o);
  if (profiles.size >= 100_000) profiles.clear();
  profiles.set(key, out);
  return out;
}

const refDay = (i: number): number => daysFromCivil(REF_DAYS[i]!.y, REF_DAYS[i]!.m, REF_DAYS[i]!.d);

/**
 * The first "today" of the cycle (days since epoch) where `holds(day a lands on, day b lands on)`,
 * or null.
 */
export function firstDayWhere(
  a: RelativeOffset, b: RelativeOffset, holds: (a: number, b: number) => boolean,
): number | null {
  const pa = profileOf(a), pb = profileOf(b);
  for (let i = 0; i < REF_DAYS.length; i++) if (holds(pa[i]!, pb[i]!)) return refDay(i);
  return null;
}

/** Null when `a` is earlier than `b` whatever today is, otherwise a day where it is not. */
export function firstDayNotEarlier(a: RelativeOffset, b: RelativeOffset): number | null {
  return firstDayWhere(a, b, (x, y) => x >= y);
}

/**
 * Overlaps among bands [from, to) (undefined: a band left out). For every band that overlaps an
 * earlier-listed one on some day, one such earlier band: later index → earlier index. Empty
 * exactly when no two bands overlap on any day. Per representative day the bands are sorted by
 * start and swept once, keeping the band that reaches furthest: n·log n per day, not n².
 */
export function findOverlaps(bands: ReadonlyArray<{ from: RelativeOffset; to: RelativeOffset } | undefined>): Map<number, number> {
  const live = bands.flatMap((b, index) => (b ? [{ index, from: profileOf(b.from), to: profileOf(b.to) }] : []));
  const found = new Map<number, number>();
  if (live.length < 2) return found;
  for (let i = 0; i < REF_DAYS.length; i++) {
    const order = [...live].sort((x, y) => x.from[i]! - y.from[i]! || x.index - y.index);
    let reach: (typeof live)[number] | undefined;
    for (const band of order) {
      if (reach && band.from[i]! < reach.to[i]!) {
        const later = Math.max(band.index, reach.index);
        if (!found.has(later)) found.set(later, Math.min(band.index, reach.index));
      }
      if (!reach || band.to[i]! > reach.to[i]!) reach = band;
    }
  }
  return found;
}

/** Offset text with every term signed, which reads the same under any sign convention: "-5 years -1 month". */
export function formatOffset(o: RelativeOffset): string {
  if (isZero(o)) return 'now';
  const parts: string[] = [];
  const put = (n: number | undefined, unit: string) => {
    if (!n) return;
    parts.push(`${n < 0 ? '-' : '+'}${Math.abs(n)} ${unit}${Math.abs(n) === 1 ? '' : 's'}`);
  };
  put(o.years, 'year');
  put(o.months, 'month');
  put(o.weeks, 'week');
  put(o.days, 'day');
  return parts.join(' ');
}

/** An age as text: { years: 7 } → "7 years". */
export function formatAge(o: RelativeOffset): string {
  return formatOffset(o).replace(/[+-]/g, '');
}

// ---------------------------------------------------------------- suggestions

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** `; did you mean "x"?` for the closest candidate within a typo's distance, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  // Farther than 3 edits from every candidate: no need to measure (a long word would be slow to).
  if (candidates.every((c) => Math.abs(c.length - word.length) > 3)) return '';
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== null && bestD <= limit ? `; did you mean "${best}"?` : '';
}
