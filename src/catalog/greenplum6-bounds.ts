// Greenplum 6 keeps range bounds as node trees in pg_partition_rule; pg_get_expr() prints them as a
// cast constant ('2024-01-01'::date) plus separate inclusive flags. This turns that text into
// KeyPoints without asking the server, so a plan of thousands of partitions costs no round trips.
// Its own small literal parser on purpose: it must accept exactly what pg_get_expr prints on GP6
// (ISO DateStyle, the key type's cast), and say clearly what it does not.
import type { KeyPoint, KeyRange, KeyType } from '../plan/model.js';
import { plainLiteral } from '../plan/keys.js';

export class Greenplum6BoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Greenplum6BoundError';
  }
}

/** The partition key types gppart manages, from format_type() text. */
export function keyTypeFromFormatType(formatType: string): KeyType | null {
  switch (formatType.trim().toLowerCase()) {
    case 'date':
      return 'date';
    case 'timestamp without time zone':
    case 'timestamp':
      return 'timestamp';
    case 'timestamp with time zone':
    case 'timestamptz':
      return 'timestamptz';
    default:
      return null;
  }
}

export interface ParsedBound {
  /** The literal inside the quotes, unescaped: 2024-01-01, 2024-01-01 00:00:00+00. */
  literal: string;
  /** The cast the expression carries. */
  castType: KeyType;
  point: KeyPoint;
}

const DAY_MS = 86_400_000;

/**
 * Parse one bound expression as pg_get_expr prints it on Greenplum 6:
 * `'2024-01-01'::date`, `'2024-01-01 00:00:00'::timestamp without time zone`,
 * `'2024-01-01 00:00:00+00'::timestamp with time zone`, optionally wrapped in parentheses.
 * `what` names the bound in error messages (e.g. `partition sales_1_prt_2 START`).
 */
export function parseGreenplum6Bound(expr: string, what: string): ParsedBound {
  const plain = plainBound(expr);
  if (plain !== null) return plain;
  let text = expr.trim();
  while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  const { literal, rest } = readStringLiteral(text, what, expr);
  const castMatch = /^::\s*(.+)$/s.exec(rest.trim());
  if (!castMatch) {
    throw new Greenplum6BoundError(`${what}: cannot read bound ${JSON.stringify(expr)}: expected 'literal'::type`);
  }
  const castType = keyTypeFromFormatType(castMatch[1]!);
  if (!castType) {
    throw new Greenplum6BoundError(
      `${what}: bound ${JSON.stringify(expr)} has type ${castMatch[1]!.trim()}; only date, timestamp and timestamptz keys are supported`,
    );
  }
  return { literal, castType, point: literalToKeyPoint(literal, castType, what) };
}

const PLAIN_CASTS: ReadonlyArray<{ cast: string; castType: KeyType; literalLength: number }> = [
  { cast: "'::date", castType: 'date', literalLength: 10 },
  { cast: "'::timestamp without time zone", castType: 'timestamp', literalLength: 19 },
  { cast: "'::timestamp with time zone", castType: 'timestamptz', literalLength: 22 },
];

/**
 * The three shapes pg_get_expr prints for real bounds in a UTC session — `'2024-01-01'::date`,
 * `'2024-01-01 00:00:00'::timestamp without time zone`, `'2024-01-01 00:00:00+00'::timestamp with
 * time zone` — whose literal is read by plainLiteral (src/plan/keys.ts, as PostgreSQL's bound texts
 * are), without regular expressions or a Date: a plan reads two per partition, of tables with tens
 * of thousands. null for anything else, which the general parser reads (or
 * refuses, with its message); for what it accepts, the same point the general parser gives.
 */
function plainBound(expr: string): ParsedBound | null {
  if (expr.charCodeAt(0) !== 39) return null; // '
  for (const { cast, castType, literalLength } of PLAIN_CASTS) {
    if (expr.length !== literalLength + 1 + cast.length || !expr.endsWith(cast)) continue;
    const literal = expr.slice(1, literalLength + 1);
    const point = plainLiteral(castType, literal);
    return point === null ? null : { literal, castType, point };
  }
  return null;
}

