import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { listMigrations, migrate, MigrationError } from '../../src/catalog/migrations.js';
import { createTestDb, type TestDb } from '../support/db.js';
import { SQL_DIR } from './procedures/fixture.js';

function copyOfSqlDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gppart-migrations-'));
  cpSync(SQL_DIR, dir, { recursive: true });
  return dir;
}

async function catalogShape(db: TestDb): Promise<string[]> {
  const r = await db.client.query<{ x: string }>(
    `SELECT c.relkind::text || ' ' || c.relname AS x FROM pg_class c WHERE c.relnamespace = 'gppart'::regnamespace
     UNION ALL
     SELECT 'f ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace = 'gppart'::regnamespace
     UNION ALL
     SELECT 'm ' || version || ' ' || checksum || ' ' || applied_at FROM gppart.migrations
     ORDER BY 1`,
  );
  return r.rows.map((row) => row.x);
}

describe('migrate', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('migrations');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('lists NNN_name.sql files in version order with sha256 checksums', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-list-'));
    writeFileSync(join(dir, '010_later.sql'), 'SELECT 10;');
    writeFileSync(join(dir, '002_first.sql'), 'SELECT 2;');
    writeFileSync(join(dir, 'README.md'), 'not a migration');
    const list = listMigrations(dir);
    expect(list.map((m) => [m.version, m.name, m.file])).toEqual([
      [2, 'first', '002_first.sql'],
      [10, 'later', '010_later.sql'],
    ]);
    expect(list[0]!.checksum).toBe(createHash('sha256').update('SELECT 2;').digest('hex'));
    writeFileSync(join(dir, '2_dup.sql'), 'SELECT 2;');
    expect(() => listMigrations(dir)).toThrow(MigrationError);
  });

  it('applies every migration once; a second run changes nothing', async () => {
    const files = readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort();
    const first = await migrate(db.client, SQL_DIR);
    expect(first).toEqual({ applied: files, alreadyApplied: [] });
    const shape = await catalogShape(db);
    expect(shape).toContain('r applies');
    expect(shape.some((x) => x.startsWith('f gppart.split_default('))).toBe(true);
    const second = await migrate(db.client, SQL_DIR);
    expect(second).toEqual({ applied: [], alreadyApplied: files });
    expect(await catalogShape(db)).toEqual(shape);
  });

  it('refuses a migration changed after it was applied, before applying anything else', async () => {
    const other = await createTestDb('migrations_changed');
    try {
      const dir = copyOfSqlDir();
      await migrate(other.client, dir);
      const target = readdirSync(dir).find((f) => f.startsWith('003_'))!;
      appendFileSync(join(dir, target), '\n-- edited\n');
      writeFileSync(join(dir, '999_new.sql'), 'CREATE TABLE gppart.should_not_exist (x int);');
      const err = await migrate(other.client, dir).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as Error).message).toMatch(
        new RegExp(`^migration ${target} was changed after it was applied \\(checksum [0-9a-f]{12}… in the database, [0-9a-f]{12}… on disk\\); write a new migration instead$`),
      );
      const t = await other.client.query(`SELECT to_regclass('gppart.should_not_exist') AS t`);
      expect(t.rows[0].t).toBe(null);
    } finally {
      await other.drop();
    }
  });

  it('rolls a failing migration back whole and names it', async () => {
    const other = await createTestDb('migrations_failing');
    try {
      const dir = copyOfSqlDir();
      writeFileSync(join(dir, '900_broken.sql'), 'CREATE TABLE gppart.half (x int);\nSELECT no_such_function();');
      const err = await migrate(other.client, dir).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as Error).message).toMatch(/^migration 900_broken\.sql failed: function no_such_function\(\) does not exist$/);
      const r = await other.client.query(
        `SELECT to_regclass('gppart.half') AS half, (SELECT max(version) FROM gppart.migrations) AS last`,
      );
      expect(r.rows[0]).toEqual({ half: null, last: Math.max(...listMigrations(SQL_DIR).map((m) => m.version)) });
    } finally {
      await other.drop();
    }
  });

  it('serialises two concurrent installers: each migration applied exactly once', async () => {
    const other = await createTestDb('migrations_concurrent');
    try {
      const second = await other.connect();
      const [a, b] = await Promise.all([migrate(other.client, SQL_DIR), migrate(second, SQL_DIR)]);
      const files = readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort();
      expect([...a.applied, ...b.applied].sort()).toEqual(files);
      expect([...a.alreadyApplied, ...b.alreadyApplied].sort()).toEqual(files);
      const r = await other.client.query('SELECT count(*)::int AS n FROM gppart.migrations');
      expect(r.rows[0].n).toBe(files.length);
    } finally {
      await other.drop();
    }
  });
});
