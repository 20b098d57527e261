// Unattended applies through the built binary against the real server: the exit-code contract,
// --max-steps/--max-duration budgets, GPPART_NOTIFY_URL (a local HTTP server), and the files of
// `gppart export` run as their scheduler would run them (the cron line through sh; the Airflow
// DAG's task functions with a stand-in for the Airflow API, since Airflow cannot be installed).
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli, type CliResult } from '../support/cli.js';
import { addPartition, createTable, fillDays, journal, partitions, q, slowWrites, totals } from './support.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { tryLockTable, unlockTable } from '../../src/catalog/state-store.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const NOW = '2026-11-25';
const PYTHON = spawnSync('sh', ['-c', 'command -v python3']).status === 0;
const FLOCK = spawnSync('sh', ['-c', 'command -v flock']).status === 0;

interface Notification {
  status: string;
  exit_code: number;
  apply_id: number | null;
  steps: Record<string, number>;
  tables: Array<{ table: string; planned: number; done: number; failed: number; deferred: number; refused: number; errors: string[] }>;
  message: string | null;
  [k: string]: unknown;
}

/** Monthly partitions for 2025-01 .. 2026-06 with rows: a quarterly band over them is six merges. */
async function monthlyTable(c: TestDb['client'], s: string, t: string): Promise<void> {
  await createTable(c, s, t);
  for (let m = 0; m < 18; m++) {
    const from = new Date(Date.UTC(2025, m, 1)).toISOString().slice(0, 10);
    const to = new Date(Date.UTC(2025, m + 1, 1)).toISOString().slice(0, 10);
    await addPartition(c, s, t, `${t}_m${String(m).padStart(2, '0')}`, from, to);
  }
  await fillDays(c, s, t, '2025-01-01', '2026-07-01', 2);
}

const quarterly = (table: string, extra = '') => `    - table: ${table}\n      layout:\n        - { from: -2 years, to: -3 months, every: 1 quarter }\n${extra}`;