/** Reads a leading SQL string literal ('..' with '' escapes, or E'..' with backslash escapes). */
function readStringLiteral(text: string, what: string, original: string): { literal: string; rest: string } {
  let i = 0;
  let escapeBackslash = false;
  if (text[0] === 'E' || text[0] === 'e') {
    escapeBackslash = true;
    i = 1;
  }
  if (text[i] !== "'") {
    throw new Greenplum6BoundError(`${what}: cannot read bound ${JSON.stringify(original)}: expected a quoted literal`);
  }
  i++;
  let out = '';
  for (;;) {
    if (i >= text.length) {
      throw new Greenplum6BoundError(`${what}: cannot read bound ${JSON.stringify(original)}: unterminated literal`);
    }
    const ch = text[i]!;
    if (ch === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      return { literal: out, rest: text.slice(i + 1) };
    }
    if (escapeBackslash && ch === '\\' && i + 1 < text.length) {
      out += text[i + 1];
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
}

const DATE_RE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;
const TS_RE = /^(\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

/**
 * A literal in ISO DateStyle (the server default and what pg_get_expr prints under it) as a
 * KeyPoint: date/timestamp wall clock read as UTC, timestamptz the instant.
 */
export function literalToKeyPoint(literal: string, type: KeyType, what: string): KeyPoint {
  const t = literal.trim();
  if (t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-infinity') return Number.NEGATIVE_INFINITY;
  const bad = (why: string) =>
    new Greenplum6BoundError(`${what}: cannot read ${type} bound '${literal}': ${why} (gppart expects ISO DateStyle)`);
  if (type === 'date') {
    const m = DATE_RE.exec(t);
    if (!m) throw bad('not YYYY-MM-DD');
    return utcMs(m[1]!, m[2]!, m[3]!, '0', '0', '0', undefined, m[4] !== undefined, bad);
  }
  const m = TS_RE.exec(t);
  if (!m) throw bad('not YYYY-MM-DD HH:MM:SS');
  const frac = m[7];
  if (frac !== undefined && frac.length > 3 && /[1-9]/.test(frac.slice(3))) {
    throw bad('bounds finer than a millisecond are not supported');
  }
  const wall = utcMs(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, frac, m[12] !== undefined, bad);
  const hasZone = m[8] !== undefined;
  if (type === 'timestamp') {
    if (hasZone) throw bad('a timestamp without time zone has no UTC offset');
    return wall;
  }
  if (!hasZone) throw bad('a timestamptz bound needs its UTC offset');
  const sign = m[8] === '-' ? -1 : 1;
  const offsetMs = sign * ((Number(m[9]) * 60 + Number(m[10] ?? '0')) * 60 + Number(m[11] ?? '0')) * 1000;
  return wall - offsetMs;
}

function utcMs(
  y: string,
  mo: string,
  d: string,
  h: string,
  mi: string,
  s: string,
  frac: string | undefined,
  bc: boolean,
  bad: (why: string) => Error,
): number {
  // Astronomical year numbering: 1 BC is year 0.
  const year = bc ? 1 - Number(y) : Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw bad('not a valid calendar value');
  }
  return date.getTime();
}

export interface RawRangeBounds {
  /** pg_get_expr(parrangestart, parchildrelid); null = open (no START). */
  start: string | null;
  startInclusive: boolean;
  /** pg_get_expr(parrangeend, parchildrelid); null = open (no END). */
  end: string | null;
  endInclusive: boolean;
}

/**
 * The half-open [from, to) a Greenplum 6 range rule covers. On a date key an exclusive START or an
 * inclusive END is the same set of values as the next day inclusive / exclusive, so it is
 * normalised; on timestamp keys there is no "next value" gppart could use, so it is refused.
 * `partition` names the child table in messages.
 */
export function greenplum6Range(raw: RawRangeBounds, keyType: KeyType, partition: string): KeyRange {
  const from = boundPoint(raw.start, keyType, `partition ${partition} START`);
  const to = boundPoint(raw.end, keyType, `partition ${partition} END`);
  let lo = from;
  let hi = to;
  const odd: string[] = [];
  if (raw.start !== null && !raw.startInclusive) odd.push('an EXCLUSIVE START');
  if (raw.end !== null && raw.endInclusive) odd.push('an INCLUSIVE END');
  if (odd.length > 0) {
    if (keyType !== 'date') {
      throw new Greenplum6BoundError(
        `partition ${partition} has ${odd.join(' and ')} on a ${keyType} key; gppart manages only [START INCLUSIVE, END EXCLUSIVE) ranges on timestamp keys`,
      );
    }
    if (raw.start !== null && !raw.startInclusive && Number.isFinite(lo)) lo += DAY_MS;
    if (raw.end !== null && raw.endInclusive && Number.isFinite(hi)) hi += DAY_MS;
  }
  if (!(lo < hi)) {
    throw new Greenplum6BoundError(`partition ${partition} has an empty range (${raw.start ?? 'open'} .. ${raw.end ?? 'open'})`);
  }
  return { from: lo, to: hi };
}

function boundPoint(expr: string | null, keyType: KeyType, what: string): KeyPoint {
  if (expr === null) return what.endsWith('START') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const parsed = parseGreenplum6Bound(expr, what);
  if (parsed.castType === keyType) return parsed.point;
  // GP6 coerces bounds to the key type when the rule is made, so a different cast means the
  // catalog is not what gppart understands: better to stop than to guess a time zone.
  if (parsed.castType === 'date' && keyType === 'timestamp') return parsed.point;
  throw new Greenplum6BoundError(`${what}: bound ${expr} is a ${parsed.castType} but the key is a ${keyType}`);
}
