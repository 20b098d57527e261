// Bounds as a reviewer reads them: a day for a midnight in the policy's zone, the exact time
// otherwise; the literal in the call never changes.
import { describe, expect, it } from 'vitest';
import { keyToDisplay, literalToDisplay, rangeToDisplay, zoneNote } from '../../../src/plan/display.js';
import { literalToKey } from '../../../src/plan/keys.js';
import { planTable } from '../../../src/plan/diff.js';
import { band, policy, table } from './fixtures.js';

const tz = (literal: string, timezone = 'UTC') => literalToDisplay({ keyType: 'timestamptz', timezone }, literal);

describe('bounds for people', () => {
  it('a midnight is a day, whatever the key type', () => {
    expect(tz('2026-10-01 00:00:00+00')).toBe('2026-10-01');
    expect(literalToDisplay({ keyType: 'timestamp' }, '2026-10-01 00:00:00')).toBe('2026-10-01');
    expect(literalToDisplay({ keyType: 'date' }, '2026-10-01')).toBe('2026-10-01');
  });

  it('midnight means midnight in the policy zone; other instants keep their time, on the zone clock with its offset', () => {
    expect(tz('2026-09-30 22:00:00+00', 'Europe/Berlin')).toBe('2026-10-01');
    expect(tz('2026-10-01 00:00:00+00', 'Europe/Berlin')).toBe('2026-10-01 02:00:00+02');
    expect(tz('2026-10-01 00:00:00+00', 'Asia/Kolkata')).toBe('2026-10-01 05:30:00+05:30');
    expect(tz('2026-10-01 12:30:00+00')).toBe('2026-10-01 12:30:00+00');
    expect(literalToDisplay({ keyType: 'timestamp' }, '2026-10-01 06:00:00')).toBe('2026-10-01 06:00:00');
    expect(tz('2026-10-01 00:00:00.5+00')).toBe('2026-10-01 00:00:00.5+00');
  });

  it('MINVALUE, MAXVALUE and text that is no bound stay as they are', () => {
    expect(rangeToDisplay({ keyType: 'date' }, { from: -Infinity, to: Infinity })).toBe('[MINVALUE, MAXVALUE)');
    expect(tz('not a bound')).toBe('not a bound');
    expect(keyToDisplay({ keyType: 'timestamptz' }, literalToKey('timestamptz', '2026-10-01 00:00:00+00'))).toBe('2026-10-01');
  });

  it('says which zone the days are in when it is not UTC', () => {
    expect(zoneNote({ keyType: 'timestamptz', timezone: 'Europe/Berlin' })).toBe('dates are midnights in Europe/Berlin');
    expect(zoneNote({ keyType: 'timestamptz', timezone: 'UTC' })).toBeNull();
    expect(zoneNote({ keyType: 'date', timezone: 'Europe/Berlin' })).toBeNull();
  });

  it('reasons print midnights as days and summarise runs of partitions; the call keeps the exact literals', () => {
    const days = Array.from({ length: 30 }, (_, i) => {
      const d = `2026-09-${String(i + 1).padStart(2, '0')}`;
      const next = i === 29 ? '2026-10-01' : `2026-09-${String(i + 2).padStart(2, '0')}`;
      return { from: `${d} 00:00:00+00`, to: `${next} 00:00:00+00`, name: `events_${d.replace(/-/g, '_')}`, rows: 10 };
    });
    const p = policy([band('-1 year', '-2 months', '1 month')], {});
    const plan = planTable(p, table(days, { keyType: 'timestamptz', defaultRows: 0 }), '2026-12-10');
    const merge = plan.steps.find((s) => s.kind === 'merge')!;
    expect(merge.reason).toContain('events_2026_09_01 … events_2026_09_30 (30 partitions, [2026-09-01, 2026-10-01))');
    expect(merge.reason.length).toBeLessThan(300);
    expect(merge.reason).not.toContain('00:00:00');
    expect(merge.call.args[4]).toEqual(['2026-09-01 00:00:00+00']);
  });
});
