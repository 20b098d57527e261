import { describe, expect, it } from 'vitest';
import { planTable } from '../../../src/plan/diff.js';
import { fingerprint } from '../../../src/plan/fingerprint.js';
import { simulateSteps } from '../../../src/plan/simulate.js';
import { band, policy, retention, table } from './fixtures.js';

const NOW = '2024-05-15';

describe('planTable', () => {
  it('creates every target period of an empty DEFAULT-only table in one split step', () => {
    const p = policy([band('-3 months', '+3 months', '1 month'), band('-2 years', '-3 months', '3 months', { tablespace: 'warm' })]);
    const plan = planTable(p, table([], { defaultRows: 5000 }), NOW);
    expect(plan.steps).toHaveLength(1);
    const s = plan.steps[0]!;
    expect(s.kind).toBe('split');
    expect(s.call.name).toBe('gppart.split_default');
    const [schema, name, starts, ends, names, tablespaces, storage] = s.call.args as [string, string, string[], string[], string[], string[], string | null];
    expect([schema, name, storage]).toEqual(['sales', 'orders', null]);
    expect(starts[0]).toBe('2022-07-01');
    expect(ends.at(-1)).toBe('2024-08-01'); // +3 months is 2024-08-15: only whole months
    expect(names.slice(0, 2)).toEqual(['orders_p2022q3', 'orders_p2022q4']);
    expect(names.at(-1)).toBe('orders_p2024_07');
    expect(tablespaces[0]).toBe('warm');
    expect(tablespaces.at(-1)).toBeNull();
    expect(starts.slice(1)).toEqual(ends.slice(0, -1)); // contiguous
    expect(s.estimatedRows).toBe(5000);
    expect(s.reason).toMatch(/band 2 \(-2 years \.\. -3 months, every 3 months\) wants 6 periods in \[2022-07-01, 2024-01-01\)/);
    expect(s.reason).toMatch(/upper bound/);
    expect(s.reads).toEqual([{ name: 'orders_default', schema: 'sales', isDefault: true, tablespace: null }]);
    expect(s.destructive).toBe(false);
    // Without key statistics nobody can tell where the DEFAULT's rows go: unknown, not "all" nor "none".
    expect(plan.layoutAfter.at(-1)).toMatchObject({ name: 'orders_default', isDefault: true, tablespace: null, rows: null });
    expect(plan.layoutAfter[0]).toMatchObject({ name: 'orders_p2022q3', from: '2022-07-01', to: '2022-10-01', tablespace: 'warm', rows: null, isNew: true });
    // Re-planning the simulated result finds nothing left to do.
    expect(planTable(p, simulateSteps(table([], { defaultRows: 5000 }), plan.steps), NOW).steps).toEqual([]);
  });

  it('groups split periods by storage, one DEFAULT pass each', () => {
    const p = policy([
      band('-1 month', '+1 month', '1 month'),
      band('-1 year', '-1 month', '3 months', { storage: 'appendonly=true, orientation=column' }),
    ]);
    const plan = planTable(p, table([], { defaultRows: 10 }), NOW);
    expect(plan.steps.map((s) => [s.kind, s.call.args[6]])).toEqual([
      ['split', 'appendonly=true, orientation=column'],
      ['split', null],
    ]);
  });

  it('merges three months inside a wanted quarter into one', () => {
    const p = policy([band('-1 year', '-1 month', '3 months', { tablespace: 'warm' })]);
    const actual = table(
      [
        { from: '2023-07-01', to: '2023-08-01', name: 'orders_p2023_07', rows: 100 },
        { from: '2023-08-01', to: '2023-09-01', name: 'orders_p2023_08', rows: 200 },
        { from: '2023-09-01', to: '2023-10-01', name: 'orders_p2023_09', rows: 300 },
      ],
      { defaultRows: null },
    );
    const plan = planTable(p, actual, NOW);
    const merges = plan.steps.filter((s) => s.kind === 'merge');
    expect(merges).toHaveLength(1);
    expect(merges[0]!.call).toEqual({
      name: 'gppart.merge_partitions',
      args: [
        'sales',
        'orders',
        ['sales', 'sales', 'sales'],
        ['orders_p2023_07', 'orders_p2023_08', 'orders_p2023_09'],
        ['2023-07-01'],
        ['2023-10-01'],
        ['orders_p2023q3'],
        ['warm'],
        null,
      ],
    });
    expect(merges[0]!.estimatedRows).toBe(600);
    expect(merges[0]!.reason).toMatch(/^band 1 \(-1 year \.\. -1 month, every 3 months\) wants \[2023-07-01, 2023-10-01\); orders_p2023_07/);
    // Without a DEFAULT the other wanted quarters are plain creates.
    expect(plan.steps.filter((s) => s.kind === 'split')).toHaveLength(1);
    expect(plan.warnings).toEqual([]);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });

  it('realigns a straddling partition, reading the DEFAULT for the uncovered part', () => {
    const p = policy([band('-2 years', '-3 months', '3 months')]);
    const actual = table([{ from: '2023-01-15', to: '2023-04-15', name: 'orders_odd', rows: 900 }], { defaultRows: 50 });
    const plan = planTable(p, actual, NOW);
    const merge = plan.steps.find((s) => s.kind === 'merge')!;
    expect(merge.call.args.slice(2, 7)).toEqual([
      ['sales', 'sales'],
      ['orders_odd', 'orders_default'],
      ['2023-01-01', '2023-04-01'],
      ['2023-04-01', '2023-07-01'],
      ['orders_p2023q1', 'orders_p2023q2'],
    ]);
    expect(merge.estimatedRows).toBe(950);
    expect(merge.reason).toMatch(/come out of DEFAULT orders_default/);
    const after = simulateSteps(actual, plan.steps);
    expect(after.partitions.some((x) => x.table.name === 'orders_odd')).toBe(false);
    expect(planTable(p, after, NOW).steps).toEqual([]);
  });

  it('does not realign what it cannot place without a DEFAULT, and says why', () => {
    const p = policy([band('-2 years', '-3 months', '3 months')]);
    const actual = table([{ from: '2023-01-15', to: '2023-04-15', name: 'orders_odd', rows: 900 }], { defaultRows: null });
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.some((s) => s.kind === 'merge')).toBe(false);
    expect(plan.warnings.join('\n')).toMatch(/not realigning \[2023-01-01, 2023-07-01\).*no DEFAULT partition/);
    // The split step must not touch the quarters the straddling partition overlaps.
    for (const s of plan.steps) expect(s.call.args[2]).not.toContain('2023-01-01');
  });

  it('refuses to push rows into the DEFAULT under default_partition: forbid', () => {
    const p = policy([band('-2 years', '-3 months', '1 year')], { defaultPartition: 'forbid' });
    // [2022-06-01, 2023-06-01) overlaps the wanted 2023 but also covers half of 2022, outside the band.
    const actual = table([{ from: '2022-06-01', to: '2023-06-01', rows: 1200 }], { defaultRows: 0 });
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.filter((s) => s.kind === 'merge')).toEqual([]);
    expect(plan.blocking).toEqual([
      'default_partition: forbid: realigning [2022-06-01, 2024-01-01) would move ~704 rows of orders_old0 [2022-06-01, 2023-06-01) in ' +
        '[2022-06-01, 2023-01-01) to DEFAULT orders_default, which no wanted period covers; widen a band to cover them, ' +
        'allow the DEFAULT (default_partition: keep), or move the rows yourself',
    ]);
  });

  it('splits a coarse year into the wanted months with one merge', () => {
    const p = policy([band('-2 years', '+1 month', '1 month')]);
    const actual = table([{ from: '2023-01-01', to: '2024-01-01', name: 'orders_p2023', rows: 12_000 }], { defaultRows: 0 });
    const plan = planTable(p, actual, NOW);
    const merge = plan.steps.filter((s) => s.kind === 'merge');
    expect(merge).toHaveLength(1);
    expect(merge[0]!.call.args[3]).toEqual(['orders_p2023']);
    expect(merge[0]!.produces).toHaveLength(12);
    expect((merge[0]!.call.args[6] as string[])[0]).toBe('orders_p2023_01');
    const after = simulateSteps(actual, plan.steps);
    expect(after.partitions.find((x) => x.table.name === 'orders_p2023_06')!.rowEstimate).toBeCloseTo((12_000 * 30) / 365);
    expect(planTable(p, after, NOW).steps).toEqual([]);
  });

  it('drops what retention no longer keeps, oldest first, before anything else', () => {
    const p = policy([band('-6 years', '+1 month', '1 year')], { retention: retention('5 years') });
    const actual = table(
      [
        { from: '2017-01-01', to: '2018-01-01', name: 'orders_p2017', rows: 7 },
        { from: '2018-01-01', to: '2019-01-01', name: 'orders_p2018', rows: 8 },
        { from: '2019-01-01', to: '2020-01-01', name: 'orders_p2019', rows: 9 },
        { from: '2020-01-01', to: '2021-01-01', name: 'orders_p2020' },
      ],
      { defaultRows: 0 },
    );
    const plan = planTable(p, actual, NOW);
    const drops = plan.steps.filter((s) => s.kind === 'drop');
    expect(drops.map((s) => s.call)).toEqual([
      { name: 'gppart.drop_partition', args: ['sales', 'orders', 'sales', 'orders_p2017', '2017-01-01', '2018-01-01'] },
      { name: 'gppart.drop_partition', args: ['sales', 'orders', 'sales', 'orders_p2018', '2018-01-01', '2019-01-01'] },
    ]);
    expect(drops[0]!.reason).toBe('retention drop_after 5 years: [2017-01-01, 2018-01-01) ends before 2019-05-15');
    expect(drops[0]!.destructive).toBe(true);
    expect(drops[1]!.estimatedRows).toBe(8);
    expect(plan.steps[0]!.kind).toBe('drop');
    expect(plan.steps[1]!.kind).toBe('drop');
    // 2019 ends after the cut: kept, and not recreated either.
    expect(plan.steps.slice(2).every((s) => s.kind === 'split')).toBe(true);
  });

  it('moves an exactly matching partition to the tablespace its band wants, after the rewrites', () => {
    const p = policy([band('-1 month', '+1 month', '1 month'), band('-1 year', '-1 month', '1 month', { tablespace: 'warm' })]);
    const parts = [];
    for (let m = 5; m <= 12; m++) parts.push({ from: `2023-${String(m).padStart(2, '0')}-01`, to: m === 12 ? '2024-01-01' : `2023-${String(m + 1).padStart(2, '0')}-01`, name: `orders_p2023_${String(m).padStart(2, '0')}`, rows: 10, tablespace: m < 7 ? 'warm' : null });
    const actual = table(parts, { defaultRows: 0 });
    const plan = planTable(p, actual, NOW);
    const moves = plan.steps.filter((s) => s.kind === 'move');
    expect(moves.map((s) => s.call.args[3])).toEqual(['orders_p2023_07', 'orders_p2023_08', 'orders_p2023_09', 'orders_p2023_10', 'orders_p2023_11', 'orders_p2023_12']);
    expect(moves[0]!.call).toEqual({ name: 'gppart.move_partition', args: ['sales', 'orders', 'sales', 'orders_p2023_07', '2023-07-01', '2023-08-01', 'warm'] });
    expect(moves[0]!.reason).toMatch(/wants \[2023-07-01, 2023-08-01\) in tablespace warm; it is in pg_default/);
    expect(plan.steps.at(-1)!.kind).toBe('move');
    expect(plan.steps.slice(0, plan.steps.length - moves.length).every((s) => s.kind === 'split')).toBe(true);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });

  it('keeps the first max_steps_per_table steps and defers the rest', () => {
    const p = policy([band('-1 year', '+1 month', '1 month', { tablespace: 'warm' })], { maxStepsPerTable: 2, retention: retention('3 years') });
    const actual = table(
      [
        { from: '2020-01-01', to: '2020-02-01' },
        { from: '2020-02-01', to: '2020-03-01' },
        { from: '2020-03-01', to: '2020-04-01' },
        { from: '2024-01-01', to: '2024-02-01', name: 'orders_p2024_01' },
      ],
      { defaultRows: 0 },
    );
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.map((s) => s.kind)).toEqual(['drop', 'drop']);
    expect(plan.deferred).toBe(3); // one more drop, the split, the move
    // Applying batch after batch converges.
    let state = actual;
    for (let i = 0; i < 5; i++) state = simulateSteps(state, planTable(p, state, NOW).steps);
    expect(planTable(p, state, NOW)).toMatchObject({ steps: [], deferred: 0 });
  });

  it('handles weeks', () => {
    const p = policy([band('-2 weeks', '+2 weeks', '1 week')]);
    const actual = table([{ from: '2024-05-06', to: '2024-05-20', name: 'orders_twoweeks', rows: 14 }], { defaultRows: 0 });
    const plan = planTable(p, actual, NOW); // Wednesday
    const merge = plan.steps.find((s) => s.kind === 'merge')!;
    expect(merge.call.args.slice(4, 7)).toEqual([
      ['2024-05-06', '2024-05-13'],
      ['2024-05-13', '2024-05-20'],
      ['orders_p2024w19', 'orders_p2024w20'],
    ]);
    expect(plan.steps.find((s) => s.kind === 'split')!.call.args[4]).toEqual(['orders_p2024w21']);
  });

  it('plans timestamptz keys at local midnight in Europe/Moscow', () => {
    const p = policy([band('-2 months', '+1 month', '1 month')], { timezone: 'Europe/Moscow' });
    // Partitions made at UTC midnight are three hours off the Moscow calendar: realigned.
    const actual = table(
      [
        { from: '2024-03-01 00:00:00+00', to: '2024-04-01 00:00:00+00', name: 'orders_p2024_03', rows: 31 },
        { from: '2024-04-01 00:00:00+00', to: '2024-05-01 00:00:00+00', name: 'orders_p2024_04', rows: 30 },
      ],
      { keyType: 'timestamptz', defaultRows: 0 },
    );
    const plan = planTable(p, actual, NOW);
    const merge = plan.steps.find((s) => s.kind === 'merge')!;
    expect(merge.call.args[4]).toEqual(['2024-03-31 21:00:00+00', '2024-04-30 21:00:00+00']);
    expect(merge.call.args[6]).toEqual(['orders_p2024_04', 'orders_p2024_05']);
    // [2024-02-29 21:00, 2024-03-01 00:00) of March's partition falls outside the wanted months: to the DEFAULT.
    expect(merge.reason).toMatch(/rows in \[2024-03-01 03:00:00\+03, 2024-04-01\)/);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });

  it('plans daily timestamptz partitions across the New York DST change', () => {
    const p = policy([band('-3 days', '+3 days', '1 day')], { timezone: 'America/New_York' });
    const plan = planTable(p, table([], { keyType: 'timestamptz', defaultRows: 0 }), '2024-11-03T12:00:00-05:00');
    const [, , starts, ends] = plan.steps[0]!.call.args as [string, string, string[], string[]];
    expect(starts).toEqual([
      '2024-10-31 04:00:00+00',
      '2024-11-01 04:00:00+00',
      '2024-11-02 04:00:00+00',
      '2024-11-03 04:00:00+00',
      '2024-11-04 05:00:00+00',
      '2024-11-05 05:00:00+00',
    ]);
    expect(ends[3]).toBe('2024-11-04 05:00:00+00'); // the 25-hour day
  });

  it('creates the DEFAULT default_partition: ensure asks for, first, and warns where forbid finds rows', () => {
    const ensure = planTable(policy([band('-1 month', '+1 month', '1 month')], { defaultPartition: 'ensure' }), table([], { defaultRows: null }), NOW);
    expect(ensure.steps[0]!.call).toEqual({ name: 'gppart.create_default', args: ['sales', 'orders', 'orders_default', null] });
    expect(ensure.steps[0]!.produces).toEqual([{ name: 'orders_default', schema: 'sales', isDefault: true, tablespace: null }]);
    // The partitions split after it read the new DEFAULT (empty), and a re-plan is empty.
    expect(ensure.steps.slice(1).every((s) => s.kind === 'split' && s.reads[0]?.name === 'orders_default')).toBe(true);
    const after = simulateSteps(table([], { defaultRows: null }), ensure.steps);
    expect(planTable(policy([band('-1 month', '+1 month', '1 month')], { defaultPartition: 'ensure' }), after, NOW).steps).toEqual([]);
    const forbid = planTable(policy([band('-1 month', '+1 month', '1 month')], { defaultPartition: 'forbid' }), table([], { defaultRows: 42 }), NOW);
    expect(forbid.warnings).toContain('default_partition: forbid: DEFAULT partition orders_default holds ~42 rows');
  });

  it('leaves partitions outside every band alone', () => {
    const p = policy([band('-1 month', '+1 month', '1 month')]);
    const actual = table([{ from: '2010-01-01', to: '2011-01-01', rows: 5 }, { from: '2030-01-01', to: 'MAXVALUE', rows: 0 }], { defaultRows: null });
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.map((s) => s.kind)).toEqual(['split']);
    expect(plan.warnings).toEqual([]);
    expect(plan.layoutBefore[1]).toMatchObject({ from: '2030-01-01', to: 'MAXVALUE' });
  });

  it('fingerprints structure, not row counts', () => {
    const a = table([{ from: '2024-01-01', to: '2024-02-01', rows: 1 }]);
    const b = table([{ from: '2024-01-01', to: '2024-02-01', rows: 999 }]);
    const c = table([{ from: '2024-01-01', to: '2024-02-01', rows: 1, tablespace: 'warm' }]);
    expect(fingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).not.toBe(fingerprint(c));
  });

  it('does not reuse the name of a partition that stays', () => {
    const p = policy([band('-1 month', '+1 month', '1 month')]);
    // A partition that happens to carry the name the new May partition would get.
    const actual = table([{ from: '2020-01-01', to: '2020-02-01', name: 'orders_p2024_05' }], { defaultRows: 0 });
    const names = planTable(p, actual, NOW).steps[0]!.call.args[4];
    expect(names).toEqual(['orders_p2024_05_2']);
  });
});

describe('planTable at scale', () => {
  // Speed is measured in `npm run bench`, never asserted here (shared, noisy machines).
  it('plans ten years of daily partitions into one that re-plans empty', () => {
    const p = policy([band('-3 months', '+1 month', '1 day'), band('-10 years', '-3 months', '1 month', { tablespace: 'warm' })]);
    const parts = [];
    const start = Date.UTC(2014, 0, 1);
    for (let d = 0; d < 3650; d++) {
      const iso = (k: number): string => new Date(k).toISOString().slice(0, 10);
      parts.push({ from: iso(start + d * 86_400_000), to: iso(start + (d + 1) * 86_400_000), name: `orders_d${d}`, rows: 1000 });
    }
    const actual = table(parts, { defaultRows: 0 });
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.filter((s) => s.kind === 'merge').length).toBeGreaterThan(100);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });
});
