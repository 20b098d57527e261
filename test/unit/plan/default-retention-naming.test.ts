// DEFAULT leftovers (issue 10 #1), retention mode detach, naming patterns (issue 10 #11), names
// taken by other relations (issue 11 #3) and Greenplum 6 partition names (issue 8 #4).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GREENPLUM6_NAMING } from '../../../src/catalog/greenplum6.js';
import { planTable } from '../../../src/plan/diff.js';
import { literalToKey } from '../../../src/plan/keys.js';
import type { ActualTable, KeyStats } from '../../../src/plan/model.js';
import { simulateSteps } from '../../../src/plan/simulate.js';
import { parseNaming } from '../../../src/policy/naming.js';
import { parsePolicyText } from '../../../src/policy/load.js';
import { band, policy, retention, table } from './fixtures.js';

const NOW = '2024-05-15';
const d = (s: string): number => literalToKey('date', s);

/** A DEFAULT whose key statistics say: 30% of its rows in 2020, 20% in 2023-02, the rest in 2030. */
function withDefaultStats(t: ActualTable, rows: number): ActualTable {
  const keyStats: KeyStats = { nullFrac: 0, mcv: [d('2020-06-01'), d('2023-02-10')], mcvFreq: [0.3, 0.2], histogram: [d('2030-01-01'), d('2030-06-01')] };
  return { ...t, defaultPartition: { ...t.defaultPartition!, rowEstimate: rows, keyStats } };
}

describe('DEFAULT rows the policy does not keep there', () => {
  const p = policy([band('-2 years', '+1 month', '1 year')], { retention: retention('3 years') });

  it('warns, with a count from the key statistics, about rows older than retention', () => {
    const plan = planTable(p, withDefaultStats(table([{ from: '2023-01-01', to: '2024-01-01', name: 'orders_p2023' }, { from: '2024-01-01', to: '2025-01-01', name: 'orders_p2024' }]), 1000), NOW);
    expect(plan.steps).toEqual([]);
    expect(plan.warnings).toEqual([
      'DEFAULT partition orders_default holds ~300 rows older than retention drop_after 3 years (before 2021-05-15); ' +
        'retention does not remove them (default_partition: { expired_rows: purge } would)',
    ]);
  });

  it('says "up to" all rows when the DEFAULT has no statistics', () => {
    const plan = planTable(p, table([{ from: '2023-01-01', to: '2025-01-01', name: 'orders_x' }], { defaultRows: 40 }), NOW);
    expect(plan.warnings.join('\n')).toMatch(/holds up to ~40 rows \(no key statistics: ANALYZE it for a count\) older than retention/);
  });

  it('purges them in a destructive step when expired_rows says purge, and the re-plan is quiet', () => {
    const purge = { ...p, defaultExpiredRows: 'purge' as const };
    const actual = withDefaultStats(table([{ from: '2023-01-01', to: '2024-01-01', name: 'orders_p2023' }, { from: '2024-01-01', to: '2025-01-01', name: 'orders_p2024' }]), 1000);
    const plan = planTable(purge, actual, NOW);
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]).toMatchObject({
      kind: 'purge',
      destructive: true,
      estimatedRows: 300,
      call: { name: 'gppart.purge_default', args: ['sales', 'orders', 'sales', 'orders_default', '2021-05-15'] },
    });
    expect(plan.warnings).toEqual([]);
    const after = simulateSteps(actual, plan.steps);
    expect(after.defaultPartition!.rowEstimate).toBe(700);
  });

  it('names rows a band wants in partitions that the plan leaves in the DEFAULT, and rows older than archive.after', () => {
    // max_steps_per_table defers the split; the DEFAULT's 2023-02 rows stay where no partition is.
    const archived = policy([band('-2 years', '+1 month', '1 month')], {
      maxStepsPerTable: 0,
      archive: { after: { years: 3 }, afterText: '3 years', s3: { server: 's', bucket: 'b', format: 'parquet' } },
    });
    const actual = withDefaultStats(table([], { defaultRows: 1 }), 1000);
    const refused = { ...actual, referencedBy: ['fk on sales.lines'] };
    const plan = planTable(archived, refused, NOW);
    expect(plan.warnings).toContain(
      'DEFAULT partition orders_default keeps ~200 rows in [2022-06-01, 2024-06-01), which the layout wants in partitions, and this plan does not move them there',
    );
    expect(plan.warnings).toContain(
      'DEFAULT partition orders_default holds ~300 rows older than archive.after 3 years (before 2021-05-15); rows in the DEFAULT are never archived',
    );
  });
});

