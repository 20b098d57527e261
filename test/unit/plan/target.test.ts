import { describe, expect, it } from 'vitest';
import { keyToLiteral } from '../../../src/plan/keys.js';
import type { KeyType, TargetLayout } from '../../../src/plan/model.js';
import { partitionName, targetLayout, withPrefix } from '../../../src/plan/target.js';
import { band, policy, retention } from './fixtures.js';

const rows = (l: TargetLayout, kt: KeyType = 'date'): string[] =>
  l.partitions.map((p) => `${p.name} ${keyToLiteral(kt, p.range.from)} ${keyToLiteral(kt, p.range.to)}`);

describe('targetLayout', () => {
  it('lets the finer band take the coarse period its edge cuts', () => {
    // now 2024-05-15: months from 2024-02-15, quarters before. The quarter [2024-01-01, 2024-04-01)
    // is cut at 02-15, so the month band covers it: months from 2024-01-01.
    const p = policy([band('-3 months', '+2 months', '1 month'), band('-1 year', '-3 months', '3 months', { tablespace: 'warm' })]);
    const l = targetLayout(p, 'date', '2024-05-15', 'orders');
    expect(rows(l)).toEqual([
      'orders_p2023q3 2023-07-01 2023-10-01',
      'orders_p2023q4 2023-10-01 2024-01-01',
      'orders_p2024_01 2024-01-01 2024-02-01',
      'orders_p2024_02 2024-02-01 2024-03-01',
      'orders_p2024_03 2024-03-01 2024-04-01',
      'orders_p2024_04 2024-04-01 2024-05-01',
      'orders_p2024_05 2024-05-01 2024-06-01',
      'orders_p2024_06 2024-06-01 2024-07-01',
    ]);
    expect(l.partitions[0]!.tablespace).toBe('warm');
    expect(l.partitions[2]!.tablespace).toBeNull();
    expect(l.partitions.every((x) => x.clipped === undefined)).toBe(true);
    expect(l.dropBefore).toBeNull();
    expect(keyToLiteral('date', l.managed!.from)).toBe('2023-07-01');
  });

  it('shrinks a lone band to whole periods and leaves gaps between bands alone', () => {
    const p = policy([band('-1 month', '+1 month', '1 month'), band('-3 years', '-1 year', '1 year')]);
    const l = targetLayout(p, 'date', '2024-05-15', 'orders');
    expect(rows(l)).toEqual([
      'orders_p2022 2022-01-01 2023-01-01',
      'orders_p2024_05 2024-05-01 2024-06-01',
    ]);
  });

  it('clips weeks where they meet months, and says so', () => {
    const p = policy([band('-2 months', '+1 month', '1 month'), band('-4 months', '-2 months', '1 week')]);
    const l = targetLayout(p, 'date', '2024-06-15', 'orders');
    // Bands meet at 2024-04-15 (a Monday). The newer month band is coarser, so the finer week band
    // extends forward to 2024-05-01, a Wednesday: its last week is cut there.
    const r = rows(l);
    expect(r[0]).toBe('orders_p2024w08 2024-02-19 2024-02-26'); // first Monday after 02-15
    const last = l.partitions.findIndex((x) => x.every.unit === 'month');
    expect(r[last - 1]).toBe('orders_p2024w18 2024-04-29 2024-05-01');
    expect(l.partitions[last - 1]!.clipped).toMatch(/clipped at 2024-05-01 where it meets band 1 .*1 week does not nest in every 1 month/);
    expect(r[last]).toBe('orders_p2024_05 2024-05-01 2024-06-01');
    expect(r.at(-1)).toBe('orders_p2024_06 2024-06-01 2024-07-01');
    expect(l.partitions.filter((x) => x.clipped)).toHaveLength(1);
  });

  it('names a period clipped at its start by its first day', () => {
    const p = policy([band('-2 months', '+1 month', '1 week'), band('-6 months', '-2 months', '1 month')]);
    const l = targetLayout(p, 'date', '2024-05-15', 'orders');
    // Months older, weeks newer, meeting 2024-03-15: the week band takes all of March.
    const first = l.partitions.find((x) => x.every.unit === 'week')!;
    expect(keyToLiteral('date', first.range.from)).toBe('2024-03-01');
    expect(first.name).toBe('orders_p2024_03_01');
    expect(first.clipped).toBeDefined();
  });

  it('drops periods retention would drop and resolves dropBefore', () => {
    const p = policy([band('-10 years', '-1 year', '1 year')], { retention: retention('7 years') });
    const l = targetLayout(p, 'date', '2024-11-25', 'orders');
    expect(keyToLiteral('date', l.dropBefore!)).toBe('2017-11-25');
    expect(rows(l)[0]).toBe('orders_p2017 2017-01-01 2018-01-01');
    expect(rows(l).at(-1)).toBe('orders_p2022 2022-01-01 2023-01-01');
  });

  it('uses real instants of local midnight for timestamptz across DST', () => {
    const p = policy([band('-3 days', '+2 days', '1 day')], { timezone: 'America/New_York' });
    const l = targetLayout(p, 'timestamptz', '2024-03-11', 'orders');
    expect(rows(l, 'timestamptz')).toEqual([
      'orders_p2024_03_08 2024-03-08 05:00:00+00 2024-03-09 05:00:00+00',
      'orders_p2024_03_09 2024-03-09 05:00:00+00 2024-03-10 05:00:00+00',
      'orders_p2024_03_10 2024-03-10 05:00:00+00 2024-03-11 04:00:00+00',
      'orders_p2024_03_11 2024-03-11 04:00:00+00 2024-03-12 04:00:00+00',
      'orders_p2024_03_12 2024-03-12 04:00:00+00 2024-03-13 04:00:00+00',
    ]);
    const msk = targetLayout(policy([band('-2 months', '+1 month', '1 month')], { timezone: 'Europe/Moscow' }), 'timestamptz', '2024-01-10', 'orders');
    expect(rows(msk, 'timestamptz')).toEqual([
      'orders_p2023_12 2023-11-30 21:00:00+00 2023-12-31 21:00:00+00',
      'orders_p2024_01 2023-12-31 21:00:00+00 2024-01-31 21:00:00+00',
    ]);
  });

  it('refuses overlapping bands', () => {
    const p = policy([band('-3 months', '+1 month', '1 month'), band('-1 year', '-1 month', '3 months')]);
    expect(() => targetLayout(p, 'date', '2024-05-15', 'orders')).toThrow(/band 1 .* overlap/);
  });
});

