// What `gppart apply` refuses before it connects, and the notes it prints after the steps: the
// stages the command delegates to (src/workflow/apply-run.ts, src/render/apply-summary.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyBudget, readApplyInput, type ApplyRequest } from '../../../src/workflow/apply-run.js';
import { applyNotes, confirmationQuestion, otherDayNote } from '../../../src/render/apply-summary.js';
import type { Plan } from '../../../src/plan/model.js';
import { samplePlan } from '../render/sample-plan.js';

const dir = mkdtempSync(join(tmpdir(), 'gppart-apply-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const policyFile = join(dir, 'gppart.yaml');
writeFileSync(policyFile, 'version: 1\ntables:\n  - table: public.events\n    layout:\n      - { from: -3 months, to: 0 days, every: 1 month }\n');

const request = (over: Partial<ApplyRequest>): ApplyRequest => ({ autoApprove: false, allowDestroy: false, allowNowOverride: false, config: policyFile, ...over });
const today = new Date().toISOString().slice(0, 10);

describe('readApplyInput', () => {
  it('refuses a PLANFILE combined with what the plan already fixes, naming the flags', () => {
    expect(() => readApplyInput(request({ planfile: join(dir, 'plan.json'), now: '2026-01-01' }))).toThrow(
      /^-c, --now cannot be combined with a PLANFILE: the plan already fixes its policy, tables and now$/,
    );
  });

  it('refuses, under --auto-approve, a --now that is not today unless --allow-now-override', () => {
    expect(() => readApplyInput(request({ now: '2020-01-01', autoApprove: true }))).toThrow(/this apply is for now 2020-01-01, not today .*--allow-now-override/);
    const input = readApplyInput(request({ now: '2020-01-01', autoApprove: true, allowNowOverride: true }));
    expect(input).toMatchObject({ now: '2020-01-01', needsOverride: true, file: null, policyText: { file: policyFile } });
    expect(input.policy.tables.map((t) => `${t.table.schema}.${t.table.name}`)).toEqual(['public.events']);
  });

  it('takes today without any override', () => {
    expect(readApplyInput(request({ now: today, autoApprove: true })).needsOverride).toBe(false);
  });
});

describe('applyBudget', () => {
  it('reads --max-steps and --max-duration, and names a bad duration', () => {
    expect(applyBudget(3, '1h30m')).toEqual({ maxSteps: 3, maxDurationMs: 90 * 60_000 });
    expect(applyBudget(undefined, undefined)).toEqual({});
    expect(() => applyBudget(undefined, 'soon')).toThrow(/^--max-duration /);
  });
});

describe('after the steps', () => {
  const pending = samplePlan();
  pending.tables[0]!.deferred = 2;
  const empty: Plan = { ...pending, tables: pending.tables.map((t) => ({ ...t, steps: [], deferred: 0 })) };
  const outcome = (status: 'done' | 'deferred') => ({ table: 'public.events', kind: 'merge' as const, status, rows: 1, ms: 1 });

  it('says the limit that stopped the run, the snapshots and that a new plan is empty', () => {
    const notes = applyNotes({ applyId: 7, outcomes: [outcome('done'), outcome('deferred')], stoppedBy: 'max-steps', replan: empty, snapshotFiles: ['s/a.json'] }, '--max-steps 1', true);
    expect(notes).toEqual([
      'Stopped by --max-steps 1: 1 step(s) left for the next run.',
      'Snapshots: s/a.json (and gppart.snapshots, apply 7)',
      'A new plan is empty: the partitions match the policy.',
    ]);
  });

  it('says what a new plan still has, and the steps max_steps_per_table deferred', () => {
    const notes = applyNotes({ applyId: 8, outcomes: [outcome('done')], replan: pending, snapshotFiles: [] }, null, false);
    expect(notes[1]).toMatch(/^\nThe database does not yet match the policy; a new plan has:\n/);
    expect(notes[2]).toBe(`  ${pending.tables[0]!.table}: 2 step(s) deferred by max_steps_per_table`);
  });

  it('asks about another day in the question itself', () => {
    expect(otherDayNote('2020-01-01', today, false)).toMatch(/^now 2020-01-01 is not today/);
    expect(otherDayNote(today, today, true)).toBeNull();
    expect(confirmationQuestion('2020-01-01', true)).toContain('planned for 2020-01-01 rather than today');
  });
});
