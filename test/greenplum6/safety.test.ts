// Data safety on a real Greenplum 6, through the built CLI: a writer inserting through the parent
// during splits and merges loses nothing; kill -9 of gppart and pg_terminate_backend of its session in
// the middle of a step leave the table exactly as it was, the journal says what happened and the
// next apply converges; a step that cannot get its lock within lock.timeout changes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import {
  applyArgs,
  applyConverges,
  createGp6Db,
  createTable,
  describeGp6,
  fillDays,
  journal,
  planJson,
  q,
  shape,
  totals,
  waitFor,
  type Gp6Db,
} from './support.js';
import type { CliResult } from '../support/cli.js';

const NOW = '2025-04-01';
const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');

/** The built CLI, started without waiting, so a test can watch it and kill it. */
function startCli(db: Gp6Db, args: string[]): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GPPART_DATABASE_URL: db.url };
  for (const k of ['DATABASE_URL', 'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE']) delete env[k];
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'run.js'), ...args], { env, cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.end('');
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr }));
  });
  return { child, done };
}

/**
 * The backend of a running apply once its step holds ACCESS EXCLUSIVE on the parent: the step has
 * begun changing the table (the DEFAULT is exchanged out, partitions dropped and added).
 */
async function stepInFlight(c: pg.ClientBase, schema: string, table: string): Promise<number | null> {
  const r = await c.query<{ pid: number }>(
    `SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
     WHERE a.datname = current_database() AND a.application_name LIKE 'gppart apply%' AND a.state = 'active'
       AND l.locktype = 'relation' AND l.granted AND l.mode = 'AccessExclusiveLock'
       AND l.relation = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2)
     LIMIT 1`,
    [schema, table],
  );
  return r.rows[0]?.pid ?? null;
}

async function backendGone(c: pg.ClientBase, pid: number): Promise<boolean> {
  return (await c.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [pid])).rowCount === 0;
}

