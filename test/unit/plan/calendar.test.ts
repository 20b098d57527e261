import { describe, expect, it } from 'vitest';
import { ceilKey, floorKey, nextBoundary, resolveOffset, type KeyAxis } from '../../../src/plan/calendar.js';
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
