// The pure parts of archive: COPY text ↔ exact integers for dates, timestamps and decimals (any
// year, infinities), the text format's escapes, and object keys that no name can bend.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  civilFromDays,
  dateTextToDays,
  daysFromCivil,
  daysToDateText,
  decimalTextToUnscaled,
  escapeText,
  microsToTimestampText,
  timestampTextToMicros,
  unescapeText,
  unscaledToDecimalText,
} from '../../../src/archive/pg-text.js';
import { bytesToBigInt, parquetColumn } from '../../../src/archive/parquet.js';
import { archiveFolder, keySegment } from '../../../src/plan/archive-layout.js';
import { literalToKey } from '../../../src/plan/keys.js';
import { parseManifest } from '../../../src/archive/manifest.js';

describe('dates and timestamps as exact integers', () => {
  it('agree with JavaScript dates where those reach, and round-trip far beyond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (days) => {
        const [y, m, d] = civilFromDays(days);
        expect(daysFromCivil(y, m, d)).toBe(days);
        expect(dateTextToDays(daysToDateText(days))).toBe(days);
      }),
    );
    expect(dateTextToDays('1970-01-01')).toBe(0);
    expect(dateTextToDays('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
    expect(daysToDateText(dateTextToDays('4713-01-01 BC'))).toBe('4713-01-01 BC');
    expect(daysToDateText(dateTextToDays('5874897-12-31'))).toBe('5874897-12-31');
    expect(daysToDateText(dateTextToDays('infinity'))).toBe('infinity');
    expect(daysToDateText(dateTextToDays('-infinity'))).toBe('-infinity');
  });

  it('reads timestamps as PostgreSQL prints them (DateStyle ISO, TimeZone UTC) and prints them back', () => {
    for (const [text, tz] of [
      ['2024-01-31 12:34:56.789', false],
      ['2024-01-31 12:34:56.000001+00', true],
      ['1900-01-01 00:00:00', false],
      ['0044-03-15 12:00:00 BC', false],
      ['0044-03-15 12:00:00+00 BC', true],
      ['9999-12-31 23:59:59.999999', false],
      ['infinity', true],
      ['-infinity', false],
    ] as const) {
      expect(microsToTimestampText(timestampTextToMicros(text), tz)).toBe(text);
    }
    expect(timestampTextToMicros('2024-01-01 03:00:00+03')).toBe(timestampTextToMicros('2024-01-01 00:00:00+00'));
    expect(timestampTextToMicros('2024-01-01 00:00:00')).toBe(BigInt(Date.UTC(2024, 0, 1)) * 1000n);
  });

  it('a timestamp parquet cannot hold is refused, with the advice', () => {
    const col = parquetColumn({ name: 'ts', type: 'timestamp without time zone', typname: 'timestamp', notNull: false });
    expect(() => col.fromText('294276-12-31 23:59:59')).toThrow(/beyond what parquet can hold.*use format: csv.gz/);
    expect(col.fromText('infinity')).toBe(9223372036854775807n);
  });
});

describe('decimals', () => {
  it('are exact unscaled integers both ways', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 20 }), (v, scale) => {
        expect(decimalTextToUnscaled(unscaledToDecimalText(v, scale), scale)).toBe(v);
      }),
    );
    expect(decimalTextToUnscaled('-0.01', 2)).toBe(-1n);
    expect(decimalTextToUnscaled('12', 2)).toBe(1200n);
    expect(() => decimalTextToUnscaled('NaN', 2)).toThrow(/use format: csv.gz/);
    expect(bytesToBigInt(new Uint8Array([0xff, 0xfe]))).toBe(-2n);
    expect(bytesToBigInt(new Uint8Array([0x00, 0xff]))).toBe(255n);
  });

  it('map numeric(p,s) to DECIMAL up to 38 digits and anything else to text', () => {
    const t = (type: string) => parquetColumn({ name: 'n', type, typname: 'numeric', notNull: false }).parquetType;
    expect([t('numeric(12,2)'), t('numeric(30,10)'), t('numeric(40,2)'), t('numeric')]).toEqual(['DECIMAL(12,2)', 'DECIMAL(30,10)', 'STRING', 'STRING']);
  });
});

describe('COPY text escapes', () => {
  it('round-trip any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(unescapeText(escapeText(s))).toBe(s);
    }));
    expect(unescapeText('a\\tb\\nc\\\\d\\x41\\101')).toBe('a\tb\nc\\dAA');
  });
});

describe('object keys', () => {
  it('escape every byte outside [A-Za-z0-9_.-], so no name adds a folder level or climbs out', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      const k = keySegment(s);
      expect(k).toMatch(/^[A-Za-z0-9_.%-]*$/);
      expect(k.startsWith('.')).toBe(false);
      expect(decodeURIComponent(k.replace(/%(?![0-9A-F]{2})/g, '%25'))).toBe(s.replace(/^\./, '.'));
    }));
    expect(keySegment('../x/y')).toBe('%2E.%2Fx%2Fy');
  });

  it('name the folder by table and range, in the key type\'s own terms', () => {
    expect(archiveFolder('wh', 'sales', 'orders', 'date', { from: literalToKey('date', '2019-01-01'), to: literalToKey('date', '2020-01-01') })).toBe('wh/sales/orders/2019-01-01_2020-01-01/');
    expect(archiveFolder('', 'Wé ird', 'tab"le', 'timestamptz', { from: literalToKey('timestamptz', '2024-01-01 00:00:00+00'), to: Infinity })).toBe(
      'W%C3%A9%20ird/tab%22le/2024-01-01T000000Z_MAXVALUE/',
    );
  });
});

describe('manifest', () => {
  const ok = {
    manifestVersion: 1, rows: 3, format: 'parquet', columns: [{ name: 'a' }], partition: { from: '2024-01-01', to: '2024-02-01' },
    objects: [{ key: 'k/data.parquet', bytes: 10, sha256: 'a'.repeat(64), rows: 3 }],
  };
  it('is read only when whole and self-consistent', () => {
    expect(parseManifest(JSON.stringify(ok), 'm').rows).toBe(3);
    expect(() => parseManifest('{', 'm')).toThrow(/^m: not valid JSON$/);
    expect(() => parseManifest(JSON.stringify({ ...ok, rows: '3' }), 'm')).toThrow(/not a gppart archive manifest/);
    expect(() => parseManifest(JSON.stringify({ ...ok, rows: 4 }), 'm')).toThrow(/its objects hold 3 rows, but it says 4/);
  });
});
