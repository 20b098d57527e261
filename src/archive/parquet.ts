// PostgreSQL columns ↔ parquet, with hyparquet-writer (write) and hyparquet (read back on restore).
// Types map to what DuckDB, Spark and PXF read as the same values:
//   boolean → BOOLEAN; smallint, integer → INT32; bigint → INT64; real → FLOAT; double → DOUBLE;
//   numeric(p,s), p ≤ 38 → DECIMAL(p,s) (INT64 up to 18 digits, else 16-byte FIXED_LEN_BYTE_ARRAY);
//   date → INT32 DATE; timestamp → INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false);
//   timestamptz → INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true); bytea → BYTE_ARRAY;
//   everything else (text, varchar, unconstrained numeric, json, uuid, arrays, intervals, …) →
//   UTF8 string holding PostgreSQL's own text, so restore gives back exactly what was archived.
// ±infinity dates and timestamps are stored as the INT32/INT64 extremes, as DuckDB does.
import type { SchemaElement } from 'hyparquet';
import type { ArchiveColumn } from '../catalog/archive.js';
import {
  dateTextToDays,
  daysToDateText,
  decimalTextToUnscaled,
  microsToTimestampText,
  timestampTextToMicros,
  TS_INFINITY,
  TS_MINUS_INFINITY,
  unscaledToDecimalText,
} from './pg-text.js';

export interface ParquetColumn {
  name: string;
  element: SchemaElement;
  /** The parquet type in words, for the manifest: "DECIMAL(12,2)", "TIMESTAMP(MICROS,UTC)", "STRING". */
  parquetType: string;
  /** COPY text of one value → what hyparquet-writer takes. */
  fromText(text: string): unknown;
  /** A value as hyparquet reads it (decimals and timestamps raw) → COPY text. */
  toText(value: unknown): string;
}

function numericTypmod(type: string): { precision: number; scale: number } | null {
  const m = /^numeric\((\d+),(\d+)\)$/.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : null;
}

export function parquetColumn(col: ArchiveColumn): ParquetColumn {
  const repetition_type = col.notNull ? 'REQUIRED' : 'OPTIONAL';
  const base = { name: col.name, repetition_type } as const;
  const str = (v: unknown) => String(v);
  switch (col.typname) {
    case 'bool':
      return { name: col.name, element: { ...base, type: 'BOOLEAN' }, parquetType: 'BOOLEAN', fromText: (t) => t === 't', toText: (v) => (v ? 't' : 'f') };
    case 'int2':
    case 'int4':
      return { name: col.name, element: { ...base, type: 'INT32' }, parquetType: 'INT32', fromText: (t) => Number(t), toText: str };
    case 'int8':
      return { name: col.name, element: { ...base, type: 'INT64' }, parquetType: 'INT64', fromText: (t) => BigInt(t), toText: str };
    case 'float4':
      return { name: col.name, element: { ...base, type: 'FLOAT' }, parquetType: 'FLOAT', fromText: parseFloatText, toText: floatText };
    case 'float8':
      return { name: col.name, element: { ...base, type: 'DOUBLE' }, parquetType: 'DOUBLE', fromText: parseFloatText, toText: floatText };
    case 'date':
      return {
        name: col.name,
        element: { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } },
        parquetType: 'DATE',
        fromText: dateTextToDays,
        toText: (v) => daysToDateText(Number(v)),
      };
    case 'timestamp':
    case 'timestamptz': {
      const utc = col.typname === 'timestamptz';
      return {
        name: col.name,
        element: {
          ...base,
          type: 'INT64',
          // TIMESTAMP_MICROS, the legacy annotation, means UTC-adjusted; only timestamptz may carry it.
          ...(utc ? { converted_type: 'TIMESTAMP_MICROS' as const } : {}),
          logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: utc, unit: 'MICROS' },
        },
        parquetType: `TIMESTAMP(MICROS,${utc ? 'UTC' : 'local'})`,
        fromText: (t) => {
          const us = timestampTextToMicros(t);
          // PostgreSQL counts from 2000, parquet from 1970: its last ~30 years do not fit (infinity does, as a sentinel).
          if (us !== TS_INFINITY && us !== TS_MINUS_INFINITY && (us >= TS_INFINITY || us <= TS_MINUS_INFINITY)) {
            throw new Error(`timestamp ${t} lies beyond what parquet can hold (INT64 microseconds since 1970); use format: csv.gz for this table`);
          }
          return us;
        },
        toText: (v) => microsToTimestampText(BigInt(v as bigint), utc),
      };
    }
    case 'numeric': {
      const tm = numericTypmod(col.type);
      if (tm && tm.precision <= 38) {
        const small = tm.precision <= 18;
        const { scale, precision } = tm;
        return {
          name: col.name,
          element: small
            ? { ...base, type: 'INT64', converted_type: 'DECIMAL', scale, precision, logical_type: { type: 'DECIMAL', scale, precision } }
            : { ...base, type: 'FIXED_LEN_BYTE_ARRAY', type_length: 16, converted_type: 'DECIMAL', scale, precision, logical_type: { type: 'DECIMAL', scale, precision } },
          parquetType: `DECIMAL(${precision},${scale})`,
          fromText: (t) => decimalTextToUnscaled(t, scale),
          toText: (v) => unscaledToDecimalText(typeof v === 'bigint' ? v : bytesToBigInt(v as Uint8Array), scale),
        };
      }
      return stringColumn(col, base);
    }
    case 'bytea':
      return {
        name: col.name,
        element: { ...base, type: 'BYTE_ARRAY' },
        parquetType: 'BYTE_ARRAY',
        fromText: (t) => Buffer.from(t.slice(2), 'hex'),
        toText: (v) => `\\x${Buffer.from(v as Uint8Array).toString('hex')}`,
      };
    default:
      return stringColumn(col, base);
  }
}

function stringColumn(col: ArchiveColumn, base: { name: string; repetition_type: 'REQUIRED' | 'OPTIONAL' }): ParquetColumn {
  return {
    name: col.name,
    element: { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
    parquetType: 'STRING',
    fromText: (t) => t,
    toText: (v) => String(v),
  };
}

function parseFloatText(t: string): number {
  return t === 'NaN' ? NaN : Number(t);
}

/** float text PostgreSQL reads back to the same value (shortest round-trip, as extra_float_digits > 0 prints). */
function floatText(v: unknown): string {
  const n = Number(v);
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Big-endian two's complement bytes → bigint. */
export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  if (b.length && b[0]! & 0x80) v -= 1n << BigInt(b.length * 8);
  return v;
}

export function parquetSchema(cols: ParquetColumn[]): SchemaElement[] {
  return [{ name: 'root', num_children: cols.length }, ...cols.map((c) => c.element)];
}

/**
 * The schema as the restore side reads it: DECIMAL annotations removed, so hyparquet hands back the
 * unscaled integers instead of lossy JavaScript numbers.
 */
export function rawReadSchema(schema: SchemaElement[]): SchemaElement[] {
  return schema.map((e) => {
    if (e.converted_type !== 'DECIMAL') return e;
    const { converted_type: _c, logical_type: _l, ...rest } = e;
    return rest as SchemaElement;
  });
}
