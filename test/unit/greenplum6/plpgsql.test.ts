// Greenplum 6's PL/pgSQL is PostgreSQL 9.4's. Loading the function files into the suite's
// PostgreSQL makes plpgsql's validator parse every body (GP catalogs are only referenced inside
// plpgsql statements, which are resolved at call time), and the helpers that touch no Greenplum
// catalog can be run for real.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../support/db.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'sql', 'greenplum6');
let db: TestDb;

beforeAll(async () => {
  db = await createTestDb('gp6_plpgsql');
  // Every migration, in order: later files replace earlier functions as on a server. Catalog
  // tables made DISTRIBUTED BY lose that clause, which PostgreSQL does not parse; the function
  // bodies are what this test is for (the real cluster runs all of it, test/greenplum6).
  for (const file of readdirSync(dir).filter((f) => /^\d{3}_.*\.sql$/.test(f)).sort()) {
    await db.client.query(readFileSync(join(dir, file), 'utf8').replace(/\) DISTRIBUTED BY \([^)]*\);/g, ');'));
  }
});

afterAll(async () => {
  await db?.drop();
});

describe('sql/greenplum6 function bodies', () => {
  it('all parse and are installed', async () => {
    const res = await db.client.query<{ proname: string }>(
      `SELECT proname FROM pg_proc WHERE pronamespace = 'gppart'::regnamespace AND proname NOT LIKE '\\_%' ORDER BY 1`,
    );
    expect(res.rows.map((r) => r.proname)).toEqual([
      'create_default', 'detach_partition', 'drop_partition', 'merge_partitions', 'move_partition', 'purge_default', 'restore_finish', 'restore_prepare',
      'split_default', 'unload_finish', 'unload_pxf',
    ]);
  });

  it('re-quotes storage options and rejects anything else', async () => {
    const ok = await db.client.query<{ w: string }>(`SELECT gppart._gp6_with($1) AS w`, [
      'appendonly=true, orientation=column,compresstype=zstd, compresslevel=1',
    ]);
    expect(ok.rows[0]!.w).toBe("WITH (appendonly='true', orientation='column', compresstype='zstd', compresslevel='1')");
    expect((await db.client.query<{ w: string }>(`SELECT gppart._gp6_with(NULL) AS w`)).rows[0]!.w).toBe('');
    await expect(db.client.query(`SELECT gppart._gp6_with($1)`, ["appendonly=true); DROP TABLE x; --"])).rejects.toThrow(
      /gppart: storage option .* is not key=value/,
    );
  });

  it('compares bounds of the key type, MINVALUE and MAXVALUE included', async () => {
    const q = async (t: string, a: string, b: string) =>
      (await db.client.query<{ c: number }>(`SELECT gppart._gp6_cmp($1, $2, $3) AS c`, [t, a, b])).rows[0]!.c;
    expect(await q('date', '2024-01-01', '2024-02-01')).toBe(-1);
    expect(await q('date', '2024-02-01', '2024-02-01')).toBe(0);
    expect(await q('timestamp with time zone', '2024-01-01 03:00:00+03', '2024-01-01 00:00:00+00')).toBe(0);
    expect(await q('date', 'MINVALUE', '1900-01-01')).toBe(-1);
    expect(await q('date', 'MAXVALUE', '2999-01-01')).toBe(1);
    expect(await q('date', 'MAXVALUE', 'maxvalue')).toBe(0);
  });

  it('tells whether a range lies inside the union of the new ranges', async () => {
    const q = async (from: string, to: string, starts: string[], ends: string[]) =>
      (
        await db.client.query<{ c: boolean }>(`SELECT gppart._gp6_covered('date', $1, $2, $3::text[], $4::text[]) AS c`, [
          from,
          to,
          starts,
          ends,
        ])
      ).rows[0]!.c;
    // Realign [Jan 1, Apr 1) into months, in any order of the arrays.
    expect(await q('2024-01-01', '2024-04-01', ['2024-03-01', '2024-01-01', '2024-02-01'], ['2024-04-01', '2024-02-01', '2024-03-01'])).toBe(true);
    // A gap in February leaves rows that only a DEFAULT could take.
    expect(await q('2024-01-01', '2024-04-01', ['2024-01-01', '2024-03-01'], ['2024-02-01', '2024-04-01'])).toBe(false);
    // The new ranges stop before the source ends.
    expect(await q('2024-01-01', '2024-04-01', ['2024-01-01'], ['2024-03-15'])).toBe(false);
    // An open source range is never covered by finite new ranges.
    expect(await q('MINVALUE', '2024-02-01', ['2024-01-01'], ['2024-02-01'])).toBe(false);
  });
});
