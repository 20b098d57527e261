// lock.timeout, lock.mode exclusive and max_steps_per_table through the built binary against the
// real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';
import { addPartition, applyBackend, createTable, fillDays, journal, partitions, q, slowWrites, startCli, totals, waitFor } from './support.js';

const NOW = '2026-01-15';

interface PlanDoc {
  tables: Array<{ steps: Array<{ kind: string; reads: Array<{ name: string }>; produces: Array<{ name: string; from?: string }> }>; deferred: number }>;
}

describe('locks and step limits of apply (CLI, real server)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  function policyFile(name: string, text: string): string {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  }
  const applyArgs = (f: string) => ['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')];
  async function planJson(f: string): Promise<PlanDoc> {
    const r = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'json'], { env });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout) as PlanDoc;
  }

  beforeAll(async () => {
    db = await createTestDb('data_safety_locks');
    dir = mkdtempSync(join(tmpdir(), 'gppart-locks-'));
    env = { GPPART_DATABASE_URL: db.url };
    expect((await runCli(['init'], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('a step that cannot get its lock within lock.timeout fails cleanly, changes nothing and is planned again', async () => {
    const c = db.client;
    const S = 'blocked';
    const T = 'events';
    await createTable(c, S, T);
    await fillDays(c, S, T, '2026-01-01', '2026-03-01', 5);
    const f = policyFile(
      'blocked.yaml',
      `version: 1\ndefaults: { lock: { timeout: 500ms } }\ntables:\n  - table: ${S}.${T}\n    layout:\n      - { from: -1 month, to: +3 months, every: 1 month }\n`,
    );
    const planned = await planJson(f);
    expect(planned.tables[0]!.steps.map((s) => s.kind)).toEqual(['split']);
    const partsBefore = await partitions(c, S, T);
    const before = await totals(c, S, T);

    // A reader in an open transaction: its ACCESS SHARE conflicts with the split's ACCESS EXCLUSIVE.
    const reader = await db.connect();
    await reader.query('BEGIN');
    await reader.query(`SELECT count(*) FROM ${q(S)}.${q(T)}`);
    let r;
    try {
      r = await runCli(applyArgs(f), { env });
      expect(await partitions(c, S, T)).toEqual(partsBefore);
    } finally {
      await reader.query('COMMIT');
    }
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/split blocked\.events: FAILED after [\d.]+ s and rolled back: could not get the table's lock within the policy's lock\.timeout/);
    expect(await totals(c, S, T)).toEqual(before);
    const j = await journal(c, `${S}.${T}`);
    expect(j).toHaveLength(1);
    expect(j[0]).toMatchObject({ kind: 'split', status: 'failed' });
    expect(j[0]!.error).toMatch(/lock\.timeout .*lock timeout.*nothing was changed, the step will be planned again/);

    const again = await planJson(f);
    expect(again.tables[0]!.steps).toEqual(planned.tables[0]!.steps);
    const ok = await runCli(applyArgs(f), { env });
    expect(ok.code).toBe(0);
    expect(await totals(c, S, T)).toEqual(before);
  });

  // While a slow split copies rows: which lock does the step hold on the table, and can a reader
  // read it? lock.mode shared: SHARE ROW EXCLUSIVE (writers wait), and a SELECT answers at once.
  // lock.mode exclusive: ACCESS EXCLUSIVE from the start, and the same SELECT waits.
  for (const mode of ['shared', 'exclusive'] as const) {
    it(`lock.mode ${mode}: ${mode === 'shared' ? 'readers go on while rows are copied' : 'nothing goes on while the step runs'}`, async () => {
      const c = db.client;
      const S = `mode_${mode}`;
      const T = 'events';
      await createTable(c, S, T);
      await addPartition(c, S, T, 'untouched', '2025-01-01', '2025-02-01');
      await fillDays(c, S, T, '2025-01-01', '2025-01-03', 5);
      await fillDays(c, S, T, '2026-01-01', '2026-02-15', 20); // ~900 rows for the split
      await slowWrites(c, S, T);
      const f = policyFile(
        `${mode}.yaml`,
        `version: 1\ndefaults: { lock: { mode: ${mode}, timeout: 5s } }\ntables:\n  - table: ${S}.${T}\n    layout:\n      - { from: -1 month, to: +2 months, every: 1 month }\n`,
      );
      const run = startCli(applyArgs(f), env);
      const backend = await waitFor('the split to run', () => applyBackend(c, 'split_default'));
      // ~900 rows at ≥ 2 ms each: the copy lasts ≥ 1.8 s; 400 ms in, the step is copying.
      await new Promise((r) => setTimeout(r, 400));
      const held = await c.query<{ mode: string }>(
        `SELECT l.mode FROM pg_locks l WHERE l.pid = $1 AND l.locktype = 'relation' AND l.granted
           AND l.relation = '${S}.${T}'::regclass ORDER BY 1`,
        [backend.pid],
      );
      const reader = await db.connect();
      await reader.query(`SET lock_timeout = '300ms'`);
      const read = await reader.query(`SELECT count(*)::int AS n FROM ${q(S)}.${q(T)}`).then(
        (r) => ({ ok: true as const, n: r.rows[0].n as number }),
        (e: Error) => ({ ok: false as const, error: e.message }),
      );
      if (mode === 'shared') {
        expect(held.rows.map((x) => x.mode)).toContain('ShareRowExclusiveLock');
        expect(held.rows.map((x) => x.mode)).not.toContain('AccessExclusiveLock');
        expect(read).toEqual({ ok: true, n: 10 + 900 });
      } else {
        expect(held.rows.map((x) => x.mode)).toContain('AccessExclusiveLock');
        expect(read.ok).toBe(false);
      }
      const r = await run.done;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }

  it('max_steps_per_table caps each apply, oldest first, says how many are deferred, and converges', async () => {
    const c = db.client;
    const S = 'capped';
    const T = 'events';
    await createTable(c, S, T);
    for (let m = 0; m < 24; m++) {
      const from = new Date(Date.UTC(2024, m, 1)).toISOString().slice(0, 10);
      const to = new Date(Date.UTC(2024, m + 1, 1)).toISOString().slice(0, 10);
      await addPartition(c, S, T, `m ${from.slice(0, 7)}`, from, to);
    }
    await fillDays(c, S, T, '2024-01-01', '2026-01-01', 2);
    const before = await totals(c, S, T);
    const f = policyFile(
      'capped.yaml',
      `version: 1\ndefaults: { max_steps_per_table: 3 }\ntables:\n  - table: ${S}.${T}\n    layout:\n      - { from: -2 years, to: 0 days, every: 1 quarter }\n`,
    );
    const first = await planJson(f);
    const steps = first.tables[0]!.steps;
    expect(steps.map((s) => s.kind)).toEqual(['merge', 'merge', 'merge']);
    const total = steps.length + first.tables[0]!.deferred;
    expect(first.tables[0]!.deferred).toBeGreaterThan(0);
    // Oldest first: the capped plan takes the three oldest quarters.
    expect(steps.map((s) => s.produces[0]!.from)).toEqual(['2024-04-01', '2024-07-01', '2024-10-01']);
    const text = await runCli(['plan', '-c', f, '--now', NOW], { env });
    expect(text.stdout).toMatch(new RegExp(`\\(${first.tables[0]!.deferred} more deferred by max_steps_per_table\\)`));

    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runCli(applyArgs(f), { env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const n = Number(/apply \d+: (\d+) step\(s\)/.exec(r.stdout)?.[1]);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(3);
      runs.push(n);
      if (/A new plan is empty/.test(r.stdout)) break;
      expect(r.stdout).toMatch(/step\(s\) deferred by max_steps_per_table/);
    }
    expect(runs.reduce((a, b) => a + b, 0)).toBe(total);
    expect(runs.length).toBe(Math.ceil(total / 3));
    expect((await planJson(f)).tables[0]!.steps).toEqual([]);
    expect(await totals(c, S, T)).toEqual(before);
    expect((await journal(c, `${S}.${T}`)).every((x) => x.status === 'done')).toBe(true);
  });
});
