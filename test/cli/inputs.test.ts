// What a user types, through the built binary: targets read as the policy reads table names,
// flags that cannot go together, empty and invalid values, the yes-prompt, a now that is not
// today, and every refusal that can be known coming before the plan is shown or a question asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli, type CliResult } from '../support/cli.js';

const NOW = '2026-11-25';
const POLICY = `version: 1
tables:
  - table: sales.orders
    layout:
      - { from: -2 months, to: +1 month, every: 1 month }
    retention: { drop_after: 1 year }
  - table: 'hx."with space"'
    layout:
      - { from: -1 month, to: +1 month, every: 1 month }
  - table: HX.KW
    layout:
      - { from: -1 month, to: +1 month, every: 1 month }
  - table: '"a.b"."c.d"'
    layout:
      - { from: -1 month, to: +1 month, every: 1 month }
`;

/** One line on stderr, nothing on stdout: refused before anything was shown. */
function refusedUpFront(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^Error: [^\n]*\n$/);
  expect(r.stderr).toMatch(pattern);
}

describe('command-line input (CLI, real server)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;

  beforeAll(async () => {
    db = await createTestDb('cli_inputs');
    dir = mkdtempSync(join(tmpdir(), 'gppart-inputs-'));
    env = { GPPART_DATABASE_URL: db.url };
    policyFile = join(dir, 'p.yaml');
    writeFileSync(policyFile, POLICY);
    const c = db.client;
    await c.query(`CREATE SCHEMA sales; CREATE SCHEMA hx; CREATE SCHEMA "a.b"`);
    for (const t of ['sales.orders', 'hx."with space"', 'hx.kw', '"a.b"."c.d"']) {
      await c.query(`CREATE TABLE ${t} (day date NOT NULL) PARTITION BY RANGE (day)`);
    }
    await c.query(`CREATE TABLE sales.orders_2020 PARTITION OF sales.orders FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')`);
    await c.query(`CREATE TABLE sales.orders_default PARTITION OF sales.orders DEFAULT`);
    await c.query(`INSERT INTO sales.orders SELECT d FROM generate_series(date '2020-01-01', date '2026-11-20', interval '7 days') d`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('before init, apply refuses before showing the plan or asking', async () => {
    const r = await runCli(['apply', '-c', policyFile, '--now', NOW, '--target', 'sales.orders'], { env, input: 'yes\n' });
    refusedUpFront(r, /schema gppart is not installed in database .*; run gppart init first/);
    expect((await runCli(['init'], { env })).code).toBe(0);
  }, 300_000);

  it('--target reads names as the policy does: quoted, case-folded, with "did you mean"', async () => {
    const r = await runCli(
      ['plan', '-c', policyFile, '--now', NOW, '--format', 'json', '--target', 'hx."with space"', '--target', 'HX.KW', '--target', '"a.b"."c.d"', '--target', 'SALES.ORDERS'],
      { env },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).tables.map((t: { table: string }) => t.table)).toEqual(['sales.orders', 'hx.with space', 'hx.kw', 'a.b.c.d']);
    refusedUpFront(await runCli(['plan', '-c', policyFile, '--target', 'orders'], { env }), /--target orders: public\.orders is not a table of .*p\.yaml; did you mean sales\.orders\?$/m);
    refusedUpFront(
      await runCli(['apply', '-c', policyFile, '--now', NOW, '--target', 'orders'], { env, input: 'yes\n' }),
      /did you mean sales\.orders\?/,
    );
    // A value with a newline stays on its line: it cannot fake a second problem.
    refusedUpFront(await runCli(['plan', '-c', policyFile, '--target', 'x\nFAKE.yaml:1:1 version: bad'], { env }), /--target x\\nFAKE\.yaml:1:1 version: bad: /);
  }, 300_000);

  it('a table the database lacks is named with the policy file, line and column', async () => {
    const f = join(dir, 'missing.yaml');
    writeFileSync(f, `${POLICY}  - table: sales.missing\n    layout:\n      - { from: -1 month, to: +1 month, every: 1 month }\n`);
    const r = await runCli(['plan', '-c', f, '--now', NOW], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*missing\.yaml:16:5 tables\[4\]\.table: sales\.missing: table not found$/m);
  }, 300_000);

  it('flags that a plan file fixes are refused with it, -c included', async () => {
    const planFile = join(dir, 'fixed.json');
    expect((await runCli(['plan', '-c', policyFile, '--now', NOW, '--out', planFile], { env })).code).toBe(0);
    refusedUpFront(await runCli(['apply', planFile, '-c', policyFile], { env }), /-c cannot be combined with a PLANFILE/);
    refusedUpFront(await runCli(['apply', planFile, '--now', NOW, '--target', 'sales.orders'], { env }), /--now, --target cannot be combined with a PLANFILE/);
  }, 300_000);

  it('empty and invalid values are errors, each naming what is wrong', async () => {
    refusedUpFront(await runCli(['plan', '-c', policyFile, '--now', ''], { env }), /--now is empty/);
    refusedUpFront(await runCli(['plan', '-c', policyFile, '--now', '2026-13-01'], { env }), /--now 2026-13-01: month 13 is not a month \(01–12\)/);
    refusedUpFront(await runCli(['plan', '-c', policyFile, '--now', NOW, '--database-url', ''], { env }), /--database-url is empty/);
    const bogus = new URL(db.url);
    bogus.searchParams.set('sslmode', 'bogus');
    const ssl = await runCli(['plan', '-c', policyFile, '--now', NOW, '--database-url', bogus.toString()], { env });
    refusedUpFront(ssl, /cannot connect \(--database-url\): sslmode=bogus is not a valid sslmode \(one of disable, allow, prefer, require, verify-ca, verify-full\)/);
    expect(ssl.stderr).not.toContain(new URL(db.url).password);
  }, 300_000);

  it('with no connection settings at all, the error says none was given and what was tried', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--now', NOW]);
    refusedUpFront(r, /cannot connect: no connection settings were given \(--database-url, GPPART_DATABASE_URL, DATABASE_URL and the PGHOST\/PGPORT\/PGUSER\/PGDATABASE variables are all unset\), so the defaults were tried \(localhost:5432, /);
  }, 300_000);

  it('a missing default policy file hints at -c', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gppart-nopolicy-'));
    const r = await runCli(['plan', '--now', NOW], { env, cwd: empty });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^gppart\.yaml:1:1 \(file\): no such file in .*gppart-nopolicy-\w+ \(the default policy file; name another with -c FILE\)\n$/);
  }, 300_000);

  it("only 'yes' is yes", async () => {
    for (const answer of [' yes', 'yes ', 'YES', 'y']) {
      const r = await runCli(['apply', '-c', policyFile, '--now', NOW, '--target', 'sales.orders'], { env, input: `${answer}\n` });
      expect(r.code, JSON.stringify(answer)).toBe(1);
      expect(r.stdout).toMatch(/Apply cancelled; nothing was changed\.\n$/);
    }
    const journal = await db.client.query(`SELECT count(*)::int AS n FROM gppart.applies`);
    expect(journal.rows[0].n).toBe(0);
  }, 300_000);

  it('an apply whose now is not today says so in the question; under --auto-approve a --now or a future plan file needs --allow-now-override', async () => {
    const asked = await runCli(['apply', '-c', policyFile, '--now', NOW, '--target', 'sales.orders'], { env, input: 'no\n' });
    expect(asked.stdout).toMatch(new RegExp(`WARNING: now ${NOW} is not today \\(\\d{4}-\\d\\d-\\d\\d\\): the steps are what the policy asks of that date, not of today\\.`));
    expect(asked.stdout).toMatch(new RegExp(`Do you want to perform these steps, planned for ${NOW} rather than today\\?`));
    refusedUpFront(
      await runCli(['apply', '-c', policyFile, '--now', NOW, '--auto-approve', '--allow-destroy', '--target', 'sales.orders'], { env }),
      new RegExp(`this apply is for now ${NOW}, not today \\(.*\\); under --auto-approve that needs --allow-now-override`),
    );
    // A plan file made for a date still to come is the same footgun.
    const future = join(dir, 'future.json');
    expect((await runCli(['plan', '-c', policyFile, '--now', '2099-01-01', '--target', 'sales.orders', '--out', future], { env })).code).toBe(0);
    refusedUpFront(await runCli(['apply', future, '--auto-approve', '--allow-destroy'], { env }), /this apply is for now 2099-01-01, not today .*needs --allow-now-override/);
    // A plan file made on an earlier day is what was reviewed: its now needs no override (here the
    // destroy guard is the next refusal, which shows the now check let it through).
    const earlier = join(dir, 'earlier.json');
    expect((await runCli(['plan', '-c', policyFile, '--now', NOW, '--target', 'sales.orders', '--out', earlier], { env })).code).toBe(0);
    refusedUpFront(await runCli(['apply', earlier, '--auto-approve'], { env }), /the plan has 1 destructive step\(s\) \(sales\.orders: drop\); --auto-approve needs --allow-destroy/);
  }, 300_000);

  it('the destroy guard and a stale plan refuse before the plan is shown or the question asked', async () => {
    refusedUpFront(
      await runCli(['apply', '-c', policyFile, '--now', NOW, '--auto-approve', '--allow-now-override', '--target', 'sales.orders'], { env }),
      /the plan has 1 destructive step\(s\) \(sales\.orders: drop\); --auto-approve needs --allow-destroy/,
    );
    const planFile = join(dir, 'stale.json');
    expect((await runCli(['plan', '-c', policyFile, '--now', NOW, '--target', 'sales.orders', '--out', planFile], { env })).code).toBe(0);
    await db.client.query(`CREATE TABLE sales.orders_2019 PARTITION OF sales.orders FOR VALUES FROM ('2019-01-01') TO ('2020-01-01')`);
    try {
      const r = await runCli(['apply', planFile], { env, input: 'yes\n' });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: the plan is stale; run gppart plan again\.\nsales\.orders changed since the plan was made:\n {2}\+ sales\.orders_2019 \[2019-01-01, 2020-01-01\) tablespace default\n$/);
    } finally {
      await db.client.query(`DROP TABLE sales.orders_2019`);
    }
    expect(readFileSync(planFile, 'utf8')).toContain('"now": "2026-11-25"');
  }, 300_000);
});