describe('retention mode detach', () => {
  it('detaches instead of dropping, keeps the name taken, and moves it to the schema asked for', () => {
    const p = policy([band('-1 year', '+1 month', '1 year')], { retention: { ...retention('2 years')!, mode: 'detach', detachSchema: 'old' } });
    const actual = table([{ from: '2020-01-01', to: '2021-01-01', name: 'orders_p2020', rows: 5 }, { from: '2024-01-01', to: '2025-01-01', name: 'orders_p2024' }]);
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.map((s) => [s.kind, s.destructive, s.call])).toEqual([
      ['detach', true, { name: 'gppart.detach_partition', args: ['sales', 'orders', 'sales', 'orders_p2020', '2020-01-01', '2021-01-01', 'old'] }],
    ]);
    expect(plan.steps[0]!.produces).toEqual([{ name: 'orders_p2020', schema: 'old', isDefault: false, from: '2020-01-01', to: '2021-01-01', tablespace: null }]);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });

  it('a table detached in place keeps its name from new partitions', () => {
    const p = policy([band('-1 month', '+1 month', '1 month')], { retention: { ...retention('2 years')!, mode: 'detach' } });
    // The expired partition carries the name the new May partition would get.
    const actual = table([{ from: '2020-01-01', to: '2020-02-01', name: 'orders_p2024_05' }]);
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.map((s) => s.kind)).toEqual(['detach', 'split']);
    expect(plan.steps[1]!.call.args[4]).toEqual(['orders_p2024_05_2']);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });
});

