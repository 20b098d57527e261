// Conversions between the planner's numeric KeyPoint and the literal text PostgreSQL prints for
// partition bounds (with TimeZone=UTC, DateStyle=ISO) and the stored functions accept.
import type { KeyPoint, KeyRange, KeyType } from './model.js';
import { civilOfDays, daysInMonth, unpackDay, unpackMonth, unpackYear } from '../util/civil.js';

const LITERAL =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?(\s+BC)?$/i;

export class KeyLiteralError extends Error {
  constructor(keyType: KeyType, text: string, why: string) {
    super(`cannot read ${JSON.stringify(text)} as a ${keyType} partition bound: ${why}`);
    this.name = 'KeyLiteralError';
  }
}

/**
 * Parse a bound as PostgreSQL prints it. Tolerates the decorations catalog queries tend to leave
 * around it (`'2024-01-01'::date`, surrounding quotes) so every introspection path can share it.
 * Keys carry microseconds as the fractional part of the millisecond; a double holds them exactly
 * for years ~1833..2106 (|ms| < 2^52 / 1000) and rounds to a few microseconds beyond (whole-millisecond bounds, the
 * only kind tables really have, stay exact everywhere).
 */
export function literalToKey(keyType: KeyType, text: string): KeyPoint {
  const plain = plainLiteral(keyType, text);
  if (plain !== null) return plain;
  let s = text.trim();
  const cast = s.indexOf('::');
  if (cast >= 0) s = s.slice(0, cast).trim();
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) s = s.slice(1, -1).trim();
  const lower = s.toLowerCase();
  if (lower === 'minvalue' || lower === '-infinity') return -Infinity;
  if (lower === 'maxvalue' || lower === 'infinity') return Infinity;

  const m = LITERAL.exec(s);
  if (!m) throw new KeyLiteralError(keyType, text, 'not a date or timestamp literal');
  const [, y, mo, d, hh, mi, ss, frac, sign, oh, om, os, bc] = m;
  let year = Number(y);
  if (bc) year = 1 - year; // 1 BC is astronomical year 0
  const month = Number(mo);
  const day = Number(d);
  const hour = hh === undefined ? 0 : Number(hh);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = ss === undefined ? 0 : Number(ss);
  const micros = frac === undefined ? 0 : Number(frac.padEnd(6, '0'));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    throw new KeyLiteralError(keyType, text, 'a field is out of range');
  }
  if (day > daysInMonth(year, month)) throw new KeyLiteralError(keyType, text, 'no such day');
  const base = utcMillis(year, month, day, hour, minute, second);
  if (keyType === 'date' && (hour || minute || second || micros)) {
    throw new KeyLiteralError(keyType, text, 'a date bound has no time of day');
  }
  let offsetMs = 0;
  if (sign !== undefined && keyType === 'timestamptz') {
    offsetMs = (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0)) * 1000 * (sign === '-' ? -1 : 1);
  }
  // A zone offset on a plain timestamp is ignored, exactly as PostgreSQL's timestamp input does.
  // One division of the exact microsecond count: the same instant always yields the same double.
  return micros ? ((base - offsetMs) * 1000 + micros) / 1000 : base - offsetMs;
}

/**
 * The shapes PostgreSQL prints for bounds in a UTC session — `2024-01-01` (date), `2024-01-01
 * 00:00:00` (timestamp), `2024-01-01 00:00:00+00` (timestamptz) — read without a regular
 * expression: introspection reads two per partition. null for anything else (the general parser).
 */
