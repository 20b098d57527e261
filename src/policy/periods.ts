// The small languages inside policy values: calendar offsets ("-3 months"), ages ("10 years"),
// periods ("1 quarter"), lock timeouts ("5s") and storage options ("appendonly=true, ...").
// Parsers return either a value or a one-line message; callers attach file positions.

import { civilOfDays, daysInMonth, daysOfCivil, unpackDay } from '../util/civil.js';
import type { Every } from '../plan/model.js';
import type { RelativeOffset } from './types.js';

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
      return fail(`unknown unit "${m[3]}"${hint || ' (units: days, weeks, months, quarters, years)'}`);
    }
    if (m[1]) sign = m[1] === '-' ? -1 : 1;
    terms.push({ sign, explicitSign: m[1] !== undefined, count: Number(m[2]), unit });
  }
  return terms.length ? ok(terms) : fail('');
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
    if (terms.message) return fail(`"${text}" is not a calendar offset: ${terms.message}`);
    return fail(`"${text}" is not a calendar offset; ${OFFSET_HELP}`);
  }
  const offset = termsToOffset(terms.value);
  if (!terms.value[0]!.explicitSign && !isZero(offset)) {
    // An unsigned bound is the classic trap of the original format, where "3 month" meant ago.
    return fail(
      `"${text}" has no sign; write -${t} for the past or +${t} for the future`,
    );
  }
  return ok(offset);
}

/** An age such as archive.after or retention.drop_after: "10 years", "18 months". */
export function parseAge(text: string): Parsed<RelativeOffset> {
  const t = text.trim();
  const terms = parseTerms(t);
  if (!terms.ok) {
    if (terms.message) return fail(`"${text}" is not a duration: ${terms.message}`);
    return fail(
      `"${text}" is not a duration; write an age such as 90 days, 18 months or 7 years ` +
        '(units: days, weeks, months, quarters, years)',
    );
  }
  if (terms.value.some((x) => x.explicitSign)) {
    return fail(`"${text}" is an age and takes no sign; write ${t.replace(/[+-]\s*/g, '')}`);
  }
  const offset = termsToOffset(terms.value);
  if (isZero(offset)) return fail(`"${text}" is not a positive duration`);
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
  return fail(`"${text}" is not a period; ${EVERY_HELP}`);
}

export function formatEvery(e: Every): string {
  if (e.unit === 'month') return `${e.count} month${e.count === 1 ? '' : 's'}`;
  return `1 ${e.unit}`;
}

/** Approximate length in days, only to order periods by fineness. */
export function everyDays(e: Every): number {
  return e.unit === 'day' ? 1 : e.unit === 'week' ? 7 : e.unit === 'month' ? 30.436875 * e.count : 365.2425;
}

/** A lock timeout: "500ms", "5s", "2m"/"2min", "1h". Zero is refused: it would mean wait forever. */
export function parseTimeout(text: string): Parsed<number> {
  const m = /^\s*(\d+)\s*(ms|s|m|min|h)\s*$/.exec(text);
  if (!m) return fail(`"${text}" is not a timeout; write e.g. 500ms, 5s or 2m`);
  const n = Number(m[1]);
  const factor = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] as 'ms'];
  if (n === 0) {
    return fail(`"${text}" must be more than zero; a lock wait without a limit can stall every writer of the table`);
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
        `"${text}" is not a storage option list; write key=value[, key=value...] with keys of ` +
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
// Four whole years including a leap year: every month length and leap day occurs as "today".
const REF_START = Date.UTC(2023, 0, 1) / DAY_MS;
const REF_COUNT = 4 * 365 + 1;

/** The day (days since epoch) an offset lands on from day `ref`: months first (clamped to month end), then days. */
export function applyOffset(ref: number, o: RelativeOffset): number {
  const shift = (o.weeks ?? 0) * 7 + (o.days ?? 0);
  const months = (o.years ?? 0) * 12 + (o.months ?? 0);
  if (months === 0) return ref + shift;
  const i = ref - REF_START;
  if (i >= 0 && i < REF_COUNT && Number.isInteger(ref)) return monthsFromCycleDay(months)[i]! + shift;
  return addMonths(ref, months) + shift;
}

// Validation compares offsets on every day of the four-year cycle (findToday), for each band and
// pair of bands: each distinct month count is worked out for those days once.
const cycleTables = new Map<number, Int32Array>();
function monthsFromCycleDay(months: number): Int32Array {
  let table = cycleTables.get(months);
  if (!table) {
    table = new Int32Array(REF_COUNT);
    for (let i = 0; i < REF_COUNT; i++) table[i] = addMonths(REF_START + i, months);
    cycleTables.set(months, table);
  }
  return table;
}

/** `months` calendar months after day `ref`, clamped to the end of a shorter month. */
function addMonths(ref: number, months: number): number {
  // Plain arithmetic rather than Date objects, which were most of what `gppart validate` spent.
  const packed = civilOfDays(ref);
  const total = Math.floor(packed / 100) + months; // year * 12 + month - 1
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysOfCivil(y, m, Math.min(unpackDay(packed), daysInMonth(y, m)));
}

export function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Month-based and day-based offsets do not have one fixed order ("-1 month" vs "-30 days"
 * depends on today), so offsets are compared on every day of a four-year cycle.
 * Returns the first such "today" (days since epoch) where `test` holds, or null.
 */
export function findToday(test: (today: number) => boolean): number | null {
  for (let i = 0; i < REF_COUNT; i++) if (test(REF_START + i)) return REF_START + i;
  return null;
}

/** Null when `a` is earlier than `b` whatever today is, otherwise a day where it is not. */
export function firstDayNotEarlier(a: RelativeOffset, b: RelativeOffset): number | null {
  return findToday((t) => applyOffset(t, a) >= applyOffset(t, b));
}

/** Null when [aFrom, aTo) and [bFrom, bTo) never overlap, otherwise a day where they do. */
export function firstDayOverlapping(
  aFrom: RelativeOffset, aTo: RelativeOffset, bFrom: RelativeOffset, bTo: RelativeOffset,
): number | null {
  return findToday((t) =>
    applyOffset(t, aFrom) < applyOffset(t, bTo) && applyOffset(t, bFrom) < applyOffset(t, aTo));
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
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== null && bestD <= limit ? `; did you mean "${best}"?` : '';
}
