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
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
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
