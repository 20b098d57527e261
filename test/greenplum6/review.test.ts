// The review side on a real Greenplum 6: a plan as a psql script run by the cluster's own psql, plan
// files shown in every format, and past applies in history and `show --apply`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  createGp6Db,
  createTable,
  describeGp6,
  fillDays,
  psqlScript,
  q,
  shape,
  totals,
  type Gp6Db,
} from './support.js';

const NOW = '2025-04-01';

describeGp6('plan scripts, plan files, history and show --apply', () => {
  let db: Gp6Db;
  let policy: string;

  beforeAll(async () => {
    db = await createGp6Db('review');
    const c = db.client;
    for (const t of ['scripted', 'applied']) {
      await createTable(
        c,
        'rv',
        t,
        'ao_column',
        `START ('2024-10-01') END ('2025-01-01') EVERY (INTERVAL '1 month'), DEFAULT PARTITION other`,
      );
      await c.query(`CREATE INDEX ON rv.${q(t)} (id)`);
      await fillDays(c, 'rv', t, '2024-10-01', '2025-07-01', 3);
    }
    await createTable(c, 'rv', 'ensured', 'heap', `PARTITION m2025_03 START ('2025-03-01') END ('2025-04-01')`);
    policy = db.policy(
      'review.yaml',
      `version: 1
tables:
  - table: rv.scripted
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -6 months, to: -3 months, every: 1 quarter }
  - table: rv.applied
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -6 months, to: -3 months, every: 1 quarter }
  - table: rv.ensured
    layout:
      - { from: -1 month, to: +1 month, every: 1 month }
    default_partition: ensure
`,
    );
    expect((await db.cli(['init'])).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('counts creating a DEFAULT apart from the splits', async () => {
    const r = await db.cli(['plan', '-c', policy, '--now', NOW, '--target', 'rv.ensured']);
    expect(r.stdout).toMatch(/\+ split +create DEFAULT partition ensured_1_prt_default/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('Plan: 1 to split, 1 DEFAULT to create, 0 to merge, 0 to move, 0 to unload, 0 to drop.');
  });

  it('`plan --format sql` runs through the cluster\'s psql and leaves nothing to do', async () => {
    const before = await totals(db.client, 'rv', 'scripted');
    const sql = await db.cli(['plan', '-c', policy, '--now', NOW, '--format', 'sql', '--target', 'rv.scripted']);
    expect(sql.code).toBe(0);
    expect(sql.stdout).toContain('SELECT "gppart"."split_default"(');
    expect(sql.stdout).toContain('SELECT "gppart"."merge_partitions"(');
    const run = psqlScript(db, sql.stdout);
    expect(run.output).not.toMatch(/ERROR/);
    expect(run.code).toBe(0);
    expect(await totals(db.client, 'rv', 'scripted')).toEqual(before);
    const again = await db.cli(['plan', '-c', policy, '--now', NOW, '--target', 'rv.scripted', '--detailed-exitcode']);
    expect(again.stdout).toMatch(/No changes/);
    expect(again.code).toBe(0);
    expect((await shape(db.client, 'rv', 'scripted')).map((p) => p.storage)).toEqual(Array(8).fill('c zstd:1 column'));
  });

  it('a saved plan shows as text, markdown, json and sql without a database', async () => {
    const file = join(db.dir, 'plan.json');
    const out = await db.cli(['plan', '-c', policy, '--now', NOW, '--target', 'rv.applied', '--out', file]);
    expect(out.code).toBe(0);
    for (const format of ['text', 'markdown', 'json', 'sql']) {
      const r = await db.cli(['show', file, '--format', format]);
      expect([format, r.code, r.stderr]).toEqual([format, 0, '']);
      expect(r.stdout).toContain('merge_partitions');
    }
  });

  it('history lists an apply and `show --apply ID` shows its steps and layouts', async () => {
    const applied = await db.cli(['apply', join(db.dir, 'plan.json'), '--auto-approve', '--allow-now-override', '--state-dir', join(db.dir, 'state')]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const id = Number(/apply (\d+):/.exec(applied.stdout)![1]);

    const history = await db.cli(['history', '--format', 'json']);
    expect(history.code).toBe(0);
    const listed = (JSON.parse(history.stdout) as Array<{ id: number; status: string; stepsDone: number }>).find((a) => a.id === id);
    expect(listed).toMatchObject({ status: 'done', stepsDone: 2 });
    expect((await db.cli(['history'])).stdout).toMatch(new RegExp(`^${id}\\s.*\\bdone\\b`, 'm'));

    const text = await db.cli(['show', '--apply', String(id)]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`apply ${id}: done`);
    expect(text.stdout).toMatch(/rv\.applied/);
    const json = await db.cli(['show', '--apply', String(id), '--format', 'json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { apply: { id: number }; steps: Array<{ kind: string; status: string }>; snapshots: Array<{ before: unknown[]; after: unknown[] }> };
    expect(doc.apply.id).toBe(id);
    expect(doc.steps.map((s) => [s.kind, s.status]).sort()).toEqual([
      ['merge', 'done'],
      ['split', 'done'],
    ]);
    expect(doc.snapshots[0]!.before.length).toBe(4);
    expect(doc.snapshots[0]!.after.length).toBe(8);
  });
});
