// What plan reads from the journal for its reviewers: past throughput per kind of step and the
// last apply's policy, on a real server (also with a schema older than migration 070).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listMigrations, migrate } from '../../src/catalog/migrations.js';
import { lastApply, pastThroughput } from '../../src/catalog/state-store.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { SQL_DIR } from './procedures/fixture.js';

async function addApply(db: TestDb, status: string, policyText: string | null): Promise<number> {
  const r = await db.client.query(`INSERT INTO gppart.applies (status, policy_hash, policy_text) VALUES ($1, 'h', $2) RETURNING id`, [status, policyText]);
  return Number(r.rows[0].id);
}

async function addStep(db: TestDb, applyId: number, kind: string, status: string, rows: number | null, seconds: number): Promise<void> {
  await db.client.query(
    `INSERT INTO gppart.journal (apply_id, table_name, step_no, kind, call, status, rows, started_at, finished_at)
     VALUES ($1, 's.t', 1, $2, 'SELECT 1', $3, $4, now() - make_interval(secs => $5), now())`,
    [applyId, kind, status, rows, seconds],
  );
}

describe('the journal as plan reads it', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('journal_review');
    await migrate(db.client, SQL_DIR);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('has no throughput and no last apply before any apply', async () => {
    expect(await pastThroughput(db.client)).toEqual({});
    expect(await lastApply(db.client, ['s.t'])).toBeNull();
  });

  it('measures rows per second over done steps that moved rows, per kind, the latest 20 of each', async () => {
    const a = await addApply(db, 'done', 'version: 1\n');
    await addStep(db, a, 'merge', 'done', 1000, 10);
    await addStep(db, a, 'merge', 'done', 3000, 10);
    await addStep(db, a, 'merge', 'failed', null, 50);
    await addStep(db, a, 'split', 'done', 0, 5);
    await addStep(db, a, 'drop', 'skipped', null, 0);
    await addStep(db, a, 'move', 'interrupted', null, 3);
    for (let i = 0; i < 20; i++) await addStep(db, a, 'drop', 'done', 100, 1);
    const t = await pastThroughput(db.client);
    expect(t.merge?.steps).toBe(2);
    expect(t.merge?.rowsPerSecond).toBeCloseTo(200, 0);
    expect(t.split).toBeUndefined();
    expect(t.move).toBeUndefined();
    expect(t.drop?.steps).toBe(20);
  });

  it('names the last apply that changed one of these tables, with the policy it ran with', async () => {
    const done = await addApply(db, 'partial', 'version: 1\ntables: []\n');
    await addStep(db, done, 'merge', 'done', 10, 1);
    for (const status of ['failed', 'interrupted']) await addStep(db, await addApply(db, status, `version: 1\n# ${status}\n`), 'merge', 'failed', null, 1);
    // Another policy's apply on another table is not this policy's history.
    const other = await addApply(db, 'done', 'version: 1\n# another policy\n');
    await db.client.query(`INSERT INTO gppart.journal (apply_id, table_name, step_no, kind, call, status, rows) VALUES ($1, 'x.other', 1, 'drop', 'SELECT 1', 'done', 1)`, [other]);
    expect(await lastApply(db.client, ['s.t'])).toMatchObject({ id: done, status: 'partial', policyHash: 'h', policyText: 'version: 1\ntables: []\n' });
    expect(await lastApply(db.client, ['x.other'])).toMatchObject({ id: other });
    expect(await lastApply(db.client, ['y.none'])).toBeNull();
  });

  it('works on a schema gppart older than migration 070 (no policy text yet)', async () => {
    const old = await createTestDb('journal_review_old');
    const dir = mkdtempSync(join(tmpdir(), 'gppart-old-sql-'));
    try {
      for (const m of listMigrations(SQL_DIR).filter((x) => x.version < 70)) cpSync(join(SQL_DIR, m.file), join(dir, m.file));
      await migrate(old.client, dir);
      const a = await old.client.query(`INSERT INTO gppart.applies (status, policy_hash) VALUES ('done', 'h') RETURNING id`);
      await old.client.query(`INSERT INTO gppart.journal (apply_id, table_name, step_no, kind, call, status, rows) VALUES ($1, 's.t', 1, 'drop', 'SELECT 1', 'done', 1)`, [a.rows[0].id]);
      expect(await lastApply(old.client, ['s.t'])).toMatchObject({ status: 'done', policyText: null });
      expect(await pastThroughput(old.client)).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await old.drop();
    }
  });
});
