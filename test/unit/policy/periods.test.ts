import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RelativeOffset } from '../../../src/policy/types.js';
import {
  applyOffset, didYouMean, findOverlaps, firstDayWhere, formatOffset, parseAge, parseEvery, parseOffset,
  parseStorage, parseTimeout,
} from '../../../src/policy/periods.js';
import { formatTableName, parseTableName } from '../../../src/policy/table-name.js';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
const message = (r: { ok: boolean; message?: string }): string | undefined => (r.ok ? undefined : r.message);

describe('parseOffset', () => {
  it.each([
    ['-3 months', { months: -3 }],
    ['+3 months', { months: 3 }],
    ['0 days', {}],
    ['now', {}],
    ['NOW', {}],
    ['-1 year', { years: -1 }],
    ['-1 quarter', { months: -3 }],
    ['+2 weeks', { weeks: 2 }],
    ['-1 year 6 months', { years: -1, months: -6 }],
    ['-1 month - 3 days', { months: -1, days: -3 }],
    ['-1 year +2 months', { years: -1, months: 2 }],
    ['-5 years -1 month', { years: -5, months: -1 }],
  ])('%s', (text, expected) => {
    expect(value(parseOffset(text))).toEqual(expected);
  });

  it('rejects an unsigned bound, which the original format read as "ago"', () => {
    expect(message(parseOffset('3 months'))).toBe('"3 months" has no sign; write -3 months for the past or +3 months for the future');
  });

  it('names an unknown unit with a suggestion', () => {
    expect(message(parseOffset('-3 mnths'))).toBe('"-3 mnths" is not a calendar offset: unknown unit "mnths"; did you mean "months"?');
    expect(message(parseOffset('-3 hours'))).toBe(
      '"-3 hours" is not a calendar offset: unknown unit "hours" (units: days, weeks, months, quarters, years)',
    );
    expect(message(parseOffset('yesterday'))).toBe(
      '"yesterday" is not a calendar offset; write a signed offset from now such as -3 months, +1 week, ' +
        '-1 year 6 months or now (units: days, weeks, months, quarters, years)',
    );
  });

  it('rejects hours and garbage', () => {
    expect(parseOffset('-3 hours').ok).toBe(false);
    expect(parseOffset('yesterday').ok).toBe(false);
    expect(parseOffset('').ok).toBe(false);
  });

  it('prints offsets with every term signed, which parse back to the same offset', () => {
    for (const o of [{ years: -5, months: -1 }, { months: 1, days: 3 }, {}, { years: -1, months: 6 }]) {
      expect(value(parseOffset(formatOffset(o)))).toEqual(o);
    }
  });
});

describe('parseAge', () => {
  it('reads positive durations', () => {
    expect(value(parseAge('10 years'))).toEqual({ years: 10 });
    expect(value(parseAge('1 year 6 months'))).toEqual({ years: 1, months: 6 });
    expect(value(parseAge('2 quarters'))).toEqual({ months: 6 });
  });
  it('rejects signs and zero', () => {
    expect(message(parseAge('-5 years'))).toBe('"-5 years" is an age and takes no sign; write 5 years');
    expect(message(parseAge('0 days'))).toBe('"0 days" is not a positive duration');
  });
});

describe('parseEvery', () => {
  it.each([
    ['1 day', { unit: 'day', count: 1 }],
    ['1 week', { unit: 'week', count: 1 }],
    ['1 month', { unit: 'month', count: 1 }],
    ['2 months', { unit: 'month', count: 2 }],
    ['3 months', { unit: 'month', count: 3 }],
    ['3 month', { unit: 'month', count: 3 }],
    ['4 months', { unit: 'month', count: 4 }],
    ['6 months', { unit: 'month', count: 6 }],
    ['12 months', { unit: 'year', count: 1 }],
    ['1 quarter', { unit: 'month', count: 3 }],
    ['1 year', { unit: 'year', count: 1 }],
  ])('%s', (text, expected) => {
    expect(value(parseEvery(text))).toEqual(expected);
  });
  it.each(['3 weeks', '5 months', '2 years', '2 days', 'monthly', ''])('rejects %j', (text) => {
    expect(message(parseEvery(text))).toBe(
      `"${text}" is not a period; use 1 day, 1 week, 1, 2, 3, 4, 6 or 12 months, 1 quarter or 1 year`,
    );
  });
});

