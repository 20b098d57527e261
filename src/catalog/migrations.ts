// Versioned installation of the gppart schema: files `NNN_name.sql` in sql/<dialect>/, applied in
// order, each once, each in its own transaction together with its row in gppart.migrations.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';

export interface Migration {
  version: number;
  /** The part of the file name between the version and `.sql`, e.g. "split_default". */
  name: string;
  /** The file name, e.g. "003_split_default.sql". */
  file: string;
  sql: string;
  /** sha256 of the file's bytes, hex. */
  checksum: string;
}

export interface MigrateResult {
  /** Files applied by this call, in order. */
  applied: string[];
  /** Files that were already recorded in gppart.migrations. */
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

const FILE_PATTERN = /^(\d+)_([A-Za-z0-9_.-]+)\.sql$/;

/**
 * One fixed key for every gppart installer, whatever the dialect: a transaction-level advisory lock
 * on it makes two concurrent `gppart init` runs take turns instead of both applying a migration.
 * A literal rather than hashtext() so the same key works on Greenplum 6 (PostgreSQL 9.4).
 */
const MIGRATION_LOCK_KEY = '7450734226117649';

export function listMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir)) {
    const m = FILE_PATTERN.exec(file);
    if (!m) continue;
    const bytes = readFileSync(join(dir, file));
    migrations.push({
      version: Number(m[1]),
      name: m[2]!,
      file,
      sql: bytes.toString('utf8'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(
        `migrations ${migrations[i - 1]!.file} and ${migrations[i]!.file} in ${dir} have the same version`,
      );
    }
  }
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function short(checksum: string): string {
  return `${checksum.slice(0, 12)}…`;
}

async function rollbackQuietly(client: pg.ClientBase): Promise<void> {
  await client.query('ROLLBACK').catch(() => undefined);
}

/** Inside a transaction: wait for the installer lock, make sure the ledger exists, read it. */
async function lockAndReadLedger(client: pg.ClientBase): Promise<Map<number, AppliedRow>> {
  await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
  await client.query('CREATE SCHEMA IF NOT EXISTS gppart');
  await client.query(
    `CREATE TABLE IF NOT EXISTS gppart.migrations (
       version int PRIMARY KEY,
       name text NOT NULL,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const res = await client.query<AppliedRow>(
    'SELECT version, name, checksum FROM gppart.migrations ORDER BY version',
  );
  return new Map(res.rows.map((r) => [Number(r.version), r]));
}

function checkLedger(migrations: Migration[], applied: Map<number, AppliedRow>): void {
  const byVersion = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied.values()) {
    const onDisk = byVersion.get(row.version);
    if (!onDisk) {
      throw new MigrationError(
        `the database has migration ${String(row.version).padStart(3, '0')}_${row.name}.sql, which this gppart does not have; use a gppart at least as new as the one that installed it`,
      );
    }
    if (onDisk.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${onDisk.file} was changed after it was applied (checksum ${short(row.checksum)} in the database, ${short(onDisk.checksum)} on disk); write a new migration instead`,
      );
    }
  }
}

/**
 * Applies the pending migrations of `dir`. Refuses, before applying anything, when an applied
 * migration's file has changed since. The client must not be inside a transaction.
 */
export async function migrate(client: pg.ClientBase, dir: string): Promise<MigrateResult> {
  const migrations = listMigrations(dir);
  const result: MigrateResult = { applied: [], alreadyApplied: [] };

  await client.query('BEGIN');
  try {
    const applied = await lockAndReadLedger(client);
    checkLedger(migrations, applied);
    await client.query('COMMIT');
  } catch (err) {
    await rollbackQuietly(client);
    if (err instanceof MigrationError) throw err;
    throw new MigrationError(`cannot read gppart.migrations: ${oneLine(String((err as Error).message))}`, {
      cause: err,
    });
  }

  for (const migration of migrations) {
    await client.query('BEGIN');
    try {
      // Re-read under the lock: a concurrent installer may have applied it meanwhile.
      const applied = await lockAndReadLedger(client);
      checkLedger(migrations, applied);
      if (applied.has(migration.version)) {
        await client.query('COMMIT');
        result.alreadyApplied.push(migration.file);
        continue;
      }
      try {
        await client.query(migration.sql);
      } catch (err) {
        throw new MigrationError(`migration ${migration.file} failed: ${oneLine((err as Error).message)}`, {
          cause: err,
        });
      }
      await client.query('INSERT INTO gppart.migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      await client.query('COMMIT');
      result.applied.push(migration.file);
    } catch (err) {
      await rollbackQuietly(client);
      if (err instanceof MigrationError) throw err;
      throw new MigrationError(`migration ${migration.file} failed: ${oneLine((err as Error).message)}`, {
        cause: err,
      });
    }
  }
  return result;
}

/**
 * Migrations on disk that the database has not applied (or applied with other contents): apply
 * refuses to run steps against functions older than the ones its plan calls.
 */
export async function outdatedMigrations(client: pg.ClientBase, dir: string): Promise<string[]> {
  const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass('gppart.migrations') IS NOT NULL AS ok`);
  const onDisk = listMigrations(dir);
  if (!exists.rows[0]!.ok) return onDisk.map((m) => m.file);
  const r = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM gppart.migrations');
  const applied = new Map(r.rows.map((x) => [Number(x.version), x.checksum]));
  return onDisk.filter((m) => applied.get(m.version) !== m.checksum).map((m) => m.file);
}
