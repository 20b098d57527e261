// Issue 3's guarantees through the built binary against the real server: no row lost under a
// concurrent writer, a SIGKILL mid-step leaves the table as it was, a second apply has nothing to
// do, two applies at once, names that need quoting, real tablespaces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDb, newTablespaceDir, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';
import {
  addPartition,
  applyBackend,
  backendGone,
  createTable,
  fillDays,
  journal,
  partitions,
  q,
  slowWrites,
  startCli,
  totals,
  waitFor,
  yamlString,
  yamlTable,
} from './support.js';

const NOW = '2026-01-15';
// Tablespace names are cluster-wide: unique per run of this file.
const TAG = randomBytes(3).toString('hex');
const WARM = `Warm "Tier" ${TAG}; DROP TABLE public.canary; --`;

describe('data safety of apply (CLI, real server)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  function policyFile(name: string, text: string): string {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  }
  const applyArgs = (f: string) => ['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')];

  async function planJson(f: string) {
    const r = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'json'], { env });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as { tables: Array<{ steps: Array<{ kind: string; produces: Array<{ name: string }> }>; deferred: number }> };
  }

  beforeAll(async () => {
    db = await createTestDb('data_safety');
    dir = mkdtempSync(join(tmpdir(), 'gppart-safety-'));
    env = { GPPART_DATABASE_URL: db.url };
    await db.client.query(`CREATE TABLESPACE ${q(WARM)} LOCATION '${newTablespaceDir()}'`);
    await db.client.query(`CREATE TABLE public.canary (x int)`);
    const init = await runCli(['init'], { env });
    expect(init.code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
    const { default: pg } = await import('pg');
    const { serverUrl } = await import('../support/db.js');
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`DROP TABLESPACE IF EXISTS ${q(WARM)}`);
    await admin.end();
  });

  describe('merge, realign, split and move under a concurrent writer, with names that need quoting', () => {
    const S = 'Odd "Schema"; x';
    const T = 'Orders; DROP TABLE public.canary; --';
    const label = `${S}.${T}`;
    let f: string;

    beforeAll(async () => {
      const c = db.client;
      await createTable(c, S, T, { defaultName: 'Orders DEFAULT' });
      // A quarter in pg_default that the policy wants in WARM (move), monthly partitions the
      // policy wants quarterly in WARM (merge), two straddling the month grid (realign), and
      // months near today held by the DEFAULT (split).
      await addPartition(c, S, T, 'Q2 2024', '2024-04-01', '2024-07-01');
      for (let m = 7; m <= 12; m++) {
        const from = `2024-${String(m).padStart(2, '0')}-01`;
        const to = m === 12 ? '2025-01-01' : `2024-${String(m + 1).padStart(2, '0')}-01`;
        await addPartition(c, S, T, `M ${from.slice(0, 7)}`, from, to);
      }
      await addPartition(c, S, T, 'Q1-Q3 2025', '2025-01-01', '2025-10-01');
      await addPartition(c, S, T, 'Oct-mid-Nov', '2025-10-01', '2025-11-15');
      await addPartition(c, S, T, 'mid-Nov-Dec', '2025-11-15', '2026-01-01');
      await fillDays(c, S, T, '2023-12-01', '2026-04-01', 20);
      f = policyFile(
        'quoted.yaml',
        `version: 1
defaults: { timezone: UTC, lock: { mode: shared, timeout: 10s } }
tables:
  - table: ${yamlTable(S, T)}
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -2 years, to: -3 months, every: 1 quarter, tablespace: ${yamlString(WARM)} }
`,
      );
    });

    it('plans a merge, a realign, a split and a move', async () => {
      const plan = await planJson(f);
      const kinds = plan.tables[0]!.steps.map((s) => s.kind);
      expect(kinds).toContain('merge');
      expect(kinds).toContain('split');
      expect(kinds).toContain('move');
    });

    it('a writer inserting throughout the apply loses no row (same count, same key and value sums)', async () => {
      const c = db.client;
      const before = await totals(c, S, T);
      const writer = await db.connect();
      let stop = false;
      let committed = 0;
      let vSum = 0n;
      let keySum = 0n;
      const starts: number[] = [];
      const errors: string[] = [];
      const write = (async () => {
        let i = 0;
        while (!stop) {
          i++;
          // Keys everywhere: in the merged, realigned, split and moved ranges and outside the layout.
          const dayNo = 8735 + ((i * 37) % 880); // 2023-12-01 + 0..879 days
          const v = 1_000_000_000 + i;
          try {
            const r = await writer.query<{ at: string }>(
              `INSERT INTO ${q(S)}.${q(T)} (day, v, src) VALUES (date '2000-01-01' + $1::int, $2, 'w') RETURNING extract(epoch FROM now())::text AS at`,
              [dayNo, v],
            );
            committed++;
            vSum += BigInt(v);
            keySum += BigInt(dayNo);
            starts.push(Number(r.rows[0]!.at));
          } catch (err) {
            errors.push((err as Error).message);
          }
        }
      })();
      await waitFor('the writer to commit', async () => committed > 20);
      const r = await runCli(applyArgs(f), { env });
      await new Promise((res) => setTimeout(res, 200));
      stop = true;
      await write;

      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/A new plan is empty/);
      expect(errors).toEqual([]);
      const w = await totals(c, S, T, `src = 'w'`);
      expect(w).toEqual({ rows: committed, vSum: vSum.toString(), keySum: keySum.toString() });
      expect(await totals(c, S, T, `src = 'seed'`)).toEqual(before);

      // The writer really overlapped the steps: some of its inserts started while one ran.
      const steps = await c.query<{ a: string; b: string }>(
        `SELECT extract(epoch FROM started_at)::text AS a, extract(epoch FROM finished_at)::text AS b FROM gppart.journal WHERE table_name = $1 AND status = 'done'`,
        [label],
      );
      expect(steps.rows.length).toBeGreaterThanOrEqual(4);
      const during = starts.filter((t) => steps.rows.some((s) => t >= Number(s.a) && t <= Number(s.b)));
      expect(during.length).toBeGreaterThan(0);

      // Real tablespace, odd names intact, nothing injected.
      const parts = await partitions(c, S, T);
      expect(parts.filter((p) => p.endsWith(` ${WARM}`)).length).toBeGreaterThanOrEqual(4);
      expect(parts.some((p) => p.startsWith('Orders DEFAULT DEFAULT'))).toBe(true);
      expect((await c.query(`SELECT to_regclass('public.canary') IS NOT NULL AS ok`)).rows[0].ok).toBe(true);
      const ts = await c.query(`SELECT count(*)::int AS n FROM pg_tablespace WHERE spcname = $1`, [WARM]);
      expect(ts.rows[0].n).toBe(1);
    });

    it('a second apply after a successful one has nothing to do', async () => {
      const journalBefore = (await journal(db.client, label)).length;
      const partsBefore = await partitions(db.client, S, T);
      const r = await runCli(applyArgs(f), { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/No changes/);
      expect((await journal(db.client, label)).length).toBe(journalBefore);
      expect(await partitions(db.client, S, T)).toEqual(partsBefore);
      const p = await runCli(['plan', '-c', f, '--now', NOW, '--detailed-exitcode'], { env });
      expect(p.code).toBe(0);
    });
  });

  it('SIGKILL in the middle of a long split leaves the table exactly as before; the next apply completes it', async () => {
    const c = db.client;
    const S = 'kill';
    const T = 'Events';
    const label = `${S}.${T}`;
    await createTable(c, S, T);
    await addPartition(c, S, T, 'untouched 2025-01', '2025-01-01', '2025-02-01');
    await fillDays(c, S, T, '2025-01-01', '2025-01-03', 5);
    await fillDays(c, S, T, '2026-01-01', '2026-03-31', 20); // ~1,800 rows in the DEFAULT
    await slowWrites(c, S, T);
    const f = policyFile(
      'kill.yaml',
      `version: 1\ntables:\n  - table: ${yamlTable(S, T)}\n    layout:\n      - { from: -1 month, to: +3 months, every: 1 month }\n`,
    );
    const planned = await planJson(f);
    expect(planned.tables[0]!.steps.map((s) => s.kind)).toEqual(['split']);
    const partsBefore = await partitions(c, S, T);
    const before = await totals(c, S, T);

    const run = startCli(applyArgs(f), env);
    const backend = await waitFor('the split to run', () => applyBackend(c, 'split_default'));
    await new Promise((r) => setTimeout(r, 300));
    // lock.mode shared: the step locks what it changes, not the partitions it leaves alone.
    const untouched = await c.query(
      `SELECT mode FROM pg_locks WHERE pid = $1 AND locktype = 'relation' AND relation = $2::regclass`,
      [backend.pid, `${q(S)}.${q('untouched 2025-01')}`],
    );
    expect(untouched.rows).toEqual([]);
    expect(run.child.kill('SIGKILL')).toBe(true);
    const killed = await run.done;
    expect(killed.code).toBe(-1);
    // The server notices the closed connection (client_connection_check_interval) and aborts.
    await waitFor('the killed apply\'s backend to end', () => backendGone(c, backend.pid), 15_000);

    expect(await partitions(c, S, T)).toEqual(partsBefore);
    expect(await totals(c, S, T)).toEqual(before);
    const j = await journal(c, label);
    expect(j.map((x) => [x.kind, x.status])).toEqual([['split', 'started']]);
    const applyRow = await c.query(`SELECT status, finished_at FROM gppart.applies WHERE id = $1`, [j[0]!.apply_id]);
    expect(applyRow.rows[0]).toEqual({ status: 'running', finished_at: null });
    // history tells a killed apply from a running one.
    const history = await runCli(['history', '--format', 'json'], { env });
    const listed = (JSON.parse(history.stdout) as Array<{ id: number; status: string }>).find((a) => a.id === j[0]!.apply_id);
    expect(listed?.status).toBe('interrupted');

    const again = await planJson(f);
    expect(again.tables[0]!.steps).toEqual(planned.tables[0]!.steps);
    const r = await runCli(applyArgs(f), { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/A new plan is empty/);
    expect(await totals(c, S, T)).toEqual(before);
    expect((await journal(c, label)).map((x) => x.status)).toEqual(['started', 'done']);
    const def = await totals(c, S, `${T} default`);
    expect(def.rows).toBe(0);
  });

  it('two applies at once on the same table: the second fails fast and names the first', async () => {
    const c = db.client;
    const S = 'twice';
    const T = 'events';
    await createTable(c, S, T);
    await fillDays(c, S, T, '2026-01-01', '2026-03-01', 40);
    const f = policyFile(
      'twice.yaml',
      `version: 1\ndefaults:\n  lock: { timeout: 120s }\ntables:\n  - table: ${S}.${T}\n    layout:\n      - { from: -1 month, to: +3 months, every: 1 month }\n`,
    );
    // A writer's open transaction holds the first apply inside its step (waiting for its lock, with
    // the table's advisory lock taken) for as long as the test needs, however loaded the machine.
    const writer = await db.connect();
    await writer.query('BEGIN');
    await writer.query(`LOCK TABLE ${q(S)}.${q(T)} IN ROW EXCLUSIVE MODE`);
    let first: ReturnType<typeof startCli> | undefined;
    try {
      first = startCli(applyArgs(f), env);
      const backend = await waitFor('the first apply\'s split to wait for the writer', () => applyBackend(c, 'split_default'));
      expect(backend.applicationName).toMatch(/^gppart apply \d+$/);
      const second = await runCli(applyArgs(f), { env });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`${S}.${T} is locked by ${backend.applicationName} (pid ${backend.pid}`);
      // It did not wait for the first one's step: that step is still waiting for the writer.
      const stillRunning = await applyBackend(c, 'split_default');
      expect(stillRunning?.pid).toBe(backend.pid);
    } finally {
      await writer.query('COMMIT');
    }
    const r = await first!.done;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await journal(c, `${S}.${T}`)).map((x) => x.status)).toEqual(['done']);
  });
});
