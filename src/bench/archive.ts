// The archive figures: rows/s of the client-path unload (lock, count, COPY, encode, multipart
// upload, HEAD, manifest, the finishing call) against COPY … TO STDOUT of the same partition into
// nothing (the floor: what the server and the wire cost), for csv.gz and parquet, and the peak
// RSS of the process while it unloads 1M rows. Each unload runs inside a transaction that is
// rolled back, so the same partition is archived again by the next run. The S3 server (s3rver)
// runs in a child process on loopback; as it shares this machine's two cores with the server and
// the encoder, each format is also measured into a store that only counts the bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pgCopy from 'pg-copy-streams';
import pg from 'pg';
import { archiveColumns, COPY_SETTINGS_SQL, copyOutSql } from '../catalog/archive.js';
import { openSession, type Session } from '../catalog/connection.js';
import { migrate } from '../catalog/migrations.js';
import { postgresDriver } from '../catalog/postgres.js';
import { runnerFor } from '../apply/step-runner.js';
import { fingerprint } from '../plan/fingerprint.js';
import { unloadStep } from '../plan/unload-step.js';
import type { TablePlan } from '../plan/model.js';
import type { ArchivePolicy } from '../policy/types.js';
import type { ObjectStore } from '../s3/object-store.js';
import { s3ConfigFromEnv, s3ObjectStore } from '../s3/s3-store.js';
import { readTables } from '../workflow/planning.js';
import { PACKAGE_ROOT, TOOL_VERSION } from '../version.js';

const ROWS = 1_000_000;
const BUCKET = 'bench-archive';

async function startS3Child(dir: string): Promise<{ endpoint: string; child: ChildProcess }> {
  const script = `
    const S3rver = require('s3rver');
    new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[1], configureBuckets: [{ name: '${BUCKET}', configs: [] }] })
      .run().then((a) => process.stdout.write(String(a.port) + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script, dir], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}); is the devDependency installed?`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, child };
}

async function median(n: number, fn: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await fn());
  xs.sort((a, b) => a - b);
  return xs[Math.floor(n / 2)]!;
}

/** COPY of the partition into nothing: the floor any archive path pays. */
async function copyFloorMs(session: Session, format: 'csv' | 'text'): Promise<number> {
  const c = session.client;
  const columns = await archiveColumns(c, 'postgres', 'public', 'archived');
  await c.query('BEGIN');
  for (const s of COPY_SETTINGS_SQL) await c.query(s);
  const t0 = performance.now();
  await pipeline(c.query(pgCopy.to(copyOutSql('public', 'archived_2024_03', columns, format))), new Writable({ write: (_c, _e, cb) => cb() }));
  const ms = performance.now() - t0;
  await c.query('ROLLBACK');
  return ms;
}

/**
 * A store that reads every byte and keeps only sizes: what the client path costs without any S3
 * server competing for this machine's two cores.
 */
function discardingStore(): ObjectStore {
  const sizes = new Map<string, number>();
  const drain = (key: string, body: NodeJS.ReadableStream) =>
    new Promise<{ size: number }>((resolve, reject) => {
      let n = 0;
      body.on('data', (c: Buffer) => (n += c.length));
      body.on('end', () => {
        sizes.set(key, n);
        resolve({ size: n });
      });
      body.on('error', reject);
    });
  return {
    scheme: 'null',
    putStream: (_b, key, body) => {
      const done = drain(key, body);
      return { done: () => done, abort: async () => undefined };
    },
    putBytes: async (_b, key, body) => void sizes.set(key, body.length),
    head: async (_b, key) => (sizes.has(key) ? { size: sizes.get(key)! } : null),
    getStream: async () => {
      throw new Error('not readable');
    },
    delete: async (_b, key) => void sizes.delete(key),
    close: () => undefined,
  };
}

