import { describe, expect, it } from 'vitest';
import {
  Greenplum6BoundError,
  greenplum6Range,
  keyTypeFromFormatType,
  parseGreenplum6Bound,
} from '../../../src/catalog/greenplum6-bounds.js';

const DAY = 86_400_000;

describe('parseGreenplum6Bound', () => {
  it('reads a date bound as pg_get_expr prints it', () => {
    const b = parseGreenplum6Bound("'2024-01-01'::date", 'x');
    expect(b).toEqual({ literal: '2024-01-01', castType: 'date', point: Date.UTC(2024, 0, 1) });
  });

  it('reads timestamp without time zone as wall clock in UTC', () => {
    const b = parseGreenplum6Bound("'2024-03-01 06:30:00'::timestamp without time zone", 'x');
    expect(b.castType).toBe('timestamp');
    expect(b.point).toBe(Date.UTC(2024, 2, 1, 6, 30));
  });

  it('reads timestamptz as the instant, whatever the session offset', () => {
    expect(parseGreenplum6Bound("'2024-01-01 00:00:00+00'::timestamp with time zone", 'x').point).toBe(Date.UTC(2024, 0, 1));
    expect(parseGreenplum6Bound("'2024-01-01 03:00:00+03'::timestamp with time zone", 'x').point).toBe(Date.UTC(2024, 0, 1));
    expect(parseGreenplum6Bound("'2023-12-31 18:30:00-05:30'::timestamp with time zone", 'x').point).toBe(Date.UTC(2024, 0, 1));
  });

  it('accepts parentheses, fractions, infinity, BC and escaped quotes', () => {
    expect(parseGreenplum6Bound("('2024-01-01'::date)", 'x').point).toBe(Date.UTC(2024, 0, 1));
    expect(parseGreenplum6Bound("'2024-01-01 00:00:00.5'::timestamp without time zone", 'x').point).toBe(Date.UTC(2024, 0, 1) + 500);
    expect(parseGreenplum6Bound("'infinity'::date", 'x').point).toBe(Number.POSITIVE_INFINITY);
    expect(parseGreenplum6Bound("'-infinity'::timestamp with time zone", 'x').point).toBe(Number.NEGATIVE_INFINITY);
    const bc = parseGreenplum6Bound("'0001-01-01 BC'::date", 'x').point;
    expect(new Date(bc).getUTCFullYear()).toBe(0);
    expect(() => parseGreenplum6Bound("'2024''-01-01'::date", 'p START')).toThrow(/2024'-01-01/);
  });

  it('refuses what it cannot read, naming the bound', () => {
    expect(() => parseGreenplum6Bound('2024-01-01', 'partition s_1_prt_2 START')).toThrow(/partition s_1_prt_2 START.*quoted/);
    expect(() => parseGreenplum6Bound("'2024-01-01'", 'b')).toThrow(Greenplum6BoundError);
    expect(() => parseGreenplum6Bound("'2024-01-01'::date", 'b')).not.toThrow();
    expect(() => parseGreenplum6Bound("'10'::integer", 'b')).toThrow(/integer/);
    expect(() => parseGreenplum6Bound("'2024-02-30'::date", 'b')).toThrow(/calendar/);
    expect(() => parseGreenplum6Bound("'01/02/2024'::date", 'b')).toThrow(/ISO DateStyle/);
    expect(() => parseGreenplum6Bound("'2024-01-01 00:00:00'::timestamp with time zone", 'b')).toThrow(/offset/);
    expect(() => parseGreenplum6Bound("'2024-01-01 00:00:00+01'::timestamp without time zone", 'b')).toThrow(/no UTC offset/);
    expect(() => parseGreenplum6Bound("'2024-01-01 00:00:00.0001'::timestamp without time zone", 'b')).toThrow(/millisecond/);
    expect(() => parseGreenplum6Bound("'2024-01-01::date", 'b')).toThrow(/unterminated/);
  });
});

describe('greenplum6Range', () => {
  const d = (s: string) => `'${s}'::date`;

  it('keeps [START INCLUSIVE, END EXCLUSIVE)', () => {
    expect(greenplum6Range({ start: d('2024-01-01'), startInclusive: true, end: d('2024-02-01'), endInclusive: false }, 'date', 'p')).toEqual({
      from: Date.UTC(2024, 0, 1),
      to: Date.UTC(2024, 1, 1),
    });
  });

  it('normalises an exclusive START and an inclusive END on a date key by one day', () => {
    const r = greenplum6Range({ start: d('2023-12-31'), startInclusive: false, end: d('2024-01-31'), endInclusive: true }, 'date', 'p');
    expect(r).toEqual({ from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 31) + DAY });
  });

  it('treats NULL bounds as open', () => {
    const r = greenplum6Range({ start: null, startInclusive: false, end: d('2024-01-01'), endInclusive: false }, 'date', 'p');
    expect(r).toEqual({ from: Number.NEGATIVE_INFINITY, to: Date.UTC(2024, 0, 1) });
    const r2 = greenplum6Range({ start: d('2024-01-01'), startInclusive: true, end: null, endInclusive: false }, 'date', 'p');
    expect(r2.to).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses odd flags on timestamp keys, naming the partition', () => {
    const ts = "'2024-01-01 00:00:00'::timestamp without time zone";
    const ts2 = "'2024-02-01 00:00:00'::timestamp without time zone";
    expect(() => greenplum6Range({ start: ts, startInclusive: false, end: ts2, endInclusive: false }, 'timestamp', 'sales_1_prt_7')).toThrow(
      /sales_1_prt_7 has an EXCLUSIVE START on a timestamp key/,
    );
    expect(() => greenplum6Range({ start: ts, startInclusive: true, end: ts2, endInclusive: true }, 'timestamp', 'sales_1_prt_7')).toThrow(
      /INCLUSIVE END/,
    );
    expect(greenplum6Range({ start: ts, startInclusive: true, end: ts2, endInclusive: false }, 'timestamp', 'p').from).toBe(Date.UTC(2024, 0, 1));
  });

  it('refuses empty ranges and a cast that does not match the key', () => {
    expect(() => greenplum6Range({ start: d('2024-02-01'), startInclusive: true, end: d('2024-02-01'), endInclusive: false }, 'date', 'p')).toThrow(/empty/);
    expect(() =>
      greenplum6Range({ start: d('2024-01-01'), startInclusive: true, end: d('2024-02-01'), endInclusive: false }, 'timestamptz', 'p'),
    ).toThrow(/is a date but the key is a timestamptz/);
  });

  it('maps format_type names', () => {
    expect(keyTypeFromFormatType('timestamp without time zone')).toBe('timestamp');
    expect(keyTypeFromFormatType('timestamp with time zone')).toBe('timestamptz');
    expect(keyTypeFromFormatType('date')).toBe('date');
    expect(keyTypeFromFormatType('integer')).toBeNull();
  });
});

