// The layout diff a reviewer approves: every changed partition shown, next to what replaces it,
// with estimated rows for what a split creates and for what stays in the DEFAULT; only runs of
// unchanged partitions folded, with their count; columns aligned across before and after.
import { describe, expect, it } from 'vitest';
import { planTable } from '../../../src/plan/diff.js';
import { layoutDiff, layoutDiffLines } from '../../../src/render/layout-diff.js';
import { boundFormat } from '../../../src/render/text.js';
import type { ActualTable, TablePlan } from '../../../src/plan/model.js';
import { band, policy, table } from '../plan/fixtures.js';

const NOW = '2024-05-15';

function lines(plan: TablePlan, foldAbove = 3): string[] {
  const f = boundFormat(plan);
  return layoutDiffLines(layoutDiff(plan.layoutBefore, plan.layoutAfter, f, { rows: true }), f, { rows: true }, foldAbove).map((l) => `${l.op} ${l.text}`);
}

/** A DEFAULT holding `rows` rows spread evenly over [from, to), with statistics saying so. */
function withDefaultStats(t: ActualTable, rows: number, from: string, to: string): ActualTable {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  const histogram = Array.from({ length: 101 }, (_, i) => a + ((b - a) * i) / 100);
  return { ...t, defaultPartition: { ...t.defaultPartition!, rowEstimate: rows, bytes: rows * 100, keyStats: { nullFrac: 0, mcv: [], mcvFreq: [], histogram } } };
}

describe('layout diff', () => {
  it('a split out of the DEFAULT: new partitions carry their estimated rows, the DEFAULT keeps only the rest', () => {
    const p = policy([band('-3 months', '+1 month', '1 month')]);
    // 900 rows evenly over 2024-01-01 .. 2024-07-01 (182 days); the band wants March, April and May.
    const actual = withDefaultStats(table([], { defaultRows: 900 }), 900, '2024-01-01', '2024-07-01');
    const plan = planTable(p, actual, NOW);
    expect(plan.steps.map((s) => s.kind)).toEqual(['split']);
    const out = lines(plan, Infinity);
    expect(out[0]).toMatch(/^\+ orders_p2024_03 +\[2024-03-01, 2024-04-01\) +pg_default +~153 rows \(new\)$/);
    expect(out).toContainEqual(expect.stringMatching(/^- orders_default +DEFAULT +pg_default +~900 rows$/));
    const rest = out.find((l) => l.startsWith('+ orders_default'))!;
    const moved = plan.steps[0]!.estimatedRows;
    expect(Number(/~([\d,]+) rows/.exec(rest)![1]!.replace(/,/g, ''))).toBe(900 - moved);
    expect(out.join('\n')).not.toMatch(/\bnew$/m);
  });

  it('without key statistics the rows that move are unknown, not all and not none', () => {
    const plan = planTable(policy([band('-1 month', '+1 month', '1 month')]), table([], { defaultRows: 500 }), NOW);
    const out = lines(plan);
    expect(out[0]).toMatch(/rows unknown \(new\)$/);
    expect(out.at(-1)).toMatch(/^\+ orders_default .* rows unknown$/);
  });

  it("keeps a merge's sources next to what replaces them, in key order, and aligns every column across before and after", () => {
    const p = policy([band('-2 years', '+1 month', '3 months')]);
    const parts = [
      { from: '2023-07-01', to: '2023-10-01', name: 'orders_q3', rows: 30 },
      { from: '2023-10-01', to: '2023-11-01', name: 'orders_2023_10', rows: 10 },
      { from: '2023-11-01', to: '2023-12-01', name: 'orders_2023_11', rows: 10 },
      { from: '2023-12-01', to: '2024-01-01', name: 'orders_2023_12', rows: 10 },
      { from: '2024-01-01', to: '2024-04-01', name: 'orders_q1', rows: 30 },
    ];
    const plan = planTable(p, table(parts, { defaultRows: 0 }), NOW);
    const out = lines(plan, Infinity);
    const at = (prefix: string) => out.findIndex((l) => l.startsWith(prefix));
    expect(at('- orders_2023_10')).toBe(at('  orders_q3') + 1);
    expect(out.slice(at('- orders_2023_10'), at('- orders_2023_10') + 4)).toEqual([
      expect.stringMatching(/^- orders_2023_10 /),
      expect.stringMatching(/^- orders_2023_11 /),
      expect.stringMatching(/^- orders_2023_12 /),
      expect.stringMatching(/^\+ orders_p2023q4 .*~30 rows \(new\)$/),
    ]);
    expect(out[at('- orders_2023_12') + 2]).toMatch(/^ {2}orders_q1 /);
    // One column grid: every bound and every tablespace starts at the same position.
    const starts = (re: RegExp) => new Set(out.filter((l) => !l.includes('…')).map((l) => l.search(re)));
    expect(starts(/\[|DEFAULT/).size).toBe(1);
    expect(starts(/pg_default/).size).toBe(1);
  });

  it('folds only runs of unchanged partitions, with their count; every changed partition is shown', () => {
    const p = policy([band('-1 year', '+1 month', '1 day')]);
    const days = Array.from({ length: 200 }, (_, i) => {
      const d = new Date(Date.UTC(2023, 9, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const e = new Date(Date.UTC(2023, 9, 1) + (i + 1) * 86_400_000).toISOString().slice(0, 10);
      return { from: d, to: e, name: `d_${d}`, rows: 1 };
    });
    const plan = planTable(p, table(days, { defaultRows: 0 }), NOW);
    const out = lines(plan);
    const added = plan.layoutAfter.filter((e) => e.isNew).length;
    expect(added).toBeGreaterThan(40);
    expect(out.filter((l) => l.startsWith('+ '))).toHaveLength(added);
    expect(out.filter((l) => l.startsWith('  …'))).toEqual(['  … 200 unchanged partitions in [2023-10-01, 2024-04-18)']);
    expect(out.join('\n')).not.toMatch(/more layout line/);
  });
});
