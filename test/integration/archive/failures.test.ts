// When object storage fails, the partition is untouched, nothing half-written is left claiming to
// be an archive, the journal says so, and the next apply does it again from scratch. Real
// PostgreSQL, real S3 API (s3rver), stopped for real.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Transform } from 'node:stream';
import { migrate } from '../../../src/catalog/migrations.js';
import { listArchives } from '../../../src/catalog/archive.js';
import type { Session } from '../../../src/catalog/connection.js';
import { s3ConfigFromEnv, s3ObjectStore } from '../../../src/s3/s3-store.js';
import type { ObjectStore } from '../../../src/s3/object-store.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { startS3, type TestS3 } from '../../support/s3.js';
import { applyPlan, archivePolicy, createWideTable, fillWide, rowsDigest, session, shared, SQL_DIR, unloadPlan } from './fixture.js';

describe('unload failures leave the partition and the bucket as they were', () => {
  let db: TestDb;
  let s3: TestS3;
  let s: Session;
  let n = 0;
  let table: string;
  const part = () => `${table}_p2024_01`;
  beforeAll(async () => {
    db = await createTestDb('archive_fail');
    await migrate(db.client, SQL_DIR);
    s3 = await startS3('archive-fail');
    s = await session(db.url);
  });
  afterAll(async () => {
    await s?.client.end();
    await s3?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    table = `t${++n}`;
    await createWideTable(db.client, 'f', table, 'date', part(), '2024-01-01', '2024-02-01');
    await fillWide(db.client, 'f', table, 'date', '2024-01-01', 20_000);
  });

  async function journal(applyId: number) {
    const r = await db.client.query(`SELECT status, error, call FROM gppart.journal WHERE apply_id = $1`, [applyId]);
    return r.rows as Array<{ status: string; error: string; call: string }>;
  }

  async function objectsOf(plan: Awaited<ReturnType<typeof unloadPlan>>) {
    const a = plan.tables[0]!.steps[0]!.archive!;
    return { manifest: await s3.store.head(a.bucket, a.manifest!), data: await s3.store.head(a.bucket, a.objects[0]!) };
  }

  for (const format of ['parquet', 'csv.gz'] as const) {
    it(`${format}: the S3 server stops in the middle of the upload; then a second apply succeeds`, async () => {
      const before = await rowsDigest(db.client, 'f', part());
      const plan = await unloadPlan(s, { schema: 'f', name: table }, part(), archivePolicy(s3.bucket, format));
      // A store that stops the real server once the first bytes of the object went out.
      const stopping: ObjectStore = {
        ...s3.store,
        close: () => undefined,
        putStream(bucket, key, body, opts) {
          let sent = 0;
          const tap = new Transform({
            transform(chunk: Buffer, _e, cb) {
              sent += chunk.length;
              if (sent > 4096 && sent - chunk.length <= 4096) void s3.stop();
              cb(null, chunk);
            },
          });
          body.pipe(tap);
          return s3.store.putStream(bucket, key, tap, opts);
        },
      };
      const failed = await applyPlan(s, plan, () => stopping);
      expect(failed.outcomes[0]!.status).toBe('failed');
      expect(failed.outcomes[0]!.error).toMatch(/s3:\/\/archive-fail\/.*(connection|upload failed|lost|refused|socket)/i);
      expect(await journal(failed.applyId)).toEqual([expect.objectContaining({ status: 'failed' })]);
      expect(await rowsDigest(db.client, 'f', part())).toEqual(before);
      expect(await listArchives(db.client, { schema: 'f', name: table })).toEqual([]);

      await s3.start();
      // Nothing of the failed attempt claims to be an archive.
      expect((await objectsOf(plan)).manifest).toBeNull();

      const again = await applyPlan(s, plan, shared(s3.store));
      expect(again.outcomes.map((o) => [o.status, o.rows])).toEqual([['done', before.rows]]);
      const { manifest, data } = await objectsOf(plan);
      expect(manifest).not.toBeNull();
      expect(data).not.toBeNull();
      expect((await listArchives(db.client, { schema: 'f', name: table })).map((a) => a.rows)).toEqual([before.rows]);
    });
  }

  it('the S3 server is down before the step starts: failed, nothing changed, the journal says why', async () => {
    const before = await rowsDigest(db.client, 'f', part());
    const plan = await unloadPlan(s, { schema: 'f', name: table }, part(), archivePolicy(s3.bucket, 'parquet'));
    await s3.stop();
    try {
      const res = await applyPlan(s, plan, shared(s3.store));
      expect(res.outcomes[0]!.status).toBe('failed');
      expect(res.outcomes[0]!.error).toMatch(/connection refused \(is the S3 endpoint up\? AWS_ENDPOINT_URL_S3\)/);
      expect((await journal(res.applyId))[0]!.error).toMatch(/connection refused/);
    } finally {
      await s3.start();
    }
    expect(await rowsDigest(db.client, 'f', part())).toEqual(before);
  });

  // s3rver accepts any secret for a known key id (it does not check these request signatures), so
  // "wrong key" is tested with a key id it does not know; the secret still must not leak.
  it('a wrong access key: failed with a message that names the problem, never the secret', async () => {
    const secret = 'not-the-secret-Zq8x';
    const wrong = s3ObjectStore(s3ConfigFromEnv({ ...s3.env, AWS_ACCESS_KEY_ID: 'NOBODY', AWS_SECRET_ACCESS_KEY: secret }));
    const before = await rowsDigest(db.client, 'f', part());
    const plan = await unloadPlan(s, { schema: 'f', name: table }, part(), archivePolicy(s3.bucket, 'csv.gz'));
    const res = await applyPlan(s, plan, () => wrong);
    expect(res.outcomes[0]!.status).toBe('failed');
    expect(res.outcomes[0]!.error).toMatch(/the access key id is not known to the server \(check AWS_ACCESS_KEY_ID \/ AWS_PROFILE\)/);
    const j = await journal(res.applyId);
    expect(JSON.stringify(j)).not.toContain(secret);
    expect(JSON.stringify(res)).not.toContain(secret);
    expect(await rowsDigest(db.client, 'f', part())).toEqual(before);
  });

  it('a bucket that does not exist: failed, named, nothing changed', async () => {
    const before = await rowsDigest(db.client, 'f', part());
    const plan = await unloadPlan(s, { schema: 'f', name: table }, part(), archivePolicy('no-such-bucket', 'parquet'));
    const res = await applyPlan(s, plan, shared(s3.store));
    expect(res.outcomes[0]!.status).toBe('failed');
    expect(res.outcomes[0]!.error).toMatch(/s3:\/\/no-such-bucket\/.*the bucket does not exist/);
    expect(await rowsDigest(db.client, 'f', part())).toEqual(before);
  });

  it('a value parquet cannot hold fails the step before anything is removed, naming column and row', async () => {
    await db.client.query(`INSERT INTO f.${table} (id, k, ts) VALUES (-1, '2024-01-05', '294276-12-31 23:59:59')`);
    const plan = await unloadPlan(s, { schema: 'f', name: table }, part(), archivePolicy(s3.bucket, 'parquet'));
    const res = await applyPlan(s, plan, shared(s3.store));
    expect(res.outcomes[0]!.status).toBe('failed');
    expect(res.outcomes[0]!.error).toMatch(/column ts, row \d+: timestamp 294276-12-31 23:59:59 lies beyond what parquet can hold.*use format: csv.gz/);
    expect((await objectsOf(plan)).manifest).toBeNull();
    expect((await objectsOf(plan)).data).toBeNull();
    const left = await db.client.query(`SELECT count(*)::int AS n FROM f.${table}_p2024_01`);
    expect(left.rows[0].n).toBe(20_004);
    // The connection is usable again: the COPY was cancelled, not left half-read.
    expect((await s.client.query('SELECT 1 AS x')).rows[0].x).toBe(1);
  });
});
