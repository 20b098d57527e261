// Per-file databases on the suite's shared server: isolation without a server per file.
import { inject } from 'vitest';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestDb {
  url: string;
  name: string;
  client: pg.Client;
  /** A fresh client on the same database (for concurrent sessions). */
  connect(): Promise<pg.Client>;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  return inject('pgUrl');
}

export function serverPassword(): string {
  return inject('pgPassword');
}

/** The server's major version (12…17), for the few tests whose behaviour differs by version. */
export function serverMajor(): number {
  return inject('pgMajor');
}

/**
 * DROP DATABASE that does not wait for sessions a test left behind. `WITH (FORCE)` is
 * PostgreSQL 13+; on 12 the sessions are ended first.
 */
export async function dropDatabase(admin: pg.ClientBase, name: string): Promise<void> {
  const ident = `"${name.replace(/"/g, '""')}"`;
  if (serverMajor() >= 13) {
    await admin.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    return;
  }
  await admin.query(`UPDATE pg_database SET datallowconn = false WHERE datname = $1`, [name]);
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  await admin.query(`DROP DATABASE IF EXISTS ${ident}`);
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = '/' + db;
  return u.toString();
}

export async function createTestDb(label = 'test'): Promise<TestDb> {
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(serverUrl(), name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const extra: pg.Client[] = [];
  return {
    url,
    name,
    client,
    async connect() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      extra.push(c);
      return c;
    },
    async drop() {
      for (const c of extra) await c.end().catch(() => undefined);
      await client.end().catch(() => undefined);
      const a = new pg.Client({ connectionString: serverUrl() });
      await a.connect();
      await dropDatabase(a, name);
      await a.end();
    },
  };
}

/**
 * A new empty directory the server's OS user owns, for CREATE TABLESPACE (one per tablespace:
 * PostgreSQL refuses a location another tablespace already uses).
 */
export function newTablespaceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gppart-ts-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  return dir;
}
