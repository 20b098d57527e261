// PostgreSQL's COPY text format, both ways: rows split from a byte stream, fields unescaped, and
// values escaped back for COPY FROM. Dates and timestamps as exact integers (days, microseconds
// since 1970-01-01), for any year PostgreSQL accepts, with infinity kept as a sentinel.
import { Transform, type TransformCallback } from 'node:stream';

export const NULL_TEXT = '\\N';

/** Splits COPY text output into rows of fields (null for \N), one array of rows per chunk. */
export class CopyTextRows extends Transform {
  private rest: Buffer | null = null;
  rows = 0;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const last = buf.lastIndexOf(0x0a);
    if (last < 0) {
      this.rest = buf;
      cb();
      return;
    }
    this.rest = last + 1 < buf.length ? buf.subarray(last + 1) : null;
    // A raw newline only ever ends a row: newlines inside values are escaped as \n.
    const lines = buf.toString('utf8', 0, last).split('\n');
    const out: Array<Array<string | null>> = new Array(lines.length);
    for (let i = 0; i < lines.length; i++) out[i] = splitFields(lines[i]!);
    this.rows += out.length;
    cb(null, out);
  }

  override _flush(cb: TransformCallback): void {
    if (this.rest && this.rest.length) cb(new Error('COPY output ended in the middle of a row'));
    else cb();
  }
}

function splitFields(line: string): Array<string | null> {
  const raw = line.split('\t');
  const out: Array<string | null> = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const f = raw[i]!;
    out[i] = f === NULL_TEXT ? null : f.includes('\\') ? unescapeText(f) : f;
  }
  return out;
}

const SIMPLE: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

export function unescapeText(f: string): string {
  return f.replace(/\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)/gs, (_m, e: string) => {
    if (e[0] === 'x' && e.length > 1) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return SIMPLE[e] ?? e;
  });
}

/** A value as COPY text input expects it: backslash, tab, newline and carriage return escaped. */
export function escapeText(v: string): string {
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
}

// ------------------------------------------------------------------ calendar, exact for any year

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical year: 1 BC = 0). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [y + (m <= 2 ? 1 : 0), m, d];
}

export const DATE_INFINITY = 2147483647;
export const DATE_MINUS_INFINITY = -2147483648;
export const TS_INFINITY = 9223372036854775807n;
export const TS_MINUS_INFINITY = -9223372036854775808n;

const DATE_RE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const TS_RE = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d)(?::(\d\d))?)?)?( BC)?$/;

function year(text: string, bc: string | undefined): number {
  const y = Number(text);
  return bc ? 1 - y : y;
}

/** `2024-01-31` (DateStyle ISO) → days since 1970-01-01. */
export function dateTextToDays(s: string): number {
  if (s === 'infinity') return DATE_INFINITY;
  if (s === '-infinity') return DATE_MINUS_INFINITY;
  const m = DATE_RE.exec(s);
  if (!m) throw new Error(`not an ISO date: ${s}`);
  return daysFromCivil(year(m[1]!, m[4]), Number(m[2]), Number(m[3]));
}

export function daysToDateText(days: number): string {
  if (days === DATE_INFINITY) return 'infinity';
  if (days === DATE_MINUS_INFINITY) return '-infinity';
  const [y, m, d] = civilFromDays(days);
  return `${ymd(y, m, d)}`;
}

function ymd(y: number, m: number, d: number): string {
  const bc = y <= 0;
  const yy = String(bc ? 1 - y : y).padStart(4, '0');
  return `${yy}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}${bc ? ' BC' : ''}`;
}

/**
 * `2024-01-31 12:34:56.789` or, for timestamptz, `… +00` (TimeZone UTC) → microseconds since
 * 1970-01-01 (UTC for timestamptz, wall clock for timestamp).
 */
export function timestampTextToMicros(s: string): bigint {
  if (s === 'infinity') return TS_INFINITY;
  if (s === '-infinity') return TS_MINUS_INFINITY;
  const m = TS_RE.exec(s);
  if (!m) throw new Error(`not an ISO timestamp: ${s}`);
  const days = daysFromCivil(year(m[1]!, m[12]), Number(m[2]), Number(m[3]));
  const secs = Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]);
  let offset = 0;
  if (m[8]) offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0));
  const micros = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  return (BigInt(days) * 86400n + BigInt(secs - offset)) * 1_000_000n + BigInt(micros);
}

export function microsToTimestampText(us: bigint, withZone: boolean): string {
  if (us === TS_INFINITY) return 'infinity';
  if (us === TS_MINUS_INFINITY) return '-infinity';
  const perDay = 86_400_000_000n;
  let days = us / perDay;
  let rem = us % perDay;
  if (rem < 0n) {
    rem += perDay;
    days -= 1n;
  }
  const [y, m, d] = civilFromDays(Number(days));
  const secs = Number(rem / 1_000_000n);
  const frac = Number(rem % 1_000_000n);
  const hh = String(Math.floor(secs / 3600)).padStart(2, '0');
  const mi = String(Math.floor((secs % 3600) / 60)).padStart(2, '0');
  const ss = String(secs % 60).padStart(2, '0');
  const f = frac ? '.' + String(frac).padStart(6, '0').replace(/0+$/, '') : '';
  const date = ymd(y, m, d);
  const bc = date.endsWith(' BC');
  return `${bc ? date.slice(0, -3) : date} ${hh}:${mi}:${ss}${f}${withZone ? '+00' : ''}${bc ? ' BC' : ''}`;
}

/** `-123.4500` with scale 4 → -1234500n; refuses what a DECIMAL cannot hold (NaN, Infinity, more digits). */
export function decimalTextToUnscaled(s: string, scale: number): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`numeric value ${s} cannot be stored as a parquet DECIMAL; use format: csv.gz for this table`);
  const frac = m[3] ?? '';
  if (frac.length > scale) throw new Error(`numeric value ${s} has more than ${scale} decimal places`);
  const v = BigInt(m[2]! + frac.padEnd(scale, '0'));
  return m[1] ? -v : v;
}

export function unscaledToDecimalText(v: bigint, scale: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}