describe('partition names', () => {
  const axis = { keyType: 'date' as const, zone: 'UTC' };
  const k = (s: string): number => Date.parse(s + 'T00:00:00Z');
  it('reads like the period', () => {
    expect(partitionName('t', axis, k('2024-01-01'), { unit: 'year', count: 1 })).toBe('t_p2024');
    expect(partitionName('t', axis, k('2024-01-01'), { unit: 'month', count: 12 })).toBe('t_p2024');
    expect(partitionName('t', axis, k('2024-10-01'), { unit: 'month', count: 3 })).toBe('t_p2024q4');
    expect(partitionName('t', axis, k('2024-07-01'), { unit: 'month', count: 6 })).toBe('t_p2024h2');
    expect(partitionName('t', axis, k('2024-05-01'), { unit: 'month', count: 4 })).toBe('t_p2024_05');
    expect(partitionName('t', axis, k('2024-03-01'), { unit: 'month', count: 2 })).toBe('t_p2024_03');
    expect(partitionName('t', axis, k('2024-12-30'), { unit: 'week', count: 1 })).toBe('t_p2025w01');
    expect(partitionName('t', axis, k('2024-01-15'), { unit: 'day', count: 1 })).toBe('t_p2024_01_15');
  });
  it('fits 63 bytes by shortening the table prefix, even in multibyte names', () => {
    const long = 'x'.repeat(70);
    const n = partitionName(long, axis, k('2024-01-15'), { unit: 'day', count: 1 });
    expect(Buffer.byteLength(n)).toBe(63);
    expect(n.endsWith('_p2024_01_15')).toBe(true);
    const cyr = withPrefix('заказы_клиентов_за_все_годы_работы', 'p2024_01_15');
    expect(Buffer.byteLength(cyr)).toBeLessThanOrEqual(63);
    expect(cyr).toMatch(/^заказы.*_p2024_01_15$/);
  });
});
