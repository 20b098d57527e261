import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilKey, floorKey, keyDay, nextBoundary, resolveOffset, type KeyAxis } from '../../../src/plan/calendar.js';
import { partitionName } from '../../../src/plan/target.js';
import { keyToLiteral, literalToKey } from '../../../src/plan/keys.js';

const utcDate: KeyAxis = { keyType: 'date', zone: 'UTC' };
const d = (s: string): number => literalToKey('date', s);
const show = (axis: KeyAxis, k: number): string => keyToLiteral(axis.keyType, k);

describe('resolveOffset', () => {
  it('counts calendar months and years from today at midnight', () => {
    expect(show(utcDate, resolveOffset(utcDate, '2024-05-31', { months: -3 }))).toBe('2024-02-29');
    expect(show(utcDate, resolveOffset(utcDate, '2024-05-31T18:30:00Z', { years: -1 }))).toBe('2023-05-31');
    expect(show(utcDate, resolveOffset(utcDate, '2024-05-31', { weeks: 1, days: 1 }))).toBe('2024-06-08');
  });

  it('reads now in the policy zone', () => {
    const moscowDate: KeyAxis = { keyType: 'date', zone: 'Europe/Moscow' };
    // 22:00 UTC on the 31st is already June 1st in Moscow.
    expect(show(moscowDate, resolveOffset(moscowDate, '2024-05-31T22:00:00Z', {}))).toBe('2024-06-01');
  });

  it('gives the real instant of local midnight for timestamptz', () => {
    const ny: KeyAxis = { keyType: 'timestamptz', zone: 'America/New_York' };
    expect(show(ny, resolveOffset(ny, '2024-03-10', {}))).toBe('2024-03-10 05:00:00+00');
    expect(show(ny, resolveOffset(ny, '2024-03-10', { days: 1 }))).toBe('2024-03-11 04:00:00+00');
    const msk: KeyAxis = { keyType: 'timestamptz', zone: 'Europe/Moscow' };
    expect(show(msk, resolveOffset(msk, '2024-01-01', {}))).toBe('2023-12-31 21:00:00+00');
  });
});

describe('grid', () => {
  it('floors and ceils to days, ISO weeks, months, quarters, half years, years', () => {
    const k = d('2024-05-15');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'week', count: 1 }))).toBe('2024-05-13');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'month', count: 1 }))).toBe('2024-05-01');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'month', count: 2 }))).toBe('2024-05-01');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'month', count: 3 }))).toBe('2024-04-01');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'month', count: 4 }))).toBe('2024-05-01');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'month', count: 6 }))).toBe('2024-01-01');
    expect(show(utcDate, floorKey(utcDate, k, { unit: 'year', count: 1 }))).toBe('2024-01-01');
    expect(show(utcDate, ceilKey(utcDate, k, { unit: 'month', count: 3 }))).toBe('2024-07-01');
    expect(show(utcDate, ceilKey(utcDate, d('2024-07-01'), { unit: 'month', count: 3 }))).toBe('2024-07-01');
    expect(show(utcDate, nextBoundary(utcDate, d('2024-10-01'), { unit: 'month', count: 3 }))).toBe('2025-01-01');
    expect(floorKey(utcDate, -Infinity, { unit: 'day', count: 1 })).toBe(-Infinity);
  });

  it('keeps days as days across DST in the policy zone', () => {
    const ny: KeyAxis = { keyType: 'timestamptz', zone: 'America/New_York' };
    const mar10 = literalToKey('timestamptz', '2024-03-10 05:00:00+00');
    const mar11 = nextBoundary(ny, mar10, { unit: 'day', count: 1 });
    expect(mar11 - mar10).toBe(23 * 3600_000);
    const nov3 = literalToKey('timestamptz', '2024-11-03 04:00:00+00');
    expect(nextBoundary(ny, nov3, { unit: 'day', count: 1 }) - nov3).toBe(25 * 3600_000);
    // Noon UTC on March 10th is 08:00 EDT: its local day starts at 05:00 UTC.
    expect(show(ny, floorKey(ny, literalToKey('timestamptz', '2024-03-10 12:00:00+00'), { unit: 'day', count: 1 }))).toBe('2024-03-10 05:00:00+00');
    expect(show(ny, floorKey(ny, literalToKey('timestamptz', '2024-04-15 12:00:00+00'), { unit: 'month', count: 3 }))).toBe('2024-04-01 04:00:00+00');
  });
});

describe('the UTC calendar by arithmetic', () => {
  // date/timestamp keys (and timestamptz seen from UTC) are worked out without luxon; a timestamptz
  // axis in Etc/GMT has the same calendar but goes through luxon: both must agree everywhere.
  const viaArithmetic: KeyAxis = { keyType: 'timestamp', zone: 'UTC' };
  const viaLuxon: KeyAxis = { keyType: 'timestamptz', zone: 'Etc/GMT' };
  const everies = fc.oneof(
    fc.record({ unit: fc.constant('day' as const), count: fc.constant(1) }),
    fc.record({ unit: fc.constant('week' as const), count: fc.constant(1) }),
    fc.record({ unit: fc.constant('month' as const), count: fc.constantFrom(1, 2, 3, 4, 6, 12) }),
    fc.record({ unit: fc.constant('year' as const), count: fc.constantFrom(1, 2, 5) }),
  );

  it('floors, steps, aligns and names days as luxon does, for any key from year 1 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), fc.constantFrom(0, 0.001, 0.5), everies, (ms, micros, every) => {
        // Keys carry microseconds as a fraction of the millisecond. Before 1970 luxon rounds such a
        // fraction towards 1970 (a key 0.5 ms before midnight lands on the next day); the arithmetic
        // floors it, as PostgreSQL does: compare whole milliseconds there.
        const key = ms + (ms >= 0 ? micros : 0);
        const f = floorKey(viaArithmetic, key, every);
        expect(f).toBe(floorKey(viaLuxon, key, every));
        expect(nextBoundary(viaArithmetic, key, every)).toBe(nextBoundary(viaLuxon, key, every));
        expect(ceilKey(viaArithmetic, key, every)).toBe(ceilKey(viaLuxon, key, every));
        expect(keyDay(viaArithmetic, key)).toEqual(keyDay(viaLuxon, key));
        expect(partitionName('t', viaArithmetic, f, every)).toBe(partitionName('t', viaLuxon, f, every));
      }),
      { numRuns: 20_000 },
    );
  });

  it('resolves offsets from now as luxon does', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const nows = fc.tuple(
      fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }),
      fc.option(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', 'Z', '+05:30', '-08:00', '+14'))),
    ).map(([y, m, d, t]) => `${pad(y, 4)}-${pad(m)}-${pad(d)}${t ? `T${pad(t[0])}:${pad(t[1])}${t[2]}` : ''}`);
    const offsets = fc.record({ years: fc.integer({ min: -20, max: 20 }), months: fc.integer({ min: -30, max: 30 }),
                                weeks: fc.integer({ min: -10, max: 10 }), days: fc.integer({ min: -400, max: 400 }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(nows, offsets, (now, o) => {
        expect(resolveOffset({ keyType: 'date', zone: 'UTC' }, now, o)).toBe(resolveOffset({ keyType: 'timestamptz', zone: 'Etc/GMT' }, now, o));
      }),
      { numRuns: 5000 },
    );
  });
});
