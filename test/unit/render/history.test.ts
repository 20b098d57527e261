// Past applies as a reviewer reads them: only what happened (no "0 interrupted"), skipped steps
// with their reason, rows moved and rows deleted apart, and a Markdown note to close the ticket.
import { describe, expect, it } from 'vitest';
import { renderApplyMarkdown, renderApplyText, renderHistoryText, stepCounts, type JournalStep } from '../../../src/render/history.js';
import type { ApplySummary } from '../../../src/plan/model.js';

const apply: ApplySummary = {
  id: 7,
  startedAt: '2026-11-25 10:00:00.123+00',
  finishedAt: '2026-11-25 10:05:00+00',
  status: 'partial',
  user: 'dba',
  client: 'dba@ops1',
  policyHash: 'a'.repeat(64),
  planHash: 'b'.repeat(64),
  now: '2026-11-25',
  stepsDone: 2,
  stepsFailed: 1,
  stepsSkipped: 1,
  stepsDeferred: 0,
  stepsInterrupted: 0,
  stepsStarted: 0,
  rowsByKind: { drop: 37959, merge: 9270 },
};

const step = (over: Partial<JournalStep>): JournalStep => ({
  stepNo: 1, table: 'sales.orders', kind: 'drop', call: 'SELECT 1', status: 'done', rows: 1, startedAt: '2026-11-25 10:00:01+00', finishedAt: null, seconds: 1, error: null, ...over,
});

const steps = [
  step({ stepNo: 1, kind: 'drop', rows: 37959 }),
  step({ stepNo: 2, kind: 'merge', rows: 9270 }),
  step({ stepNo: 3, kind: 'split', status: 'failed', rows: null, error: 'could not get the lock' }),
  step({ stepNo: 4, kind: 'move', status: 'skipped', rows: null, seconds: null, error: 'step 3 of sales.orders failed; later steps of a table assume the earlier ones happened' }),
];

describe('apply history', () => {
  it('counts only what happened, and says what a step still "started" means', () => {
    expect(stepCounts(apply)).toBe('2 done, 1 failed, 1 skipped');
    expect(stepCounts({ ...apply, stepsFailed: 0, stepsSkipped: 3, stepsInterrupted: 1 })).toBe('2 done, 1 interrupted, 3 skipped');
    expect(stepCounts({ ...apply, status: 'interrupted', stepsFailed: 0, stepsSkipped: 0, stepsStarted: 1 })).toBe('2 done, 1 cut off (its process died; rolled back)');
    expect(stepCounts({ ...apply, status: 'running', stepsFailed: 0, stepsSkipped: 0, stepsStarted: 1 })).toBe('2 done, 1 running');
    expect(stepCounts({ ...apply, stepsFailed: 0, stepsSkipped: 0, stepsDeferred: 4 })).toBe('2 done, 4 deferred');
  });

  it('history lists skips and rows moved apart from rows deleted', () => {
    const out = renderHistoryText([apply]);
    expect(out.split('\n')[0]).toMatch(/^ID +STARTED +STATUS +BY +POLICY +NOW +STEPS +ROWS$/);
    expect(out).toMatch(/^7 +2026-11-25 10:00:00\+00 +partial +dba \(dba@ops1\) +a{12} +2026-11-25 +2 done, 1 failed, 1 skipped +9,270 rows moved, 37,959 deleted$/m);
  });

  it('show --apply gives a skipped step its reason, and never "0 interrupted (still started)"', () => {
    const out = renderApplyText(apply, steps, []);
    expect(out).toContain('now 2026-11-25; steps: 2 done, 1 failed, 1 skipped; rows: 9,270 rows moved, 37,959 deleted');
    expect(out).toMatch(/4\. > move +skipped +- +- +started/);
    expect(out).toContain('        skipped: step 3 of sales.orders failed; later steps of a table assume the earlier ones happened');
    expect(out).toContain('        error: could not get the lock');
    expect(out).not.toMatch(/0 interrupted|still "started"/);
  });

  it('show --apply --format markdown closes the ticket: outcome, steps, failures and skips, what next', () => {
    const md = renderApplyMarkdown(apply, steps, [], { dialect: 'postgres', version: 'PostgreSQL 17', database: 'dwh', identity: 'db:5432/dwh' });
    expect(md).toMatch(/^# gppart apply 7: partial\n/);
    expect(md).toContain(`| Plan hash | \`${'b'.repeat(64)}\``);
    expect(md).toContain('**Steps: 2 done, 1 failed, 1 skipped. Rows: 9,270 rows moved, 37,959 deleted.**');
    expect(md).toContain('| `sales.orders` | 3 | split | **failed** | - | 1.00 |');
    expect(md).toContain('- `sales.orders` step 4 (move), skipped: step 3 of sales.orders failed;');
    expect(md).toContain('`gppart plan` proposes the remaining steps again');
  });
});