describe('names taken by relations that are not partitions', () => {
  it('never proposes the name of a plain table in the schema', () => {
    const p = policy([band('-1 month', '+1 month', '1 month')]);
    const actual = { ...table([]), takenNames: ['orders_p2024_05', 'orders_p2024_05_2'] };
    const plan = planTable(p, actual, NOW);
    expect(plan.steps[0]!.call.args[4]).toEqual(['orders_p2024_05_3']);
    expect(planTable(p, simulateSteps(actual, plan.steps), NOW).steps).toEqual([]);
  });

  it('never proposes a taken name, whichever names are taken, in either dialect', () => {
    const p = policy([band('-3 months', '+2 months', '1 month'), band('-1 year', '-3 months', '3 months')], { defaultPartition: 'ensure' });
    const plain = planTable(p, table([], { defaultRows: null }), NOW);
    const wanted = plain.steps.flatMap((s) => s.produces.map((r) => r.name));
    const candidates = [...wanted, ...wanted.map((n) => `${n}_2`), ...wanted.map((n) => n.replace('orders_', 'orders_1_prt_')), 'orders_1_prt_default'];
    fc.assert(
      fc.property(fc.subarray(candidates), fc.boolean(), (taken, gp6) => {
        const actual = { ...table([], { defaultRows: null }), takenNames: taken };
        const naming = gp6 ? GREENPLUM6_NAMING : undefined;
        const plan = planTable(p, actual, NOW, naming);
        for (const s of plan.steps) for (const r of s.produces) expect(taken).not.toContain(r.name);
        expect(planTable(p, simulateSteps(actual, plan.steps, naming), NOW, naming).steps).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('the simulator refuses a step that takes one, as the server would', () => {
    const p = policy([band('-1 month', '+1 month', '1 month')]);
    const plan = planTable(p, table([]), NOW);
    expect(() => simulateSteps({ ...table([]), takenNames: ['orders_p2024_05'] }, plan.steps)).toThrow(/name orders_p2024_05 is taken/);
  });
});

describe('naming patterns', () => {
  const pattern = (text: string) => {
    const r = parseNaming(text);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };

  it('follow the table convention for new partitions and leave existing names alone', () => {
    const p = policy([band('-3 months', '+1 month', '1 month'), band('-2 years', '-3 months', '3 months')], { naming: pattern('{table}_{yyyy}_{mm}') });
    const actual = table([{ from: '2024-03-01', to: '2024-04-01', name: 'orders_2024_03' }, { from: '2024-04-01', to: '2024-05-01', name: 'orders_april' }]);
    const plan = planTable(p, actual, NOW);
    const names = plan.steps.flatMap((s) => s.call.args[4] as string[]);
    expect(names).toEqual(['orders_2022_07', 'orders_2022_10', 'orders_2023_01', 'orders_2023_04', 'orders_2023_07', 'orders_2023_10', 'orders_2024_01', 'orders_2024_02', 'orders_2024_05']);
    expect(plan.steps.every((s) => s.kind === 'split')).toBe(true);
  });

  it('render every token', () => {
    const quarters = policy([band('-1 year', '0', '3 months')], { naming: pattern('{table}_y{yyyy}q{q}') });
    expect(planTable(quarters, table([]), NOW).steps[0]!.call.args[4]).toEqual(['orders_y2023q3', 'orders_y2023q4', 'orders_y2024q1']);
    const weeks = policy([band('-2 weeks', '0', '1 week')], { naming: pattern('{table}_{iyyy}_w{ww}') });
    expect(planTable(weeks, table([]), NOW).steps[0]!.call.args[4]).toEqual(['orders_2024_w19']);
    const halves = policy([band('-2 years', '0', '6 months')], { naming: pattern('{table}{yyyy}h{h}') });
    expect(planTable(halves, table([]), NOW).steps[0]!.call.args[4]).toEqual(['orders2022h2', 'orders2023h1', 'orders2023h2']);
    const days = policy([band('-2 days', '0', '1 day')], { naming: pattern('{table}_{yyyy}{mm}{dd}') });
    expect(planTable(days, table([]), NOW).steps[0]!.call.args[4]).toEqual(['orders_20240513', 'orders_20240514']);
  });

  it('are checked when the policy is read', () => {
    const text = (naming: string) =>
      `version: 1\ntables:\n  - table: sales.orders\n    naming: "${naming}"\n    layout:\n      - { from: -1 year, to: +1 month, every: 1 month }\n`;
    const issue = (naming: string): string => {
      try {
        parsePolicyText(text(naming), 'p.yaml');
        return 'ok';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(issue('{table}_{yyyy}_{mm}')).toBe('ok');
    expect(issue('{yyyy}_{mm}')).toBe('p.yaml:4:13 tables[0].naming: "{yyyy}_{mm}" must start with {table} (e.g. "{table}_{yyyy}_{mm}")');
    expect(issue('{table}_{yyyy}')).toBe(
      'p.yaml:4:13 tables[0].naming: "{table}_{yyyy}" cannot tell the periods of layout[0] (every 1 month) apart; it needs {yyyy} and {mm}, or {period}',
    );
    expect(issue('{table}_{month}')).toMatch(/"\{month\}" is not a naming token; use \{table\}, \{period\}/);
  });
});

describe('Greenplum 6 partition names', () => {
  const gp6 = (t: ActualTable, now = NOW) => planTable(policy([band('-1 month', '+1 month', '1 month')]), t, now, GREENPLUM6_NAMING);

  it('leave the table name out of the partition name; the plan shows the child table Greenplum makes', () => {
    const plan = gp6(table([]));
    expect(plan.steps[0]!.call.args[4]).toEqual(['p2024_05']);
    expect(plan.steps[0]!.produces.map((r) => r.name)).toEqual(['orders_1_prt_p2024_05']);
  });

  it('fit 63 bytes for long and multibyte table names, cutting whole characters of the table name', () => {
    for (const name of ['t'.repeat(23), 't'.repeat(40), 't'.repeat(60), 'ш'.repeat(30)]) {
      const plan = gp6({ ...table([], { name }), table: { schema: 'sales', name } });
      for (const r of plan.steps[0]!.produces) {
        expect(Buffer.byteLength(r.name)).toBeLessThanOrEqual(63);
        expect(r.name).toMatch(/_1_prt_p2024_05$/);
        expect(r.name.startsWith(Array.from(name).slice(0, 10).join(''))).toBe(true);
      }
    }
    expect(GREENPLUM6_NAMING.relation('ш'.repeat(30), 'p2024_06')).toBe(`${'ш'.repeat(24)}_1_prt_p2024_06`);
    expect(GREENPLUM6_NAMING.argument('t', `_${'x'.repeat(56)}`)).toBeNull();
  });

  it('avoid partition names and child tables that exist', () => {
    const actual: ActualTable = {
      ...table([{ from: '2020-01-01', to: '2020-02-01', name: 'orders_1_prt_2' }]),
      takenNames: ['orders_1_prt_p2024_05_2'],
    };
    actual.partitions[0]!.partitionName = 'p2024_05';
    const plan = gp6(actual);
    expect(plan.steps[0]!.call.args[4]).toEqual(['p2024_05_3']);
    expect(simulateSteps(actual, plan.steps, GREENPLUM6_NAMING).partitions.map((p) => p.table.name)).toEqual(['orders_1_prt_2', 'orders_1_prt_p2024_05_3']);
  });

  it('name the DEFAULT that ensure creates "default"', () => {
    const plan = planTable(policy([band('-1 month', '+1 month', '1 month')], { defaultPartition: 'ensure' }), table([], { defaultRows: null }), NOW, GREENPLUM6_NAMING);
    expect(plan.steps[0]!.call).toEqual({ name: 'gppart.create_default', args: ['sales', 'orders', 'default', null] });
    expect(plan.steps[0]!.produces[0]!.name).toBe('orders_1_prt_default');
  });
});

describe('policy keys for the DEFAULT and retention', () => {
  const load = (table: string, defaults = ''): string => {
    try {
      const p = parsePolicyText(`version: 1\n${defaults}tables:\n  - table: sales.orders\n${table}`, 'p.yaml');
      const t = p.tables[0]!;
      return JSON.stringify({ mode: t.defaultPartition, expired: t.defaultExpiredRows ?? 'warn', retention: t.retention });
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('reads default_partition as a mode or as a map, inheriting what a table leaves out', () => {
    expect(load('    default_partition: ensure\n')).toBe('{"mode":"ensure","expired":"warn","retention":null}');
    expect(load('    default_partition: { expired_rows: purge }\n', 'defaults:\n  default_partition: forbid\n')).toBe('{"mode":"forbid","expired":"purge","retention":null}');
    expect(load('    default_partition: keep\n', 'defaults:\n  default_partition: { mode: ensure, expired_rows: purge }\n')).toBe('{"mode":"keep","expired":"purge","retention":null}');
    expect(load('    default_partition: { expired_rows: delete }\n')).toBe('p.yaml:4:40 tables[0].default_partition.expired_rows: "delete" is not one of warn, purge');
    expect(load('    default_partition: { mode: keep, purge: true }\n')).toBe('p.yaml:4:38 tables[0].default_partition.purge: unknown key "purge"; expected one of: mode, expired_rows');
    expect(load('    default_partition: kep\n')).toBe('p.yaml:4:24 tables[0].default_partition: "kep" is not one of keep, ensure, forbid; did you mean "keep"?');
  });

  it('reads retention mode detach and its schema, and refuses a schema without detach', () => {
    expect(load('    retention: { drop_after: 2 years, mode: detach, schema: attic }\n')).toBe(
      '{"mode":"keep","expired":"warn","retention":{"dropAfter":{"years":2},"dropAfterText":"2 years","mode":"detach","detachSchema":"attic"}}',
    );
    expect(load('    retention: { drop_after: 2 years, schema: attic }\n')).toBe(
      'p.yaml:4:47 tables[0].retention.schema: only a detached partition moves to another schema; add mode: detach, or remove schema',
    );
    expect(load('    retention: { drop_after: 2 years, mode: archive }\n')).toMatch(/retention\.mode: "archive" is not one of drop, detach/);
  });
});

describe('plan-file checks accept the new steps and refuse them where the policy does not ask for them', () => {
  it('purge, detach and Greenplum 6 partition names pass; a purge under expired_rows: warn does not', async () => {
    const { checkPlanSteps } = await import('../../../src/workflow/planfile.js');
    const { buildPlan } = await import('../../../src/plan/plan.js');
    const tp = policy([band('-1 month', '+1 month', '1 month')], {
      retention: { ...retention('2 years')!, mode: 'detach', detachSchema: 'attic' },
      defaultExpiredRows: 'purge',
      defaultPartition: 'keep',
    });
    const actual = withDefaultStats(table([{ from: '2020-01-01', to: '2021-01-01', name: 'orders_p2020' }]), 1000);
    const p = { version: 1 as const, file: 'p.yaml', hash: 'h', tables: [tp] };
    const plan = buildPlan({
      policy: p,
      actual: new Map([['sales.orders', actual]]),
      server: { dialect: 'greenplum6', version: 'Greenplum Database 6.24.3', database: 'd', identity: 'h/d' },
      now: NOW,
      toolVersion: '0.1.0',
      naming: GREENPLUM6_NAMING,
    });
    expect(plan.tables[0]!.steps.map((s) => s.kind)).toEqual(['detach', 'purge', 'split']);
    expect(plan.summary).toEqual({ split: 1, merge: 0, move: 0, unload: 0, drop: 0, purge: 1, detach: 1 });
    expect(plan.tables[0]!.steps[2]!.produces[0]).toMatchObject({ name: 'orders_1_prt_p2024_05', partitionName: 'p2024_05' });
    expect(() => checkPlanSteps('plan.json', plan, p)).not.toThrow();
    const warnOnly = { ...p, tables: [{ ...tp, defaultExpiredRows: undefined }] };
    expect(() => checkPlanSteps('plan.json', plan, warnOnly)).toThrow(/step 2 \(purge\): its embedded policy does not purge the DEFAULT/);
    const dropping = { ...p, tables: [{ ...tp, retention: retention('2 years') }] };
    expect(() => checkPlanSteps('plan.json', plan, dropping)).toThrow(/step 1 \(detach\): its embedded policy's retention mode is drop, not detach/);
  });
});