describe('parseTimeout', () => {
  it('reads ms, s, m and h', () => {
    expect(value(parseTimeout('500ms'))).toBe(500);
    expect(value(parseTimeout('5s'))).toBe(5000);
    expect(value(parseTimeout('2m'))).toBe(120_000);
    expect(value(parseTimeout('2min'))).toBe(120_000);
    expect(value(parseTimeout('1h'))).toBe(3_600_000);
  });
  it('rejects zero and other text', () => {
    expect(parseTimeout('0s').ok).toBe(false);
    expect(message(parseTimeout('5 seconds'))).toBe('"5 seconds" is not a timeout; write e.g. 500ms, 5s or 2m');
  });
});

describe('parseStorage', () => {
  it('normalizes spacing to key=value, key=value', () => {
    expect(value(parseStorage('appendonly = true,orientation=column ,  compresslevel=1'))).toBe(
      'appendonly=true, orientation=column, compresslevel=1',
    );
  });
  it.each(['appendonly=true; drop table x', "compresstype='zstd'", 'AppendOnly=true', 'appendonly', ''])(
    'rejects %j, which could not be spliced into WITH (...) safely', (text) => {
      expect(parseStorage(text).ok).toBe(false);
    },
  );
});

describe('applyOffset', () => {
  it('adds months first, clamped to the month end, then days', () => {
    const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
    expect(applyOffset(day(2024, 3, 31), { months: -1 })).toBe(day(2024, 2, 29));
    expect(applyOffset(day(2024, 3, 31), { months: -1, days: -3 })).toBe(day(2024, 2, 26));
    expect(applyOffset(day(2024, 1, 15), { years: -1, weeks: 1 })).toBe(day(2023, 1, 22));
  });

  it('lands where the same arithmetic on Date objects lands, for any day and offset', () => {
    const viaDate = (ref: number, o: { years?: number; months?: number; weeks?: number; days?: number }) => {
      const d = new Date(ref * 86_400_000);
      const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + (o.years ?? 0) * 12 + (o.months ?? 0);
      const y = Math.floor(total / 12);
      const mo = total - y * 12;
      const day = Math.min(d.getUTCDate(), new Date(Date.UTC(y, mo + 1, 0)).getUTCDate());
      return Date.UTC(y, mo, day) / 86_400_000 + (o.weeks ?? 0) * 7 + (o.days ?? 0);
    };
    fc.assert(
      fc.property(
        // From about 330 AD: Date.UTC reads years 0–99 as 1900–1999, which the arithmetic does not copy.
        fc.integer({ min: -600_000, max: 800_000 }),
        fc.record({ years: fc.integer({ min: -50, max: 50 }), months: fc.integer({ min: -600, max: 600 }),
                    weeks: fc.integer({ min: -60, max: 60 }), days: fc.integer({ min: -400, max: 400 }) }, { requiredKeys: [] }),
        (ref, o) => applyOffset(ref, o) === viaDate(ref, o),
      ),
      { numRuns: 20_000 },
    );
  });
});

// The checks try 165 representative days of the 2023-2026 cycle; these compare them with trying
// every one of its 1,461 days, the way the first version did (quadratic, and slow: issue 11).
const DAY = 86_400_000;
const EVERY_DAY = Array.from({ length: 4 * 365 + 1 }, (_, i) => Date.UTC(2023, 0, 1) / DAY + i);
const bruteFirstDay = (test: (today: number) => boolean): number | null => EVERY_DAY.find(test) ?? null;

