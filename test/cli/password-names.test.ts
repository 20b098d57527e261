// The password is kept out of output where a connection string could carry it, never by masking
// every occurrence of its letters: with the password "test", schema test_part, table sales_test
// and user test_<tag> must print as they are in every format, the sql script included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDb, serverUrl, type TestDb } from '../support/db.js';
import { runCli, type CliResult } from '../support/cli.js';

const PASSWORD = 'test';
const USER = `test_${randomBytes(3).toString('hex')}`;
const NOW = '2026-11-25';

describe('a password that is also part of names (CLI, real server)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;
  const outputs: CliResult[] = [];
  const run = async (args: string[]) => {
    const r = await runCli(args, { env });
    outputs.push(r);
    return r;
  };

  beforeAll(async () => {
    db = await createTestDb('pw_names');
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`CREATE ROLE ${USER} LOGIN SUPERUSER PASSWORD '${PASSWORD}'`);
    await admin.end();
    const url = new URL(db.url);
    url.username = USER;
    url.password = PASSWORD;
    env = { GPPART_DATABASE_URL: url.toString() };
    dir = mkdtempSync(join(tmpdir(), 'gppart-pw-'));
    await db.client.query(`CREATE SCHEMA test_part`);
    await db.client.query(`CREATE TABLE test_part.sales_test (day date NOT NULL) PARTITION BY RANGE (day)`);
    await db.client.query(`CREATE TABLE test_part.sales_test_2020 PARTITION OF test_part.sales_test FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')`);
    await db.client.query(`CREATE TABLE test_part.sales_test_default PARTITION OF test_part.sales_test DEFAULT`);
    await db.client.query(`INSERT INTO test_part.sales_test SELECT d FROM generate_series(date '2020-01-01', date '2026-11-20', interval '3 days') d`);
    policyFile = join(dir, 'gppart.yaml');
    writeFileSync(
      policyFile,
      `version: 1\ntables:\n  - table: test_part.sales_test\n    layout:\n      - { from: -2 months, to: +1 month, every: 1 month }\n    retention: { drop_after: 1 year }\n`,
    );
  });
  afterAll(async () => {
    await db.drop();
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${USER}`);
    await admin.end();
  });

  it('prints names, the sql script, history and the apply as they are', async () => {
    expect((await run(['init'])).code).toBe(0);
    const sql = await run(['plan', '-c', policyFile, '--now', NOW, '--format', 'sql']);
    expect(sql.stdout).toMatch(/SELECT "gppart"\."drop_partition"\('test_part', 'sales_test', 'test_part', 'sales_test_2020', '2020-01-01', '2021-01-01'\);/);
    const json = JSON.parse((await run(['plan', '-c', policyFile, '--now', NOW, '--format', 'json'])).stdout);
    expect(json.tables[0]).toMatchObject({ table: 'test_part.sales_test', schema: 'test_part', name: 'sales_test' });
    await run(['plan', '-c', policyFile, '--now', NOW, '--format', 'markdown']);
    const apply = await run(['apply', '-c', policyFile, '--now', NOW, '--auto-approve', '--allow-destroy', '--allow-now-override', '--state-dir', join(dir, 'state')]);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/1\/2\] - drop test_part\.sales_test: done/);
    const id = /Apply (\d+) done/.exec(apply.stdout)![1]!;
    const history = await run(['history']);
    expect(history.stdout).toContain(`${USER} (`);
    const shown = await run(['show', '--apply', id]);
    expect(shown.stdout).toMatch(/^test_part\.sales_test$/m);
    expect(shown.stdout).toContain(`by ${USER} (`);
    for (const r of outputs) {
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain('***');
    }
  }, 300_000);

  it('still keeps the password itself out of a connection error that could echo the connection string', async () => {
    const url = new URL(env.GPPART_DATABASE_URL!);
    url.password = 'hunter2-secret';
    url.port = '1';
    const r = await runCli(['plan', '-c', policyFile, '--now', NOW, '--database-url', url.toString()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot connect \(--database-url\): /);
    expect(r.stderr).not.toContain('hunter2-secret');
  }, 300_000);
});