describeGp6('data safety: concurrent writer, kill -9, terminated backend, lock timeout', () => {
  let db: Gp6Db;

  beforeAll(async () => {
    db = await createGp6Db('safety');
    const c = db.client;
    // Rows the steps write cost ~3 ms each once gppart_test.slow is on for new sessions (the
    // step's segments included), so a step runs long enough to be observed, joined and killed.
    await c.query(`CREATE FUNCTION public.gppart_test_slow(text) RETURNS boolean LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('gppart_test.slow') = 'on' THEN PERFORM pg_sleep(0.003); END IF;
        RETURN true;
      END $$`);
    await c.query(`ALTER DATABASE ${q(db.name)} SET gppart_test.slow = 'off'`);
    await c.query(`SET gppart_test.slow = 'off'`);
    expect((await db.cli(['init'])).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function slowTable(schema: string, table: string, storage: 'heap' | 'ao_column', perDay: number): Promise<string> {
    const c = db.client;
    await createTable(
      c,
      schema,
      table,
      storage,
      `START ('2024-07-01') END ('2025-01-01') EVERY (INTERVAL '1 month'), DEFAULT PARTITION other`,
    );
    await c.query(`CREATE INDEX ON ${q(schema)}.${q(table)} (id)`);
    await c.query(`ALTER TABLE ${q(schema)}.${q(table)} ADD CONSTRAINT slow CHECK (public.gppart_test_slow(src))`);
    await fillDays(c, schema, table, '2024-07-01', '2025-07-01', perDay);
    return db.policy(
      `${table}.yaml`,
      `version: 1
defaults: { lock: { timeout: 2s } }
tables:
  - table: ${schema}.${table}
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -9 months, to: -3 months, every: 1 quarter }
`,
    );
  }

  async function slowOn(): Promise<void> {
    await db.client.query(`ALTER DATABASE ${q(db.name)} SET gppart_test.slow = 'on'`);
  }
  async function slowOff(): Promise<void> {
    await db.client.query(`ALTER DATABASE ${q(db.name)} SET gppart_test.slow = 'off'`);
  }

  it('a writer inserting through the parent during the splits and merges loses no row', async () => {
    const S = 'writer';
    const T = 'events';
    const policy = await slowTable(S, T, 'ao_column', 4);
    const kinds = (await planJson(db, policy, NOW)).tables[0]!.steps.map((s) => s.kind);
    expect(kinds.sort()).toEqual(['merge', 'merge', 'split']);
    const before = await totals(db.client, S, T);
    await slowOn();
    const writer = await db.connect();
    await writer.query(`SET gppart_test.slow = 'off'`);
    let stop = false;
    let committed = 0;
    let vSum = 0n;
    const starts: number[] = [];
    const errors: string[] = [];
    const loop = (async () => {
      for (let i = 1; !stop; i++) {
        // Keys in the merged, split and untouched ranges and past the layout (the DEFAULT).
        const v = 9_000_000_000 + i;
        try {
          const r = await writer.query<{ at: string }>(
            `INSERT INTO ${q(S)}.${q(T)} (id, day, v, src) VALUES ($1, date '2024-07-01' + $3::int, $2, 'w') RETURNING extract(epoch FROM now())::text AS at`,
            [10_000_000 + i, v, (i * 37) % 400],
          );
          starts.push(Number(r.rows[0]!.at));
          committed++;
          vSum += BigInt(v);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    })();
    try {
      await waitFor('the writer to commit', async () => committed > 20);
      const r = await db.cli(applyArgs(db, policy, NOW));
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/A new plan is empty/);
      expect(r.code).toBe(0);
      await new Promise((res) => setTimeout(res, 300));
    } finally {
      stop = true;
      await loop;
      await slowOff();
    }
    expect(errors).toEqual([]);
    expect(committed).toBeGreaterThan(50);
    const w = await totals(db.client, S, T, `src = 'w'`);
    expect([w.rows, w.vSum]).toEqual([committed, vSum.toString()]);
    expect(await totals(db.client, S, T, `src = 'seed'`)).toEqual(before);
    // Some of the writer's inserts waited for a step: they were issued while one ran.
    const steps = await db.client.query<{ a: string; b: string }>(
      `SELECT extract(epoch FROM started_at)::text AS a, extract(epoch FROM finished_at)::text AS b FROM gppart.journal WHERE table_name = $1 AND status = 'done'`,
      [`${S}.${T}`],
    );
    expect(steps.rows.length).toBe(3);
    expect(starts.filter((t) => steps.rows.some((x) => t >= Number(x.a) && t <= Number(x.b))).length).toBeGreaterThan(0);
    expect((await db.cli(['plan', '-c', policy, '--now', NOW, '--detailed-exitcode'])).code).toBe(0);
  });

  for (const how of ['kill -9 of gppart', 'pg_terminate_backend of its session'] as const) {
    it(`${how} in the middle of a step leaves the table as it was; the journal says so; the next apply converges`, async () => {
      const S = how.startsWith('kill') ? 'killed' : 'terminated';
      const T = 'events';
      const policy = await slowTable(S, T, 'heap', 6);
      const shapeBefore = await shape(db.client, S, T);
      const before = await totals(db.client, S, T);
      await slowOn();
      let r: CliResult;
      let pid: number;
      try {
        const run = startCli(db, applyArgs(db, policy, NOW));
        pid = await waitFor('a step to hold the table', () => stepInFlight(db.client, S, T));
        await new Promise((res) => setTimeout(res, 300));
        if (how.startsWith('kill')) {
          expect(run.child.kill('SIGKILL')).toBe(true);
        } else {
          const t = await db.client.query<{ ok: boolean }>(`SELECT pg_terminate_backend($1) AS ok`, [pid]);
          expect(t.rows[0]!.ok).toBe(true);
        }
        r = await run.done;
        // Without a client the backend finishes its statement, then finds the connection gone.
        await waitFor("the step's backend to end", () => backendGone(db.client, pid), 120_000);
      } finally {
        await slowOff();
      }
      expect(await shape(db.client, S, T)).toEqual(shapeBefore);
      expect(await totals(db.client, S, T)).toEqual(before);
      const j = await journal(db.client, `${S}.${T}`);
      expect(j).toHaveLength(1);
      const applyRow = await db.client.query<{ status: string }>(`SELECT status FROM gppart.applies WHERE id = $1`, [j[0]!.apply_id]);
      if (how.startsWith('kill')) {
        expect(r.code).toBe(-1);
        expect(j[0]).toMatchObject({ status: 'started' });
        const history = await db.cli(['history', '--format', 'json']);
        const listed = (JSON.parse(history.stdout) as Array<{ id: number; status: string }>).find((a) => a.id === j[0]!.apply_id);
        expect(listed?.status).toBe('interrupted');
      } else {
        // One line naming what happened, no "unexpected" and no stack trace.
        expect(r.code).toBe(1);
        expect(r.stderr).not.toMatch(/unexpected|please report|at .*\.js:\d+/);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(/^Error: apply \d+ stopped at step 1 of 3 \(\w+ terminated\.events\), interrupted: the server ended gppart's session \(terminating connection due to administrator command\); the server rolled the step back, so it changed nothing; 2 later step\(s\) not run/);
        expect(j[0]!.status).toBe('failed');
        expect(j[0]!.error).toMatch(/interrupted: the server ended gppart's session/);
        expect(applyRow.rows[0]!.status).toBe('failed');
      }
      await applyConverges(db, policy, NOW);
      expect(await totals(db.client, S, T)).toEqual(before);
    });
  }

  it('a step that cannot get its lock within lock.timeout changes nothing and is planned again', async () => {
    const S = 'blocked';
    const T = 'events';
    const policy = await slowTable(S, T, 'ao_column', 1);
    const planned = await planJson(db, policy, NOW);
    const shapeBefore = await shape(db.client, S, T);
    const before = await totals(db.client, S, T);
    const reader = await db.connect();
    await reader.query('BEGIN');
    await reader.query(`SELECT count(*) FROM ${q(S)}.${q(T)}`);
    let r: CliResult;
    try {
      r = await db.cli(applyArgs(db, policy, NOW));
    } finally {
      await reader.query('COMMIT');
    }
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/FAILED after [\d.]+ s and rolled back: could not get the table's lock within the policy's lock\.timeout/);
    expect(await shape(db.client, S, T)).toEqual(shapeBefore);
    expect(await totals(db.client, S, T)).toEqual(before);
    const j = await journal(db.client, `${S}.${T}`);
    expect(j[0]).toMatchObject({ status: 'failed' });
    expect(j[0]!.error).toMatch(/nothing was changed, the step will be planned again/);
    expect((await planJson(db, policy, NOW)).tables[0]!.steps).toEqual(planned.tables[0]!.steps);
    await applyConverges(db, policy, NOW);
  });
});