describe('unattended apply (CLI, real server)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let hook: Server;
  let hookUrl: string;
  const notified: Notification[] = [];

  function policy(name: string, tables: string, schedule = ''): string {
    const f = join(dir, `${name}.yaml`);
    writeFileSync(f, `version: 1\ndefaults: { lock: { timeout: 500ms } }\n${schedule}tables:\n${tables}`);
    return f;
  }
  const apply = (f: string, ...extra: string[]) =>
    runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--detailed-exitcode', '--state-dir', join(dir, 'state'), ...extra], { env });
  /** The notifications one run sent (the server has answered each before the CLI exits). */
  async function run(p: Promise<CliResult>): Promise<{ r: CliResult; sent: Notification[] }> {
    notified.length = 0;
    const r = await p;
    return { r, sent: [...notified] };
  }

  beforeAll(async () => {
    db = await createTestDb('unattended');
    dir = mkdtempSync(join(tmpdir(), 'gppart-unattended-'));
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        notified.push(JSON.parse(body) as Notification);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/team-dwh`;
    env = { GPPART_DATABASE_URL: db.url, GPPART_NOTIFY_URL: hookUrl };
    expect((await runCli(['init'], { env })).code).toBe(0);
  });
  afterAll(async () => {
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
    await db.drop();
  });

  it('plan --detailed-exitcode is a drift check that names the tables out of policy', async () => {
    await monthlyTable(db.client, 'drift', 'q');
    await createTable(db.client, 'drift', 'fine');
    const f = policy('drift', `${quarterly('drift.q')}    - table: drift.fine\n`);
    const r = await runCli(['plan', '-c', f, '--now', NOW, '--detailed-exitcode'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.changes);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Out of policy: 1 of 2 table(s): drift.q (6 step(s))');
    const ok = await runCli(['plan', '-c', f, '--now', NOW, '--detailed-exitcode', '--target', 'drift.fine'], { env });
    expect(ok.code).toBe(EXIT.nothingToDo);
    expect(ok.stdout.trimEnd().split('\n').at(-1)).toBe('In policy: all 1 table(s) match the policy.');
    const json = await runCli(['plan', '-c', f, '--now', NOW, '--detailed-exitcode', '--format', 'json'], { env });
    expect(json.code).toBe(EXIT.changes);
    expect(JSON.parse(json.stdout).tables).toHaveLength(2);
  });

  it('--max-steps stops between steps and exits 3 (partly applied); the next run goes on; then 2, then 0', async () => {
    const c = db.client;
    await monthlyTable(c, 'budget', 'q');
    const before = await totals(c, 'budget', 'q');
    const f = policy('budget', quarterly('budget.q'));

    const first = await run(apply(f, '--max-steps', '2'));
    expect(first.r.stderr).toBe('');
    expect(first.r.code).toBe(EXIT.partlyApplied);
    expect(first.r.stdout).toMatch(/Apply \d+ partial: 2 step\(s\) done, 4 deferred;/);
    expect(first.r.stdout).toContain('Stopped by --max-steps 2: 4 step(s) left for the next run.');
    const j1 = await journal(c, 'budget.q');
    // The steps the budget left are journaled as deferred, with the reason.
    expect(j1.map((x) => x.status)).toEqual(['done', 'done', 'deferred', 'deferred', 'deferred', 'deferred']);
    expect(j1[2]!.error).toBe('--max-steps 2 was reached; the next run goes on');
    expect(await totals(c, 'budget', 'q')).toEqual(before);
    expect(first.sent).toHaveLength(1);
    expect(first.sent[0]).toMatchObject({
      tool: 'gppart', event: 'apply', status: 'partly-applied', exit_code: EXIT.partlyApplied, apply_id: j1[0]!.apply_id,
      database: db.name, now: NOW, message: null,
      steps: { planned: 6, done: 2, failed: 0, interrupted: 0, skipped: 0, deferred: 4, refused: 0 },
      tables: [{ table: 'budget.q', planned: 6, done: 2, failed: 0, skipped: 0, deferred: 4, refused: 0, errors: [] }],
    });
    expect(first.sent[0]!.rows).toBeGreaterThan(0);

    // Without --detailed-exitcode a run stopped by its budget is a success.
    const plain = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--max-steps', '1', '--state-dir', join(dir, 'state')], { env });
    expect(plain.code).toBe(0);

    const rest = await run(apply(f));
    expect(rest.r.code).toBe(EXIT.changes);
    expect(rest.r.stdout).toContain('A new plan is empty: the partitions match the policy.');
    expect(rest.sent.map((n) => [n.status, n.exit_code, n.steps.done])).toEqual([['applied', EXIT.changes, 3]]);
    expect(await totals(c, 'budget', 'q')).toEqual(before);

    const idle = await run(apply(f));
    expect(idle.r.code).toBe(EXIT.nothingToDo);
    expect(idle.sent).toEqual([]);
  });

  it('--max-duration starts no step once spent, never cuts one short, and exits 3', async () => {
    const c = db.client;
    await monthlyTable(c, 'clock', 'q');
    await slowWrites(c, 'clock', 'q'); // ~2 ms a row: each merge of ~180 rows takes a third of a second or more
    const before = await totals(c, 'clock', 'q');
    const f = policy('clock', quarterly('clock.q'));
    const { r, sent } = await run(apply(f, '--max-duration', '1s'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(EXIT.partlyApplied);
    expect(r.stdout).toMatch(/Stopped by --max-duration 1s: \d step\(s\) left for the next run\./);
    const j = await journal(c, 'clock.q');
    // Every step that started finished: none is left 'started' or rolled back as 'failed'; the
    // steps not started are in the journal as deferred, with the budget as their reason.
    const started = j.filter((x) => x.status !== 'deferred');
    expect(started.every((x) => x.status === 'done')).toBe(true);
    expect(j.filter((x) => x.status === 'deferred').every((x) => x.error === '--max-duration was reached; the next run goes on')).toBe(true);
    expect(sent[0]!.steps.done).toBe(started.length);
    expect(sent[0]!.steps.deferred).toBe(6 - started.length);
    expect(sent[0]!.steps.deferred).toBeGreaterThan(0);
    expect(await totals(c, 'clock', 'q')).toEqual(before);
    const bad = await runCli(['apply', '-c', f, '--now', NOW, '--max-duration', 'soon'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('Error: --max-duration "soon" is not a duration; write e.g. 2h, 90m, 1h30m or 45s\n');
  });

  it('refusals exit 4 and are notified: destructive steps without --allow-destroy, a stale plan', async () => {
    const c = db.client;
    await monthlyTable(c, 'refuse', 'q');
    await addPartition(c, 'refuse', 'q', 'q_2010', '2010-01-01', '2011-01-01');
    const parts = await partitions(c, 'refuse', 'q');
    const f = policy('refuse', quarterly('refuse.q', '      retention: { drop_after: 10 years }\n'));

    const destroy = await run(apply(f));
    expect(destroy.r.code).toBe(EXIT.refused);
    expect(destroy.r.stderr).toMatch(/^Error: the plan has 1 destructive step\(s\) \(refuse\.q: drop\); --auto-approve needs --allow-destroy to run them\n$/);
    expect(await partitions(c, 'refuse', 'q')).toEqual(parts);
    expect(destroy.sent).toHaveLength(1);
    expect(destroy.sent[0]).toMatchObject({
      status: 'refused', exit_code: EXIT.refused, apply_id: null,
      steps: { planned: 7, done: 0, failed: 0, skipped: 0, deferred: 0, refused: 7 },
      message: 'the plan has 1 destructive step(s) (refuse.q: drop); --auto-approve needs --allow-destroy to run them',
    });
    const plain = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override'], { env });
    expect(plain.code).toBe(1);

    const planFile = join(dir, 'refuse-plan.json');
    expect((await runCli(['plan', '-c', f, '--now', NOW, '--out', planFile, '--format', 'json'], { env })).code).toBe(0);
    await addPartition(c, 'refuse', 'q', 'q_2012', '2012-01-01', '2013-01-01');
    const stale = await run(runCli(['apply', planFile, '--auto-approve', '--allow-now-override', '--allow-destroy', '--detailed-exitcode', '--state-dir', join(dir, 'state')], { env }));
    expect(stale.r.code).toBe(EXIT.refused);
    expect(stale.r.stderr).toMatch(/^Error: the plan is stale; run gppart plan again\./);
    expect(stale.sent.map((n) => n.status)).toEqual(['refused']);
    expect(stale.sent[0]!.message).toMatch(/^the plan is stale/);
  });

  it('a schema gppart that is missing refuses (4)', async () => {
    const fresh = await createTestDb('unattended_noinit');
    try {
      await monthlyTable(fresh.client, 'n', 'q');
      const f = policy('noinit', quarterly('n.q'));
      const r = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--detailed-exitcode', '--state-dir', join(dir, 'state')], {
        env: { ...env, GPPART_DATABASE_URL: fresh.url },
      });
      expect(r.code).toBe(EXIT.refused);
      expect(r.stderr).toMatch(/schema gppart is not installed .*; run gppart init first/);
    } finally {
      await fresh.drop();
    }
  });

  it('a busy lock exits 5 (a retry is safe): a step past its lock.timeout, or another apply on the table', async () => {
    const c = db.client;
    await monthlyTable(c, 'busy', 'q');
    const parts = await partitions(c, 'busy', 'q');
    const f = policy('busy', quarterly('busy.q'));
    const reader = await db.connect();
    await reader.query('BEGIN');
    await reader.query(`SELECT count(*) FROM ${q('busy')}.${q('q')}`);
    let timedOut;
    try {
      timedOut = await run(apply(f));
    } finally {
      await reader.query('COMMIT');
    }
    expect(timedOut.r.code).toBe(EXIT.busy);
    expect(await partitions(c, 'busy', 'q')).toEqual(parts);
    expect(timedOut.sent[0]).toMatchObject({ status: 'busy', exit_code: EXIT.busy, steps: { planned: 6, done: 0, failed: 1, skipped: 5 } });
    expect(timedOut.sent[0]!.tables[0]!.errors[0]).toMatch(/lock\.timeout/);

    const holder = await db.connect();
    expect((await tryLockTable(holder, 'busy.q')).ok).toBe(true);
    let held;
    try {
      held = await run(apply(f));
    } finally {
      await unlockTable(holder, 'busy.q');
    }
    expect(held.r.code).toBe(EXIT.busy);
    expect(held.r.stderr).toMatch(/^Error: busy\.q is locked by /);
    expect(held.sent.map((n) => n.status)).toEqual(['busy']);
  });

  it('a failed step exits 1 and fails only its table: the other tables of the run are applied', async () => {
    const c = db.client;
    await monthlyTable(c, 'fail', 'bad');
    await monthlyTable(c, 'fail', 'good');
    // A row the parent's NOT VALID CHECK rejects: the merge that rewrites it must fail.
    await c.query(`INSERT INTO fail.bad (day, v) VALUES ('2025-02-02', -1)`);
    await c.query(`ALTER TABLE fail.bad ADD CONSTRAINT v_positive CHECK (v >= 0) NOT VALID`);
    const good = await totals(c, 'fail', 'good');
    const f = policy('fail', `${quarterly('fail.bad')}${quarterly('fail.good')}`);
    const { r, sent } = await run(apply(f));
    expect(r.code).toBe(EXIT.failed);
    expect(sent[0]).toMatchObject({
      status: 'failed', exit_code: EXIT.failed,
      steps: { planned: 12, done: 6, failed: 1, skipped: 5, deferred: 0, refused: 0 },
    });
    expect(sent[0]!.tables.map((t) => [t.table, t.done, t.failed])).toEqual([['fail.bad', 0, 1], ['fail.good', 6, 0]]);
    expect((await journal(c, 'fail.good')).map((x) => x.status)).toEqual(Array(6).fill('done'));
    expect(await totals(c, 'fail', 'good')).toEqual(good);
  });

  it('a webhook that is down never changes the outcome: one line on stderr naming only its origin', async () => {
    await monthlyTable(db.client, 'down', 'q');
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', () => r()));
    const port = (spare.address() as AddressInfo).port;
    await new Promise((r) => spare.close(r));
    const f = policy('down', quarterly('down.q'));
    const r = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--detailed-exitcode', '--state-dir', join(dir, 'state')], {
      env: { ...env, GPPART_NOTIFY_URL: `http://127.0.0.1:${port}/hooks/T0KEN` },
    });
    expect(r.code).toBe(EXIT.changes);
    expect(r.stderr).toBe(`gppart: could not notify http://127.0.0.1:${port}: ECONNREFUSED (the run is unaffected)\n`);
    expect(r.stdout).toContain('A new plan is empty');
  });

  it('a connection that fails is notified as failed, without the password', async () => {
    const f = policy('noconn', quarterly('x.q'));
    const url = new URL(db.url);
    url.port = '1';
    const { r, sent } = await run(runCli(['apply', '-c', f, '--auto-approve', '--allow-now-override', '--detailed-exitcode'], { env: { ...env, GPPART_DATABASE_URL: url.toString() } }));
    expect(r.code).toBe(EXIT.failed);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ status: 'failed', apply_id: null, database: null });
    const password = decodeURIComponent(new URL(db.url).password);
    expect(password.length).toBeGreaterThan(3);
    expect(JSON.stringify(sent[0])).not.toContain(password);
    expect(sent[0]!.message).toMatch(/cannot connect/);
  });

  it.skipIf(!FLOCK)('the exported cron line runs apply from its env file, and steps aside while the previous run holds the lock', async () => {
    const c = db.client;
    // Relative to the real today: cron passes no --now.
    await createTable(c, 'cron', 'e');
    const name = `gppart_test_${randomBytes(4).toString('hex')}`;
    const f = policy('cron', '    - table: cron.e\n      layout:\n        - { from: -1 month, to: +1 month, every: 1 month }\n', `schedule:\n  cron: "0 1 * * *"\n  name: ${name}\n  max_steps: 10\n`);
    const envFile = join(dir, 'cron.env');
    writeFileSync(envFile, `GPPART_DATABASE_URL='${db.url}'\nGPPART_NOTIFY_URL='${hookUrl}'\n`);
    const exported = await runCli(['export', 'cron', '-c', f, '--bin', join(ROOT, 'bin', 'run.js'), '--env-file', envFile]);
    expect(exported.code).toBe(0);
    const line = exported.stdout.split('\n').find((l) => /^\S+ \S+ \S+ \S+ \S+ flock /.test(l))!;
    // What cron does with the line: the command after the five fields, \% back to %, run by sh.
    const command = line.split(' ').slice(5).join(' ').replace(/\\%/g, '%');
    const home = mkdtempSync(join(tmpdir(), 'gppart-cron-home-'));
    const shell = (cmd: string) => new Promise<number>((done) => {
      const child = spawn('sh', ['-c', cmd], { env: { PATH: process.env.PATH, HOME: home }, stdio: 'ignore' });
      child.on('close', (code) => done(code ?? -1));
    });
    notified.length = 0;
    expect(await shell(command)).toBe(EXIT.changes);
    expect(notified.map((n) => n.status)).toEqual(['applied']);
    expect(readFileSync(join(home, 'gppart-state', db.name, `apply-${notified[0]!.apply_id}-after.json`), 'utf8')).toContain('"phase": "after"');
    expect(await shell(command)).toBe(EXIT.nothingToDo);
    // Without its env file the run fails (1), not "applied" (sh's own 2).
    expect(await shell(command.split(envFile).join(join(dir, 'missing.env')))).toBe(EXIT.failed);

    const lock = `/tmp/${name}.lock`;
    const holder = spawn('flock', [lock, 'sleep', '30'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 100 && spawnSync('flock', ['-n', lock, 'true']).status === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await shell(command)).toBe(EXIT.busy);
    } finally {
      holder.kill();
    }
  });

  it.skipIf(!PYTHON)('the exported DAG\'s tasks plan, apply exactly that plan, skip when nothing is left, and map refusals and busy locks', async () => {
    const c = db.client;
    await createTable(c, 'dag', 'e');
    await createTable(c, 'dag', 'old');
    await addPartition(c, 'dag', 'old', 'old_2010', '2010-01-01', '2011-01-01');
    const f = policy('dag', '    - table: dag.e\n      layout:\n        - { from: -1 month, to: +1 month, every: 1 month }\n    - table: dag.old\n      retention: { drop_after: 10 years }\n', 'schedule:\n  cron: "0 1 * * *"\n  connection: test_db\n');
    const out = join(dir, 'dags');
    expect((await runCli(['export', 'airflow', '-c', f, '-o', out])).code).toBe(0);
    const u = new URL(db.url);
    const connection = { test_db: { host: u.hostname, port: Number(u.port), login: decodeURIComponent(u.username), password: decodeURIComponent(u.password), schema: u.pathname.slice(1) } };
    const task = (group: string, attempt = 1) => {
      const result = join(dir, `task-${group}-${randomBytes(3).toString('hex')}.json`);
      const p = spawnSync('python3', [join(ROOT, 'test', 'support', 'run_dag_task.py'), join(out, 'gppart_dag.py'), group, String(attempt), result], {
        encoding: 'utf8',
        // The worker's own database settings must not be used: only the Airflow connection.
        env: { PATH: process.env.PATH, PYTHONDONTWRITEBYTECODE: '1', GPPART_BIN: join(ROOT, 'bin', 'run.js'), GPPART_TEST_CONNECTION: JSON.stringify(connection), GPPART_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      });
      expect(p.stderr).toBe('');
      return { log: p.stdout, ...(JSON.parse(readFileSync(result, 'utf8')) as { plan: { state: string; value?: string }; apply: { state: string; message?: string } }) };
    };

    const first = task('dag__e');
    expect(first.plan.state).toBe('success');
    expect(JSON.parse(first.plan.value!).tables.map((t: { table: string }) => t.table)).toEqual(['dag.e']);
    expect(first.log).toMatch(/^\$ gppart plan -c \S+dag\.yaml --target dag\.e --format markdown --detailed-exitcode --out /m);
    expect(first.log).toMatch(/^# gppart plan/m); // the plan's markdown is in the task log
    expect(first.log).toMatch(/^\$ gppart apply \S+plan\.json --auto-approve --detailed-exitcode$/m);
    expect(first.apply).toEqual({ state: 'success', value: null });
    const again = task('dag__e');
    expect(again.plan).toEqual({ state: 'success', value: null });
    expect(again.apply.state).toBe('skipped');

    const refused = task('dag__old');
    expect(refused.apply.state).toBe('failed');
    expect(refused.apply.message).toBe(`dag.old: apply refused (exit code ${EXIT.refused}), a person must look: destructive steps without allow_destroy, a stale plan, or schema gppart too old`);
    expect(await partitions(c, 'dag', 'old')).toHaveLength(2);

    // Work again: one of the monthly partitions the first apply made is gone.
    const made = (await partitions(c, 'dag', 'e')).filter((l) => !l.startsWith('e default ')).map((l) => l.split(' ')[0]!);
    await c.query(`DROP TABLE dag.${q(made[0]!)}`);
    const reader = await db.connect();
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM dag.e');
    let busy;
    try {
      busy = task('dag__e');
    } finally {
      await reader.query('COMMIT');
    }
    expect(busy.apply.state).toBe('up_for_retry');
    expect(busy.apply.message).toMatch(/a lock was busy \(exit code 5\)/);
    // The retry plans afresh instead of applying the first try's plan.
    const retry = task('dag__e', 2);
    expect(retry.log).toMatch(/^\$ gppart apply -c \S+dag\.yaml --target dag\.e --auto-approve --detailed-exitcode$/m);
    expect(retry.apply.state).toBe('success');
  });
});
