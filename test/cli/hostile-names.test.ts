// Names may hold a newline followed by a psql meta-command (`\! touch …`): legal in PostgreSQL.
// The sql script gppart prints is fed to a real psql, which must run no shell command and do
// exactly what the plan says (the next plan is empty); every other format keeps them on one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, newTablespaceDir, serverUrl, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';
import { q } from './support.js';

/** A psql binary: GPPART_TEST_PSQL, else psql on the PATH, else a Debian postgresql-client's. */
function findPsql(): string {
  if (process.env.GPPART_TEST_PSQL) return process.env.GPPART_TEST_PSQL;
  try {
    return execFileSync('sh', ['-c', 'command -v psql'], { encoding: 'utf8' }).trim();
  } catch {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root) ? readdirSync(root).sort().reverse() : [];
    for (const v of versions) if (existsSync(join(root, v, 'bin', 'psql'))) return join(root, v, 'bin', 'psql');
  }
  throw new Error('no psql found: install postgresql-client or set GPPART_TEST_PSQL to a psql binary');
}

const TAG = randomBytes(4).toString('hex');
const MARKER = join(tmpdir(), `gppart-pwned-${TAG}`);
const inject = (what: string) => `\n\\! touch ${MARKER}-${what}\n`;
const SCHEMA = `hx${inject('schema')}`;
const TABLE = `evil${inject('table')}`;
const TABLESPACE = `ts${inject('tablespace')}`;
const NOW = '2026-04-01';
/** Every control character but the line breaks between a format's own lines. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('hostile identifiers in every output format (CLI, real server, real psql)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;
  const markers = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`gppart-pwned-${TAG}`));

  beforeAll(async () => {
    db = await createTestDb('hostile_names');
    dir = mkdtempSync(join(tmpdir(), 'gppart-hostile-'));
    env = { GPPART_DATABASE_URL: db.url };
    const c = db.client;
    await c.query(`CREATE TABLESPACE ${q(TABLESPACE)} LOCATION '${newTablespaceDir()}'`);
    await c.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    const parent = `${q(SCHEMA)}.${q(TABLE)}`;
    await c.query(`CREATE TABLE ${parent} (day date NOT NULL, v int NOT NULL) PARTITION BY RANGE (day)`);
    for (const [name, from, to] of [
      [`old${inject('old')}`, '2024-12-01', '2025-01-01'],
      [`q2${inject('q2')}`, '2025-04-01', '2025-07-01'],
      ['m07', '2025-07-01', '2025-08-01'],
      ['m08', '2025-08-01', '2025-09-01'],
      ['m09', '2025-09-01', '2025-10-01'],
    ]) {
      await c.query(`CREATE TABLE ${q(SCHEMA)}.${q(name!)} PARTITION OF ${parent} FOR VALUES FROM ('${from}') TO ('${to}')`);
    }
    await c.query(`CREATE TABLE ${q(SCHEMA)}.${q(`def${inject('default')}`)} PARTITION OF ${parent} DEFAULT`);
    await c.query(`INSERT INTO ${parent} SELECT d, 1 FROM generate_series(date '2024-12-01', date '2026-03-31', interval '1 day') d`);
    await c.query(`ANALYZE ${parent}`);
    // JSON strings are YAML double-quoted scalars: the newlines reach the policy as they are.
    policyFile = join(dir, 'gppart.yaml');
    writeFileSync(
      policyFile,
      `version: 1
tables:
  - table: ${JSON.stringify(`${q(SCHEMA)}.${q(TABLE)}`)}
    layout:
      - { from: -3 months, to: +1 month, every: 1 month }
      - { from: -1 year, to: -3 months, every: 1 quarter, tablespace: ${JSON.stringify(TABLESPACE)} }
    retention: { drop_after: 1 year }
    lock: { mode: exclusive, timeout: 5s }
`,
    );
    expect((await runCli(['init'], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query(`DROP TABLESPACE IF EXISTS ${q(TABLESPACE)}`).catch(() => undefined);
    await admin.end();
  });

  it('text, markdown, json and html keep every name on its line, escapes shown', async () => {
    for (const format of ['text', 'markdown', 'json', 'html']) {
      const r = await runCli(['plan', '-c', policyFile, '--now', NOW, '--format', format], { env });
      expect(r.stderr, format).toBe('');
      expect(r.stdout, format).not.toMatch(RAW);
      for (const line of r.stdout.split('\n')) expect(line.trimStart(), format).not.toMatch(/^\\!/);
      if (format !== 'json') expect(r.stdout, format).toContain(`evil\\n\\! touch ${MARKER}-table\\n`);
    }
  }, 300_000);

  it('the sql script (plan and show alike) runs in psql without running a shell command, and does what the plan says', async () => {
    const planFile = join(dir, 'plan.json');
    const plan = await runCli(['plan', '-c', policyFile, '--now', NOW, '--format', 'sql', '--out', planFile], { env });
    expect(plan.stderr).toBe('');
    const script = plan.stdout;
    expect(script).not.toMatch(RAW);
    for (const fn of ['drop_partition', 'merge_partitions', 'split_default', 'move_partition']) expect(script).toContain(`"gppart"."${fn}"(`);
    expect(script).toContain('LOCK TABLE ONLY U&"hx\\000a\\\\! touch');
    const shown = await runCli(['show', planFile, '--format', 'sql']);
    expect(shown.stdout).toBe(script);

    const rowsBefore = (await db.client.query(`SELECT count(*)::int AS n FROM ${q(SCHEMA)}.${q(TABLE)}`)).rows[0].n as number;
    const file = join(dir, 'plan.sql');
    writeFileSync(file, script);
    const psql = spawnSync(findPsql(), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, db.url], { encoding: 'utf8' });
    expect(psql.stderr).toBe('');
    expect(psql.status).toBe(0);
    expect(markers()).toEqual([]);

    // It did what it said: the policy holds now, the dropped month's 31 rows are gone and no other.
    const again = await runCli(['plan', '-c', policyFile, '--now', NOW, '--detailed-exitcode'], { env });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const rowsAfter = (await db.client.query(`SELECT count(*)::int AS n FROM ${q(SCHEMA)}.${q(TABLE)}`)).rows[0].n as number;
    expect(rowsAfter).toBe(rowsBefore - 31);
    const moved = await db.client.query(
      `SELECT c.relname FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace WHERE t.spcname = $1 ORDER BY 1`,
      [TABLESPACE],
    );
    expect(moved.rows.map((r) => r.relname)).toEqual([`evil${inject('table')}_p2025q3`, `evil${inject('table')}_p2025q4`, `q2${inject('q2')}`]);
    expect(readFileSync(file, 'utf8')).toBe(script);
  }, 300_000);
});