export function plainLiteral(keyType: KeyType, s: string): KeyPoint | null {
  const n = s.length;
  if (keyType === 'date' ? n !== 10 : keyType === 'timestamp' ? n !== 19 : n !== 22) return null;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null; // '-'
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (keyType === 'date') return Date.UTC(year, month - 1, day);
  if (s.charCodeAt(10) !== 32 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null; // ' ', ':'
  if (keyType === 'timestamptz' && (s.charCodeAt(19) !== 43 || s.charCodeAt(20) !== 48 || s.charCodeAt(21) !== 48)) return null; // '+00'
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The decimal number in s[at, at + count), or -1 if any of those characters is not a digit. */
function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function utcMillis(year: number, month: number, day: number, h: number, mi: number, s: number): number {
  // Date.UTC allocates nothing (introspection reads two bounds per partition), but reads years
  // 0–99 as 1900–1999: those go through setUTCFullYear.
  if (year >= 100) return Date.UTC(year, month - 1, day, h, mi, s);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, mi, s, 0);
  return d.getTime();
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
// 00–99 as table lookups: padStart was a third of printing a bound, and plans print several per partition.
const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => pad(i));

/** A range's bounds as literals (keyToLiteral of each). */
export interface RangeLiterals {
  readonly keyType: KeyType;
  readonly from: string;
  readonly to: string;
}

// Per range object: a partition's bounds are printed for its fingerprint, the plan's layout and
// its partition list — three times each per plan. Ranges are never changed after they are made.
const printedRanges = new WeakMap<KeyRange, RangeLiterals>();

/** keyToLiteral of both bounds, computed once per range object and key type. */
export function rangeLiterals(keyType: KeyType, range: KeyRange): RangeLiterals {
  const known = printedRanges.get(range);
  if (known?.keyType === keyType) return known;
  const printed = { keyType, from: keyToLiteral(keyType, range.from), to: keyToLiteral(keyType, range.to) };
  printedRanges.set(range, printed);
  return printed;
}

/** The literal for a bound: `2024-01-01`, `2024-01-01 00:00:00`, `2024-01-01 00:00:00+00`, `MINVALUE`/`MAXVALUE`. */
export function keyToLiteral(keyType: KeyType, key: KeyPoint): string {
  if (key === -Infinity) return 'MINVALUE';
  if (key === Infinity) return 'MAXVALUE';
  // Whole seconds of years 1000–9999 (every real bound), without a Date: plans print two per partition.
  if (Number.isInteger(key) && key % 1000 === 0 && key >= -30_610_224_000_000 && key < 253_402_300_800_000) {
    const days = Math.floor(key / 86_400_000);
    const c = civilOfDays(days);
    const datePart = `${unpackYear(c)}-${TWO_DIGITS[unpackMonth(c)]}-${TWO_DIGITS[unpackDay(c)]}`;
    const secs = (key - days * 86_400_000) / 1000;
    if (keyType === 'date' && secs === 0) return datePart;
    if (keyType !== 'date') {
      const time = `${TWO_DIGITS[Math.floor(secs / 3600)]}:${TWO_DIGITS[Math.floor(secs / 60) % 60]}:${TWO_DIGITS[secs % 60]}`;
      return `${datePart} ${time}${keyType === 'timestamptz' ? '+00' : ''}`;
    }
  }
  if (!Number.isFinite(key)) throw new Error(`not a key: ${key}`);
  const totalMicros = Math.round(key * 1000);
  const ms = Math.floor(totalMicros / 1000);
  const micros = totalMicros - ms * 1000 + (((ms % 1000) + 1000) % 1000) * 1000;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const bc = year <= 0;
  const datePart = `${pad(bc ? 1 - year : year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const era = bc ? ' BC' : '';
  if (keyType === 'date') {
    if (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() || micros) {
      throw new Error(`a date key must be midnight: ${d.toISOString()}`);
    }
    return datePart + era;
  }
  let time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (micros) time += '.' + pad(micros, 6).replace(/0+$/, '');
  return `${datePart} ${time}${keyType === 'timestamptz' ? '+00' : ''}${era}`;
}

/** `[2024-01-01, 2024-02-01)`, the way plans print ranges. */
export function rangeToText(keyType: KeyType, r: KeyRange): string {
  return `[${keyToLiteral(keyType, r.from)}, ${keyToLiteral(keyType, r.to)})`;
}
