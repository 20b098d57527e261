// Archive on a real Greenplum 6 (GPPART_TEST_GREENPLUM6_URL, e.g. from ../shared/greenplum6/gp6):
// the client path through the CLI (drop by rank, restore by SPLIT DEFAULT + EXCHANGE), and the PXF
// path's mechanics. PXF is not installed here: its SQL is run up to the point where Greenplum
// needs the pxf protocol (so every statement before it parsed and ran), and the exchange with a
// readable external table is tested with a file:// external table standing in for PXF.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runCli } from '../support/cli.js';
import { startS3, type TestS3 } from '../support/s3.js';

const URL = process.env.GPPART_TEST_GREENPLUM6_URL;
// With archive.after 2 years, January 2024 (only) is past it.
const NOW = '2026-02-01';

describe.skipIf(!URL)('archive on Greenplum 6 (real cluster)', () => {
  let c: pg.Client;
  let s3: TestS3;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const S = `arch_${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    c = new pg.Client({ connectionString: URL });
    await c.connect();
    s3 = await startS3('gp6-archive');
    dir = mkdtempSync(join(tmpdir(), 'gppart-gp6-archive-'));
    chmodSync(dir, 0o777);
    env = { GPPART_DATABASE_URL: URL, ...s3.env };
    const init = await runCli(['init'], { env });
    expect(init.stderr).toBe('');
    await c.query(`CREATE SCHEMA ${S}`);
  }, 120_000);
  afterAll(async () => {
    await c?.query(`DROP SCHEMA IF EXISTS ${S} CASCADE`).catch(() => undefined);
    await c?.end();
    await s3?.close();
  });

  async function monthlyTable(name: string, storage: string, dayNotNull = true): Promise<void> {
    await c.query(`CREATE TABLE ${S}.${name} (id bigint, day date${dayNotNull ? ' NOT NULL' : ''}, amount numeric(12,2), note text)
      WITH (${storage}) DISTRIBUTED BY (id)
      PARTITION BY RANGE (day) (START ('2024-01-01'::date) END ('2024-07-01'::date) EVERY ('1 month'::interval), DEFAULT PARTITION other)`);
    await c.query(`INSERT INTO ${S}.${name} SELECT g, '2024-01-01'::date + (g % 180), g / 100.0, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END
                     FROM generate_series(1, 18000) g`);
    await c.query(`ANALYZE ${S}.${name}`);
  }

  async function parts(name: string) {
    const r = await c.query(
      `SELECT partitionname, partitionrank, partitionrangestart, partitiontype, c.relstorage::text AS storage
         FROM pg_partitions p JOIN pg_class c ON c.relname = p.partitiontablename
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = p.partitionschemaname
        WHERE p.schemaname = $1 AND p.tablename = $2 ORDER BY partitionrank NULLS LAST`,
      [S, name],
    );
    return r.rows;
  }

  async function digest(where: string): Promise<{ n: number; s: string; h: string }> {
    const r = await c.query(`SELECT count(*)::int AS n, sum(amount)::text AS s, md5(string_agg(id::text || coalesce(note, '~'), ',' ORDER BY id)) AS h FROM ${where}`);
    return r.rows[0];
  }

  it('client path: archive (drop by rank) and restore (SPLIT DEFAULT + EXCHANGE) through the CLI, AO column table', async () => {
    await monthlyTable('sales', 'appendonly=true, orientation=column, compresstype=zstd');
    const jan = `${S}.sales WHERE day >= '2024-01-01' AND day < '2024-02-01'`;
    const before = await digest(jan);
    const f = join(dir, 'client.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: ${S}.sales\n    archive: { after: 2 years, to: "s3://${s3.bucket}/gp6", format: parquet }\n`);
    const plan = await runCli(['plan', '-c', f, '--now', NOW], { env });
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toMatch(/Greenplum Database 6/);
    expect(plan.stdout).toMatch(/Plan: 0 to split, 0 to merge, 0 to move, 1 to unload/);
    const apply = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')], { env });
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toMatch(new RegExp(`\\^ unload ${S}\\.sales: done in [\\d.]+ s, ${before.n.toLocaleString('en-US')} rows`));
    expect((await parts('sales')).map((p) => p.partitionrangestart)).not.toContain(`'2024-01-01'::date`);
    expect(await digest(jan)).toEqual({ n: 0, s: null, h: null });

    const restore = await runCli(['restore', `${S}.sales`], { env });
    expect(restore.stderr).toBe('');
    expect(await digest(jan)).toEqual(before);
    const jan2 = (await parts('sales')).find((p) => p.partitionrangestart === `'2024-01-01'::date`);
    expect(jan2).toBeDefined();
    // The restored partition is an ordinary one again, with the parent's AO column storage.
    expect(jan2!.storage).toBe('c');
    const hist = await runCli(['history', '--archives', '--table', `${S}.sales`], { env });
    expect(hist.stdout).toMatch(/restored \(of \d+\)/);
  }, 180_000);

  it('PXF path: unload_pxf parses and runs until Greenplum needs the pxf protocol, and changes nothing', async () => {
    await monthlyTable('viapxf', 'appendonly=true', false);
    const before = await parts('viapxf');
    const child = before[0].partitionname ?? null;
    const childName = (await c.query(`SELECT partitiontablename FROM pg_partitions WHERE schemaname = $1 AND tablename = 'viapxf' AND partitionrank = 1`, [S])).rows[0].partitiontablename;
    await expect(
      c.query(`SELECT gppart.unload_pxf($1, 'viapxf', $1, $2, '2024-01-01', '2024-02-01', 's3://dp-partition/gp6/viapxf/2024-01-01_2024-02-01/', 'parquet', 'default')`, [S, childName]),
    ).rejects.toThrow(/protocol "pxf" does not exist/);
    await expect(
      c.query(`SELECT gppart.unload_pxf($1, 'viapxf', $1, $2, '2024-01-01', '2024-02-01', 's3://dp-partition/gp6/x/', 'csv.gz', 'default')`, [S, childName]),
    ).rejects.toThrow(/protocol "pxf" does not exist/);
    // Refusals come before any DDL: bad server name, wrong bounds.
    await expect(c.query(`SELECT gppart.unload_pxf($1, 'viapxf', $1, $2, '2024-01-01', '2024-02-01', 's3://dp-partition/x/', 'parquet', 'a;b')`, [S, childName])).rejects.toThrow(/PXF server 'a;b' is not a server name/);
    await expect(c.query(`SELECT gppart.unload_pxf($1, 'viapxf', $1, $2, '2024-01-01', '2024-03-01', 's3://dp-partition/x/', 'parquet', 'default')`, [S, childName])).rejects.toThrow(/covers \[2024-01-01, 2024-02-01\), not \[2024-01-01, 2024-03-01\)/);
    expect(await parts('viapxf')).toEqual(before);
    // A NOT NULL column makes Greenplum 6 refuse the exchange: said before anything is written.
    await monthlyTable('notnull', 'appendonly=true');
    const nn = (await c.query(`SELECT partitiontablename FROM pg_partitions WHERE schemaname = $1 AND tablename = 'notnull' AND partitionrank = 1`, [S])).rows[0].partitiontablename;
    await expect(c.query(`SELECT gppart.unload_pxf($1, 'notnull', $1, $2, '2024-01-01', '2024-02-01', 's3://dp-partition/x/', 'parquet', 'default')`, [S, nn])).rejects.toThrow(
      /Greenplum 6 cannot replace a partition by an external table while columns are NOT NULL \(day\): use archive via: client/,
    );
    expect(child || null).toBeNull(); // EVERY partitions have no name: addressed by rank
  });

  it('the exchange with a readable external table (file:// standing in for PXF): counted first, queryable through the parent, never reshaped', async () => {
    await monthlyTable('ext', 'appendonly=true', false);
    const childName = (await c.query(`SELECT partitiontablename FROM pg_partitions WHERE schemaname = $1 AND tablename = 'ext' AND partitionrank = 1`, [S])).rows[0].partitiontablename;
    const whole = await digest(`${S}.ext`);
    const jan = await digest(`${S}.ext WHERE day < '2024-02-01'`);
    // The partition's rows as a file on the (only) segment host, as PXF would have written them.
    const file = join(dir, 'jan.csv');
    await c.query(`COPY (SELECT * FROM ${S}.${childName}) TO '${file}' WITH CSV`);
    const host = (await c.query(`SELECT hostname FROM gp_segment_configuration WHERE content = 0 AND role = 'p'`)).rows[0].hostname;
    const ids = await c.query(`SELECT p.oid AS paroid, '${S}.${childName}'::regclass::oid AS child FROM pg_partition p WHERE p.parrelid = '${S}.ext'::regclass AND p.parlevel = 0`);
    const { paroid, child } = ids.rows[0];

    // A count that does not match refuses the exchange: nothing changes.
    await c.query('BEGIN');
    await expect(c.query(`SELECT gppart._gp6_exchange_external($1, 'ext', $2, $3, $4, 'csv', $5)`, [S, paroid, child, `file://${host}${file}`, jan.n + 1])).rejects.toThrow(
      new RegExp(`holds ${jan.n} rows, the partition ${jan.n + 1}; nothing was changed`),
    );
    await c.query('ROLLBACK');
    expect((await parts('ext'))[0].storage).toBe('a');

    await c.query('BEGIN');
    await c.query(`SELECT gppart._gp6_exchange_external($1, 'ext', $2, $3, $4, 'csv', $5)`, [S, paroid, child, `file://${host}${file}`, jan.n]);
    await c.query('COMMIT');
    const after = await parts('ext');
    expect(after[0].storage).toBe('x');
    expect(await digest(`${S}.ext`)).toEqual(whole);
    expect(await digest(`${S}.ext WHERE day < '2024-02-01'`)).toEqual(jan);

    // A policy whose quarters would merge the external January with February and March: refused.
    const f = join(dir, 'reshape.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: ${S}.ext\n    layout:\n      - { from: -3 years, to: +1 month, every: 3 months }\n`);
    const plan = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'json'], { env });
    expect(plan.stderr).toBe('');
    const t = JSON.parse(plan.stdout).tables[0];
    expect(t.warnings.join('\n')).toMatch(new RegExp(`not reshaping ${childName} \\[2024-01-01, 2024-02-01\\): external \\(archived\\) partition\\(s\\) are never rewritten or moved`));
    expect(t.steps.every((s: { reads: Array<{ name: string }> }) => s.reads.every((r) => r.name !== childName))).toBe(true);
    // And an archive rule never unloads it again.
    const g = join(dir, 'again.yaml');
    writeFileSync(g, `version: 1\ntables:\n  - table: ${S}.ext\n    archive: { after: 2 years, to: "s3://${s3.bucket}/gp6" }\n`);
    const again = JSON.parse((await runCli(['plan', '-c', g, '--now', NOW, '--format', 'json'], { env })).stdout).tables[0];
    expect(again.steps.map((s: { reads: Array<{ name: string }> }) => s.reads[0]!.name)).not.toContain(childName);
  });
});
