// Archive and restore through the built binary, as a DBA runs them: plan shows the unload steps
// with their keys, apply archives, history lists the archives, restore brings a range back, the
// next plan proposes it again; a SIGKILL mid-upload leaves the partition as it was; a partition
// of 1M rows goes through with bounded memory (peak RSS of the process, read from /proc).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';
import { startS3, S3_SECRET, type TestS3 } from '../support/s3.js';
import { startCli, waitFor } from './support.js';

const NOW = '2026-01-15';

/** Peak resident memory of a running process, in bytes (Linux VmHWM). */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

describe('archive and restore (CLI, real PostgreSQL, s3rver)', () => {
  let db: TestDb;
  let s3: TestS3;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const policy = (table: string, format: string, extra = '') => {
    const f = join(dir, `${table}-${format}.yaml`);
    writeFileSync(
      f,
      `version: 1
defaults:
  archive: { to: "s3://${s3.bucket}/warehouse", format: ${format} }
tables:
  - table: arch.${table}
    layout:
      - { from: -6 months, to: +1 month, every: 1 month }
    archive: { after: 1 year${extra} }
`,
    );
    return f;
  };

  beforeAll(async () => {
    db = await createTestDb('cli_archive');
    s3 = await startS3('cli-archive');
    dir = mkdtempSync(join(tmpdir(), 'gppart-archive-cli-'));
    env = { GPPART_DATABASE_URL: db.url, ...s3.env };
    expect((await runCli(['init'], { env })).code).toBe(0);
    await db.client.query(`CREATE SCHEMA arch`);
  });
  afterAll(async () => {
    await s3?.close();
    await db?.drop();
  });

  async function monthly(table: string, months: string[], rowsPerMonth: number, noteWidth = 0): Promise<void> {
    await db.client.query(`CREATE TABLE arch.${table} (id bigint, day date NOT NULL, amount numeric(12,2), note text) PARTITION BY RANGE (day)`);
    for (const m of months) {
      const name = `${table}_${m.replace('-', '_')}`;
      await db.client.query(`CREATE TABLE arch.${name} PARTITION OF arch.${table} FOR VALUES FROM ('${m}-01') TO (('${m}-01'::date + interval '1 month')::date)`);
      await db.client.query(
        `INSERT INTO arch.${table} SELECT g, '${m}-01'::date + (g % 28), g / 100.0, CASE WHEN g % 10 = 0 THEN NULL ELSE 'note ' || g || repeat(md5(g::text), ${Math.ceil(noteWidth / 32)}) END FROM generate_series(1, ${rowsPerMonth}) g`,
      );
    }
    await db.client.query(`ANALYZE arch.${table}`);
  }

  it('plan shows one ^ unload per old partition with its keys; apply archives; history lists; restore brings one back; the next plan unloads it again', { timeout: 240_000 }, async () => {
    await monthly('sales', ['2024-10', '2024-11', '2025-12', '2026-01'], 1000);
    const f = policy('sales', 'parquet');
    const plan = await runCli(['plan', '-c', f, '--now', NOW], { env });
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toMatch(/\^ unload +unload sales_2024_10 \[2024-10-01, 2024-11-01\) to s3:\/\/cli-archive\/warehouse\/arch\/sales\/2024-10-01_2024-11-01\/ \(parquet: data\.parquet \+ _manifest\.json\), then the partition is dropped/);
    expect(plan.stdout).toMatch(/\^ unload +unload sales_2024_11/);
    expect(plan.stdout).toMatch(/Plan: .*2 to unload/);
    expect(plan.stdout).not.toContain(S3_SECRET);

    const noDestroy = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override'], { env });
    expect(noDestroy.code).toBe(1);
    expect(noDestroy.stderr).toMatch(/destructive step\(s\) \(arch\.sales: unload/);

    const apply = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')], { env });
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/\^ unload arch\.sales: done in [\d.]+ s, 1,000 rows/);
    expect(apply.stdout).not.toContain(S3_SECRET);
    const left = await db.client.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'arch.sales'::regclass ORDER BY 1`);
    expect(left.rows.map((r) => r.relname)).not.toContain('sales_2024_10');

    const applyId = /apply (\d+):/.exec(apply.stdout)![1]!;
    const shown = await runCli(['show', '--apply', applyId], { env });
    expect(shown.stdout).toMatch(/archived by this apply:\n.*\n.*archived .*\[2024-10-01, 2024-11-01\)/);
    const hist = await runCli(['history', '--archives', '--table', 'arch.sales'], { env });
    expect(hist.stdout).toMatch(/archived .*arch\.sales +\[2024-10-01, 2024-11-01\) +1,000 +parquet +s3:\/\/cli-archive\/warehouse\/arch\/sales\/2024-10-01_2024-11-01\//);

    const restore = await runCli(['restore', 'arch.sales', '--from', '2024-10-01', '--to', '2024-11-01'], { env });
    expect(restore.stderr).toBe('');
    expect(restore.stdout).toMatch(/restored into arch\.sales_2024_10: 1,000 rows/);
    const back = await db.client.query(`SELECT count(*)::int AS n, sum(amount)::text AS s, count(note)::int AS notes FROM arch.sales_2024_10`);
    expect(back.rows[0]).toEqual({ n: 1000, s: '5005.00', notes: 900 });
    const again = await runCli(['plan', '-c', f, '--now', NOW], { env });
    expect(again.stdout).toMatch(/Plan: .*1 to unload/);
    expect((await runCli(['history', '--archives', '--format', 'json'], { env })).stdout).toMatch(/"event": "restored"/);

    // The psql script stops before an unload it cannot run.
    const sql = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'sql'], { env });
    expect(sql.stdout).toMatch(/\\echo 'gppart: step 1 of this table unloads to S3 through the gppart client[^']*'\n\\quit/);
  });

  it('SIGKILL in the middle of the upload: the partition is untouched, the step stays "started", the next apply archives it', { timeout: 120_000 }, async () => {
    await monthly('killed', ['2024-06'], 300_000);
    const f = policy('killed', 'csv.gz');
    const args = ['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')];
    const run = startCli(args, env);
    // The COPY that feeds the upload is running: kill the process there.
    await waitFor('the COPY of the unload', async () => {
      const r = await db.client.query(`SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'gppart apply%' AND query LIKE 'COPY (SELECT%' AND state = 'active'`);
      return r.rows.length > 0;
    });
    run.child.kill('SIGKILL');
    await run.done;
    await waitFor('the killed session to end', async () => {
      const r = await db.client.query(`SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'gppart apply%'`);
      return r.rows.length === 0;
    });
    const j = await db.client.query(`SELECT status FROM gppart.journal WHERE table_name = 'arch.killed' ORDER BY id`);
    expect(j.rows.map((r) => r.status)).toEqual(['started']);
    expect((await db.client.query(`SELECT count(*)::int AS n FROM arch.killed_2024_06`)).rows[0].n).toBe(300_000);
    expect(await s3.store.head(s3.bucket, 'warehouse/arch/killed/2024-06-01_2024-07-01/_manifest.json')).toBeNull();

    const second = await runCli(args, { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/\^ unload arch\.killed: done in [\d.]+ s, 300,000 rows/);
    expect(await s3.store.head(s3.bucket, 'warehouse/arch/killed/2024-06-01_2024-07-01/_manifest.json')).not.toBeNull();
  });

  it('a partition of 1,000,000 rows: archived as parquet with the peak memory of the process well below the data size', { timeout: 240_000 }, async () => {
    // ~200 bytes of text a row: a partition whose rows, held at once, would dwarf the process.
    await monthly('big', ['2024-03'], 1_000_000, 160);
    const size = await db.client.query(`SELECT pg_total_relation_size('arch.big_2024_03')::float8 AS b, (SELECT sum(octet_length(t::text)) FROM arch.big_2024_03 t)::float8 AS text_bytes`);
    const { b: tableBytes, text_bytes: textBytes } = size.rows[0];
    const f = policy('big', 'parquet');

    // Baseline: the same binary planning the same table (loads every module, reads the catalog).
    // A capped V8 heap: an unload that held the partition would die of it, not just grow.
    const capped = { ...env, NODE_OPTIONS: '--max-old-space-size=128' };
    const base = startCli(['plan', '-c', f, '--now', NOW], capped);
    let basePeak = 0;
    const basePoll = setInterval(() => (basePeak = Math.max(basePeak, peakRss(base.child.pid!))), 20);
    await base.done;
    clearInterval(basePoll);

    const run = startCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')], capped);
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, peakRss(run.child.pid!))), 20);
    const r = await run.done;
    clearInterval(poll);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/1,000,000 rows/);
    const manifest = JSON.parse(
      Buffer.concat(await (async () => {
        const chunks: Buffer[] = [];
        for await (const c of await s3.store.getStream(s3.bucket, 'warehouse/arch/big/2024-03-01_2024-04-01/_manifest.json')) chunks.push(Buffer.from(c as Buffer));
        return chunks;
      })()).toString('utf8'),
    );
    expect(manifest.rows).toBe(1_000_000);
    const delta = peak - basePeak;
    process.stdout.write(`1M-row unload: table ${(tableBytes / 2 ** 20).toFixed(0)} MiB, text ${(textBytes / 2 ** 20).toFixed(0)} MiB, object ${(manifest.objects[0].bytes / 2 ** 20).toFixed(0)} MiB; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (plan alone ${(basePeak / 2 ** 20).toFixed(0)} MiB, delta ${(delta / 2 ** 20).toFixed(0)} MiB)\n`);
    expect(basePeak).toBeGreaterThan(0);
    // Bounded: it ran with a JavaScript heap capped below the size of the rows it streamed (an
    // unload that held them would have died of it), and the whole process grew by less than them.
    expect(128 * 2 ** 20).toBeLessThan(textBytes * 0.8);
    expect(delta).toBeLessThan(textBytes);
  });
});