describe('parseGreenplum6Bound: the plain shapes read without the general parser', () => {
  // The general parser still reads every bound in parentheses: the two must agree on all of them.
  const general = (expr: string) => parseGreenplum6Bound(`(${expr})`, 'partition p START');
  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };

  it('gives what the general parser gives, for valid and invalid dates, times and years', () => {
    const years = ['0099', '0100', '1000', '1969', '1970', '2000', '2023', '2024', '2100', '9999'];
    const months = ['00', '01', '02', '04', '12', '13'];
    const days = ['00', '01', '28', '29', '30', '31', '32'];
    const times = ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60', '1a:00:00'];
    const casts = ['date', 'timestamp without time zone', 'timestamp with time zone'];
    let fast = 0;
    for (const y of years) for (const m of months) for (const d of days) {
      const exprs = [`'${y}-${m}-${d}'::date`];
      for (const t of times) {
        exprs.push(`'${y}-${m}-${d} ${t}'::timestamp without time zone`, `'${y}-${m}-${d} ${t}+00'::timestamp with time zone`, `'${y}-${m}-${d} ${t}-05'::timestamp with time zone`);
      }
      for (const c of casts) exprs.push(`'${y}-${m}-${d}'::${c}`, `'${y}-${m}-${d} 00:00:00'::${c}`);
      for (const expr of exprs) {
        const got = outcome(() => parseGreenplum6Bound(expr, 'partition p START'));
        expect(got, expr).toEqual(outcome(() => general(expr)));
        if (typeof got === 'object') fast++;
      }
    }
    expect(fast).toBeGreaterThan(1000);
  });
});