const offset: fc.Arbitrary<RelativeOffset> = fc.record({
  years: fc.integer({ min: -3, max: 3 }), months: fc.integer({ min: -40, max: 40 }),
  weeks: fc.integer({ min: -10, max: 10 }), days: fc.integer({ min: -120, max: 120 }),
}, { requiredKeys: [] });

describe('comparing offsets on representative days', () => {
  it('finds the same first day as trying every day of the cycle', () => {
    fc.assert(fc.property(offset, offset, fc.constantFrom('<', '<=', '>', '>=', '==='), (a, b, op) => {
      const holds = (x: number, y: number) => (op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : op === '>=' ? x >= y : x === y);
      const brute = bruteFirstDay((t) => holds(applyOffset(t, a), applyOffset(t, b)));
      expect(firstDayWhere(a, b, holds)).toBe(brute);
    }), { numRuns: 2000 });
  });

  it('finds overlapping bands exactly when some pair overlaps on some day, naming real overlaps', () => {
    const band = fc.tuple(offset, offset).map(([x, y]) => ({ from: x, to: y }));
    fc.assert(fc.property(fc.array(band, { maxLength: 6 }), (bands) => {
      // As validation does: only bands whose from is before their to on every day take part.
      const usable = bands.map((b) => (bruteFirstDay((t) => applyOffset(t, b.from) >= applyOffset(t, b.to)) === null ? b : undefined));
      const overlapOn = (x: number, y: number) => bruteFirstDay((t) =>
        applyOffset(t, usable[x]!.from) < applyOffset(t, usable[y]!.to) && applyOffset(t, usable[y]!.from) < applyOffset(t, usable[x]!.to)) !== null;
      let any = false;
      for (let x = 0; x < usable.length; x++) {
        for (let y = 0; y < x; y++) if (usable[x] && usable[y] && overlapOn(x, y)) any = true;
      }
      const found = findOverlaps(usable);
      expect(found.size > 0).toBe(any);
      for (const [later, earlier] of found) {
        expect(earlier).toBeLessThan(later);
        expect(overlapOn(later, earlier)).toBe(true);
      }
    }), { numRuns: 500 });
  });

  it('reports each of many identical bands once, against the first', () => {
    const same = { from: { months: -3 }, to: { months: 3 } };
    expect([...findOverlaps(Array.from({ length: 100 }, () => same))]).toEqual(Array.from({ length: 99 }, (_, i) => [i + 1, 0]));
  });
});

describe('parseTableName', () => {
  it.each([
    ['sales.orders', { schema: 'sales', name: 'orders' }],
    ['orders', { schema: 'public', name: 'orders' }],
    ['Sales.Orders', { schema: 'sales', name: 'orders' }],
    ['"Sales Data"."Orders; x"', { schema: 'Sales Data', name: 'Orders; x' }],
    ['"a""b".c', { schema: 'a"b', name: 'c' }],
    ['s."t.x"', { schema: 's', name: 't.x' }],
    // Only A-Z fold, as in PostgreSQL with UTF-8: other letters keep their case.
    ['Straße.ÄRGER', { schema: 'straße', name: 'Ärger' }],
  ])('%s', (text, expected) => {
    expect(value(parseTableName(text))).toEqual(expected);
  });
  it.each(['a.b.c', '"unclosed.x', 'sales orders', 'sales.', '""."x"', '.x'])('rejects %j', (text) => {
    expect(parseTableName(text).ok).toBe(false);
  });
  it('formats names so that they parse back', () => {
    for (const q of [{ schema: 'Sales Data', name: 'Orders; x' }, { schema: 'a"b', name: 'c' }, { schema: 'sales', name: 'orders' }]) {
      expect(value(parseTableName(formatTableName(q)))).toEqual(q);
    }
  });
});

describe('didYouMean', () => {
  it('suggests close words only', () => {
    expect(didYouMean('tablspace', ['table', 'tablespace', 'timezone'])).toBe('; did you mean "tablespace"?');
    expect(didYouMean('colour', ['table', 'tablespace'])).toBe('');
  });
});
