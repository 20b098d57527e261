import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
// Ink colours through chalk, which turns itself off when the test's stdout is not a terminal.
import chalk from 'chalk';
import { PlanView } from '../../../src/render/ink/PlanView.js';
import { ApplyView, initialApplyState, type ApplyViewState } from '../../../src/render/ink/ApplyView.js';
import type { Plan } from '../../../src/plan/model.js';
import { samplePlan } from './sample-plan.js';

const strip = (s: string | undefined) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');
/** Wrapped lines joined back: a hanging continuation starts with spaces. */
const flat = (s: string) => s.replace(/\n {2,}/g, ' ');

describe('PlanView', () => {
  const plan = samplePlan();

  it('shows each table, its steps with symbol and kind, rows and bytes, the layout diff and the summary line', () => {
    const { lastFrame, unmount } = render(<PlanView plan={plan} />);
    const frame = strip(lastFrame());
    unmount();
    expect(frame).toContain('sales.orders');
    expect(frame).toMatch(/1\. - drop +drop orders_p2020 \[2020-01-01, 2021-01-01\)/);
    expect(frame).toMatch(/2\. \+ split +split orders_default \(DEFAULT\) → 10 partition\(s\)/);
    expect(frame).toMatch(/3\. ~ merge +merge orders_p202301/);
    expect(frame).toContain('deletes ~3 rows, ~300 B  DESTRUCTIVE');
    expect(frame).toContain('moves ~9 rows, ~900 B');
    expect(frame).toContain('layout before → after (partition, range, tablespace, estimated rows):');
    expect(frame).toMatch(/^ *- orders_p2020 +\[2020-01-01, 2021-01-01\)/m);
    expect(frame).toMatch(/^ *\+ orders_p2023q1 +\[2023-01-01, 2023-04-01\)/m);
    expect(frame).toMatch(/^ {2}- orders_default +DEFAULT .*~100 rows$/m);
    expect(frame.trim().split('\n').at(-1)).toBe('Plan: 1 to split, 1 to merge, 0 to move, 0 to unload, 1 to drop.');
  });

  it('colours each kind (drop red, split green) when rendered for a terminal', () => {
    const level = chalk.level;
    chalk.level = 1;
    const { lastFrame, unmount } = render(<PlanView plan={plan} />);
    const raw = lastFrame() ?? '';
    unmount();
    chalk.level = level;
    expect(raw).toMatch(/\u001b\[31m[^\n]*- drop/);
    expect(raw).toMatch(/\u001b\[32m[^\n]*\+ split/);
  });

  it('hides nothing a reviewer approves: all 45 steps of a long plan and every changed partition', () => {
    const t = plan.tables[0]!;
    const long: Plan = { ...plan, tables: [{ ...t, steps: Array.from({ length: 45 }, (_, i) => t.steps[i % t.steps.length]!) }] };
    const { lastFrame, unmount } = render(<PlanView plan={long} />);
    const frame = strip(lastFrame());
    unmount();
    for (let n = 1; n <= 45; n++) expect(frame).toMatch(new RegExp(`^ +${n}\\. `, 'm'));
    expect(frame).not.toMatch(/more step\(s\)|more layout line/);
    for (const e of t.layoutAfter.filter((x) => x.isNew)) expect(frame).toContain(`+ ${e.name}`);
  });

  it('wraps a long headline under itself, not back at the left margin', () => {
    const { lastFrame, unmount } = render(<PlanView plan={plan} />);
    const frame = strip(lastFrame());
    unmount();
    // ink-testing-library renders 100 columns: the split's headline needs more than one line.
    const lines = frame.split('\n');
    const i = lines.findIndex((l) => / 2\. \+ split /.test(l));
    const textStart = lines[i]!.indexOf('split orders_default');
    expect(lines[i + 1]!.search(/\S/)).toBe(textStart);
  });
});

describe('ApplyView', () => {
  it('shows a spinner and elapsed time for the running step, finished steps with rows, a progress bar and the final summary', () => {
    const plan = samplePlan();
    let state: ApplyViewState = initialApplyState(plan);
    const clock = () => 10_000;
    const { lastFrame, rerender, unmount } = render(<ApplyView state={state} clock={clock} />);
    expect(strip(lastFrame())).toContain('0/3 step(s) done');

    state = { ...state, applyId: 7 };
    state.steps = state.steps.map((s, i) => (i === 0 ? { ...s, status: 'running', startedAt: 7_500 } : s));
    rerender(<ApplyView state={state} clock={clock} />);
    let frame = strip(lastFrame());
    expect(frame).toContain('apply 7: 3 step(s)');
    expect(frame).toMatch(/⠋ \[1\/3\] - drop +sales\.orders: drop orders_p2020 /);
    expect(frame).toMatch(/running 2\.5 s/);
    expect(frame).toMatch(/░{30} 0\/3 step\(s\) done/);

    state.steps = state.steps.map((s, i) =>
      i === 0
        ? { ...s, status: 'done', ms: 1234, rows: 3 }
        : i === 1
          ? { ...s, status: 'failed', ms: 50, error: 'lock timeout' }
          : { ...s, status: 'skipped', error: 'step 2 of sales.orders failed; later steps of a table assume the earlier ones happened' },
    );
    state.final = { status: 'partial', lines: ['Apply 7 partial: 1 step(s) done, 1 failed, 1 skipped; 0 rows moved, 3 deleted.'] };
    rerender(<ApplyView state={state} clock={clock} />);
    frame = strip(lastFrame());
    unmount();
    expect(frame).toMatch(/✔ \[1\/3\] - drop +sales\.orders: drop orders_p2020/);
    expect(frame).toContain('1.2 s, 3 rows deleted');
    expect(frame).toMatch(/✘ \[2\/3\] \+ split +sales\.orders: /);
    expect(frame).toContain('FAILED (rolled back): lock timeout');
    expect(frame).toMatch(/- \[3\/3\] ~ merge +sales\.orders: /);
    expect(flat(frame)).toContain('skipped: step 2 of sales.orders failed; later steps of a table assume the earlier ones happened');
    // The failed and the skipped step are not progress.
    expect(frame).toMatch(/█{30} 1\/3 step\(s\) done, 1 failed, 1 skipped/);
    expect(frame).toContain('Apply 7 partial: 1 step(s) done, 1 failed, 1 skipped; 0 rows moved, 3 deleted.');
    expect(frame).not.toMatch(/[⠋⠙⠹]/);
  });

  it('says who holds the lock a running step waits for', () => {
    const plan = samplePlan();
    const state: ApplyViewState = { ...initialApplyState(plan), applyId: 8 };
    state.steps = state.steps.map((s, i) =>
      i === 0 ? { ...s, status: 'running', startedAt: 1_000, lockWait: { since: 4_000, holders: 'pid 4242 (psql, user bob, idle in transaction)' } } : s,
    );
    const { lastFrame, unmount } = render(<ApplyView state={state} clock={() => 10_000} />);
    const frame = strip(lastFrame());
    unmount();
    expect(flat(frame)).toContain('running 9.0 s; waiting 6.0 s for a lock held by pid 4242 (psql, user bob, idle in transaction)');
  });

  it('uses the whole width of a wide terminal: nothing is cut at 80 columns', () => {
    const plan = samplePlan();
    const state: ApplyViewState = { ...initialApplyState(plan), applyId: 9 };
    state.steps = state.steps.map((s, i) => (i === 1 ? { ...s, status: 'done', ms: 10, rows: 100 } : s));
    const wide = render(<ApplyView state={state} clock={() => 0} columns={160} />);
    const frame = strip(wide.lastFrame());
    wide.unmount();
    const headline = state.steps[1]!.headline;
    expect(headline.length).toBeGreaterThan(80);
    expect(flat(frame)).toContain(headline);
    expect(frame).not.toContain('…\n');
  });
});