async function unloadMs(session: Session, format: ArchivePolicy['format'], env: NodeJS.ProcessEnv | null): Promise<{ ms: number; bytes: number }> {
  const driver = postgresDriver();
  const actual = (await readTables(session, driver, [{ schema: 'public', name: 'archived' }])).get('public.archived')!;
  const p = actual.partitions[0]!;
  const archive: ArchivePolicy = { after: { years: 1 }, afterText: '1 year', bucket: BUCKET, prefix: 'bench', format, via: 'client', pxfServer: null, beforeDrop: false };
  const step = unloadStep(actual, p as typeof p & { range: NonNullable<typeof p.range> }, archive, 'bench');
  const table: TablePlan = {
    table: 'public.archived', schema: 'public', name: 'archived', keyColumn: actual.keyColumn, keyType: actual.keyType,
    fingerprint: fingerprint(actual), steps: [step], deferred: 0, warnings: [], layoutBefore: [], layoutAfter: [], lock: { mode: 'shared', timeoutMs: 5000 },
  };
  const store = env ? s3ObjectStore(s3ConfigFromEnv(env)) : discardingStore();
  const runner = await runnerFor(step);
  await session.client.query('BEGIN');
  const t0 = performance.now();
  try {
    const rows = await runner.run({ session, driver, table, step, applyId: 0, toolVersion: TOOL_VERSION, objectStore: () => store });
    if (rows !== ROWS) throw new Error(`unload archived ${rows} rows, expected ${ROWS}`);
  } finally {
    await session.client.query('ROLLBACK');
  }
  const ms = performance.now() - t0;
  const head = await store.head(BUCKET, step.archive!.objects[0]!);
  store.close();
  return { ms, bytes: head?.size ?? 0 };
}

export async function benchArchive(url: string): Promise<void> {
  process.stdout.write(`\narchive (client path) of one partition of ${ROWS.toLocaleString('en-US')} rows to S3 (s3rver on loopback, its own process)\n`);
  const fixtures = new pg.Client({ connectionString: url });
  await fixtures.connect();
  await fixtures.query(readFileSync(join(PACKAGE_ROOT, 'bench', 'archive.sql'), 'utf8').replaceAll('{{rows}}', String(ROWS)));
  await migrate(fixtures, join(PACKAGE_ROOT, 'sql', 'postgres'));
  const size = await fixtures.query<{ b: string }>(`SELECT pg_total_relation_size('public.archived_2024_03') AS b`);
  await fixtures.end();
  const dir = mkdtempSync(join(tmpdir(), 'gppart-bench-s3-'));
  const s3 = await startS3Child(dir);
  const env = { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  const session = await openSession({ url, origin: 'bench' }, 'gppart bench');
  try {
    process.stdout.write(`  partition on disk: ${(Number(size.rows[0]!.b) / 2 ** 20).toFixed(0)} MiB\n`);
    const floorCsv = await median(3, () => copyFloorMs(session, 'csv'));
    const floorText = await median(3, () => copyFloorMs(session, 'text'));
    const rate = (ms: number) => Math.round(ROWS / (ms / 1000)).toLocaleString('en-US');
    process.stdout.write(`  floor: COPY … TO STDOUT into nothing: csv ${(floorCsv / 1000).toFixed(2)} s (${rate(floorCsv)} rows/s), text ${(floorText / 1000).toFixed(2)} s (median of 3)\n`);
    const rssBefore = process.resourceUsage().maxRSS * 1024;
    for (const format of ['csv.gz', 'parquet'] as const) {
      for (const target of ['s3rver', 'no server'] as const) {
        const floor = format === 'csv.gz' ? floorCsv : floorText;
        let bytes = 0;
        const ms = await median(3, async () => {
          const r = await unloadMs(session, format, target === 's3rver' ? env : null);
          bytes = r.bytes;
          return r.ms;
        });
        process.stdout.write(
          `  ${format.padEnd(7)} unload to ${target.padEnd(9)}: ${(ms / 1000).toFixed(2)} s (${rate(ms)} rows/s, median of 3), object ${(bytes / 2 ** 20).toFixed(1)} MiB; ` +
            `ratio to the floor ${(floor / ms).toFixed(2)}${format === 'csv.gz' ? ' (goal ≥ 0.5)' : ''}\n`,
        );
      }
    }
    const rssAfter = process.resourceUsage().maxRSS * 1024;
    process.stdout.write(`  peak RSS of this process: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before the unloads, ${(rssAfter / 2 ** 20).toFixed(0)} MiB after twelve of them (the partition's text is ~${Math.round((ROWS * 120) / 2 ** 20)} MiB)\n`);
  } finally {
    await session.client.end();
    s3.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
