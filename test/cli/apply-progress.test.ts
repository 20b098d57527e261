// What apply tells while and after it runs, through the built binary against the real server:
// Ctrl-C (SIGINT) and SIGTERM cancel the running step, which rolls back, and apply says what
// finished, what was rolled back and what to run next, as the journal does; a step after a failed
// one is skipped with its reason; a step waiting for a lock says who holds it; --format json
// streams one event per line that validates against schemas/apply-events.schema.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';
import { addPartition, applyBackend, backendGone, createTable, fillDays, journal, partitions, slowWrites, startCli, totals, waitFor } from './support.js';

const NOW = '2026-01-15';
const schema = JSON.parse(readFileSync(new URL('../../schemas/apply-events.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

interface Event {
  event: string;
  [k: string]: unknown;
}

function events(stdout: string): Event[] {
  const lines = stdout.trim().split('\n');
  return lines.map((l) => {
    const e = JSON.parse(l) as Event;
    expect(validate(e), `${l}\n${JSON.stringify(validate.errors)}`).toBe(true);
    return e;
  });
}

describe('apply progress and interrupts (CLI, real server)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  function policyFile(name: string, text: string): string {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  }
  const applyArgs = (f: string, ...more: string[]) => ['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-destroy', '--allow-now-override', '--state-dir', join(dir, 'state'), ...more];

  /** A table whose DEFAULT holds ~1,800 rows that a split moves at ~2 ms each: a step of seconds. */
  async function slowTable(schemaName: string): Promise<string> {
    const c = db.client;
    await createTable(c, schemaName, 'events');
    await addPartition(c, schemaName, 'events', 'events_2025_01', '2025-01-01', '2025-02-01');
    await fillDays(c, schemaName, 'events', '2025-01-01', '2025-01-03', 5);
    await fillDays(c, schemaName, 'events', '2026-01-01', '2026-03-31', 20);
    await slowWrites(c, schemaName, 'events');
    return policyFile(
      `${schemaName}.yaml`,
      `version: 1\ndefaults: { lock: { timeout: 30s } }\ntables:\n  - table: ${schemaName}.events\n    layout:\n      - { from: -1 month, to: +3 months, every: 1 month }\n`,
    );
  }

  beforeAll(async () => {
    db = await createTestDb('apply_progress');
    dir = mkdtempSync(join(tmpdir(), 'gppart-progress-'));
    env = { GPPART_DATABASE_URL: db.url };
    expect((await runCli(['init'], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('SIGINT during a long step: the step is cancelled and rolled back, apply says what finished, what was rolled back and what to run next, and so does the journal', async () => {
    const c = db.client;
    const f = await slowTable('ctrlc');
    const partsBefore = await partitions(c, 'ctrlc', 'events');
    const before = await totals(c, 'ctrlc', 'events');

    const run = startCli(applyArgs(f), env);
    const backend = await waitFor('the split to run', () => applyBackend(c, 'split_default'));
    await new Promise((r) => setTimeout(r, 300));
    expect(run.child.kill('SIGINT')).toBe(true);
    const r = await run.done;

    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SIGINT received: cancelling ctrlc\.events step 1\/1 \(split\); it rolls back and no further step starts/);
    expect(r.stderr).toMatch(/\[1\/1\] \+ split ctrlc\.events: INTERRUPTED after [\d.]+ s: cancelled by SIGINT and rolled back/);
    const id = Number(/Apply (\d+) interrupted: 0 step\(s\) done, 1 interrupted; 0 rows moved, 0 deleted\./.exec(r.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(r.stdout).toContain('Interrupted by SIGINT.\n  No step had finished: nothing was changed.\n  Rolled back: ctrlc.events #1 (split: split events default (DEFAULT)');
    expect(r.stdout).toContain(`  Apply ${id} is recorded as interrupted (gppart show --apply ${id}). Run gppart plan to see what is left, then gppart apply again.`);
    expect(r.stdout).toMatch(/a new plan has:\nPlan: 1 to split/);

    // The server rolled the step back; the backend is not left running.
    expect(await backendGone(c, backend.pid)).toBe(true);
    expect(await partitions(c, 'ctrlc', 'events')).toEqual(partsBefore);
    expect(await totals(c, 'ctrlc', 'events')).toEqual(before);
    const j = await journal(c, 'ctrlc.events');
    expect(j.map((x) => [x.apply_id, x.kind, x.status])).toEqual([[id, 'split', 'interrupted']]);
    expect(j[0]!.error).toBe('cancelled by SIGINT and rolled back: the table is as it was before this step');
    const a = await c.query(`SELECT status, finished_at IS NOT NULL AS finished FROM gppart.applies WHERE id = $1`, [id]);
    expect(a.rows[0]).toEqual({ status: 'interrupted', finished: true });
    const h = await runCli(['history', '--limit', '1'], { env });
    expect(h.stdout).toMatch(new RegExp(`^${id} .* interrupted .* 0 done, 1 interrupted +0 rows moved, 0 deleted$`, 'm'));

    // The next apply does the step.
    const again = await runCli(applyArgs(f), { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/A new plan is empty/);
    expect(await totals(c, 'ctrlc', 'events')).toEqual(before);
  });

  it('SIGTERM with --format json: events for the plan, the start, the interrupt, the rolled-back step and the end, every line valid', async () => {
    const c = db.client;
    const f = await slowTable('term');
    const before = await totals(c, 'term', 'events');
    const run = startCli(applyArgs(f, '--format', 'json'), env);
    await waitFor('the split to run', () => applyBackend(c, 'split_default'));
    await new Promise((r) => setTimeout(r, 300));
    expect(run.child.kill('SIGTERM')).toBe(true);
    const r = await run.done;
    expect(r.code).toBe(1);
    const ev = events(r.stdout);
    expect(ev.map((e) => e.event)).toEqual(['plan', 'apply_started', 'step_started', 'interrupt', 'step_interrupted', 'apply_finished']);
    expect(ev[2]).toMatchObject({ table: 'term.events', kind: 'split', index: 1, total: 1 });
    expect(ev[2]!.call).toMatch(/^SELECT "gppart"\."split_default"\('term', 'events'/);
    expect(ev[3]).toMatchObject({ signal: 'SIGTERM', applyId: ev[1]!.applyId });
    expect(ev[5]).toMatchObject({
      status: 'interrupted',
      steps: { done: 0, failed: 0, interrupted: 1, skipped: 0, deferred: 0 },
      rows: { moved: 0, deleted: 0, archived: 0, detached: 0 },
      converged: false,
    });
    expect(await totals(c, 'term', 'events')).toEqual(before);
  });

  it('a step waiting for a lock says who holds it; a step after a failed one is skipped with its reason, in the journal and in history', async () => {
    const c = db.client;
    const S = 'waits';
    await createTable(c, S, 'events');
    await addPartition(c, S, 'events', 'events_2024', '2024-01-01', '2025-01-01');
    await fillDays(c, S, 'events', '2024-06-01', '2024-06-03', 2);
    await fillDays(c, S, 'events', '2026-01-01', '2026-02-01', 2);
    // Two steps on one table: the drop (retention) and the split.
    const f = policyFile(
      'waits.yaml',
      `version: 1\ndefaults: { lock: { timeout: 4s } }\ntables:\n  - table: ${S}.events\n    layout:\n      - { from: -1 month, to: +1 month, every: 1 month }\n    retention: { drop_after: 1 year }\n`,
    );
    // A writer's open transaction: the drop waits for it, is seen waiting, and times out.
    const holder = await db.connect();
    await holder.query(`SET application_name = 'nightly etl'`);
    const holderPid = (await holder.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    await holder.query(`BEGIN; LOCK TABLE ${S}.events IN ROW EXCLUSIVE MODE`);
    const r = await runCli(applyArgs(f, '--format', 'json'), { env });
    await holder.query('ROLLBACK');
    expect(r.code).toBe(1);
    // The poll after the lock timeout may see the wait over just before the step reports its failure.
    const ev = events(r.stdout).filter((e) => e.event !== 'lock_wait_over');
    expect(ev.map((e) => e.event)).toEqual(['plan', 'apply_started', 'step_started', 'lock_wait', 'step_failed', 'step_skipped', 'apply_finished']);
    const wait = ev[3]!;
    expect(wait).toMatchObject({ table: `${S}.events`, kind: 'drop', index: 1 });
    expect(wait.holders).toEqual([expect.objectContaining({ pid: holderPid, applicationName: 'nightly etl', mode: 'RowExclusiveLock', relation: `${S}.events` })]);
    expect(ev[4]).toMatchObject({ kind: 'drop', sqlstate: '55P03' });
    const reason = `step 1 of ${S}.events did not complete; later steps of a table assume the earlier ones happened`;
    expect(ev[5]).toMatchObject({ kind: 'split', index: 2, reason });
    expect(ev[6]).toMatchObject({ status: 'failed', steps: { done: 0, failed: 1, interrupted: 0, skipped: 1, deferred: 0 } });

    const j = await journal(c, `${S}.events`);
    expect(j.map((x) => [x.step_no, x.kind, x.status, x.status === 'skipped' ? x.error : null])).toEqual([
      [1, 'drop', 'failed', null],
      [2, 'split', 'skipped', reason],
    ]);
    const id = ev[1]!.applyId as number;
    const show = await runCli(['show', '--apply', String(id)], { env });
    expect(show.stdout).toContain(`steps: 0 done, 1 failed, 1 skipped`);
    expect(show.stdout).toContain(`        skipped: ${reason}`);
    expect(show.stdout).not.toMatch(/interrupted \(still/);

    // The same in text: the wait names its holder, the skip its reason.
    await holder.query(`BEGIN; LOCK TABLE ${S}.events IN ROW EXCLUSIVE MODE`);
    const t = await runCli(applyArgs(f), { env });
    await holder.query('ROLLBACK');
    expect(t.stdout).toMatch(new RegExp(`\\[1/2\\] - drop ${S}\\.events: waiting for a lock held by pid ${holderPid} \\(nightly etl, user \\S+, idle in transaction since [^,]+, RowExclusiveLock on ${S}\\.events: BEGIN; LOCK TABLE`));
    expect(t.stdout).toContain(`[2/2] + split ${S}.events: skipped: ${reason}`);
    expect(t.stdout).toMatch(/Apply \d+ failed: 0 step\(s\) done, 1 failed, 1 skipped; 0 rows moved, 0 deleted\./);
  });

  it('--format json asks nobody: without --auto-approve it is refused before anything runs', async () => {
    const f = policyFile('any.yaml', 'version: 1\ntables: []\n');
    const r = await runCli(['apply', '-c', f, '--format', 'json'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: --format json cannot ask for confirmation: add --auto-approve (and --allow-destroy to permit drops)\n');
    expect(r.stdout).toBe('');
  });
});
