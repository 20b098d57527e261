// The walking skeleton end to end through the built binary: validate, init, plan, apply, re-plan,
// with names that need quoting, and a password that must not leak.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, dropDatabase, serverMajor, serverPassword, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';

const SCHEMA = 'Sales "EU"; drop';
const TABLE = "Order's Table";
const QS = `"${SCHEMA.replace(/"/g, '""')}"`;
const QT = `${QS}."${TABLE}"`;

const POLICY = `version: 1
defaults:
  timezone: UTC
tables:
  - table: '"Sales ""EU""; drop"."Order''s Table"'
    layout:
      - { from: -3 months, to: +2 months, every: 1 month }
      - { from: -2 years, to: -3 months, every: 1 quarter }
    retention: { drop_after: 3 years }
`;

describe('gppart CLI lifecycle on PostgreSQL', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;

  async function counts() {
    const r = await db.client.query<{ n: string; s: string }>(`SELECT count(*) AS n, coalesce(sum(amount), 0)::text AS s FROM ${QT}`);
    return r.rows[0]!;
  }

  beforeAll(async () => {
    db = await createTestDb('cli');
    dir = mkdtempSync(join(tmpdir(), 'gppart-cli-'));
    policyFile = join(dir, 'gppart.yaml');
    writeFileSync(policyFile, POLICY);
    env = { GPPART_DATABASE_URL: db.url };
    await db.client.query(`CREATE SCHEMA ${QS}`);
    await db.client.query(`CREATE TABLE ${QT} (day date NOT NULL, amount int NOT NULL) PARTITION BY RANGE (day)`);
    await db.client.query(`CREATE TABLE ${QS}."old ""2020""" PARTITION OF ${QT} FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')`);
    await db.client.query(`CREATE TABLE ${QS}."Order's default" PARTITION OF ${QT} DEFAULT`);
    await db.client.query(
      `INSERT INTO ${QT} SELECT d::date, (extract(doy FROM d))::int FROM generate_series(date '2024-06-01', date '2026-12-31', interval '1 day') d`,
    );
    await db.client.query(`INSERT INTO ${QT} SELECT d::date, 1 FROM generate_series(date '2020-01-01', date '2020-12-31', interval '1 day') d`);
    await db.client.query(`ANALYZE ${QT}`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('validate accepts the policy and reports a broken one in one line with file:line:col', async () => {
    const ok = await runCli(['validate', '-c', policyFile]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, POLICY.replace('every: 1 quarter', 'every: 5 weeks'));
    const r = await runCli(['validate', '-c', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:\\d+ tables\\[0\\]\\.layout\\[1\\]\\.every: `));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = await runCli(['validate', '-c', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.yaml:1:1 .*no such file/);
    writeFileSync(bad, 'version: 1\ntables: [\n');
    const syntax = await runCli(['validate', '-c', bad]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/bad\.yaml:\d+:\d+ /);
    expect(syntax.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate --format json lists the issues for a CI pipeline', async () => {
    const bad = join(dir, 'bad-json.yaml');
    writeFileSync(bad, POLICY.replace('every: 1 quarter', 'every: 5 days'));
    const r = await runCli(['validate', '-c', bad, '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.issues).toEqual([expect.objectContaining({ file: bad, line: 8, path: 'tables[0].layout[1].every' })]);
    const ok = await runCli(['validate', '-c', policyFile, '--format', 'json']);
    expect(JSON.parse(ok.stdout)).toEqual({ valid: true, file: policyFile, tables: 1, issues: [] });
  });

  it('plan before init still works, apply before init is refused with advice', async () => {
    const r = await runCli(['apply', '-c', policyFile, '--now', '2026-11-25', '--auto-approve', '--allow-now-override', '--allow-destroy'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gppart init/);
  });

  it('init installs the schema once; a second run changes nothing', async () => {
    const first = await runCli(['init'], { env });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied 001_/);
    const second = await runCli(['init'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already up to date/);
  });

  it('plan --format json describes every step; --detailed-exitcode says 2', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--format', 'json', '--detailed-exitcode'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    const plan = JSON.parse(r.stdout);
    expect(plan.now).toBe('2026-11-25');
    expect(plan.tables).toHaveLength(1);
    const t = plan.tables[0];
    expect(t.table).toBe(`${SCHEMA}.${TABLE}`);
    expect(t.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const kinds = t.steps.map((s: { kind: string }) => s.kind);
    expect(kinds).toContain('split');
    expect(kinds).toContain('drop');
    expect(kinds.indexOf('drop')).toBeLessThan(kinds.indexOf('split'));
    for (const s of t.steps) {
      expect(s.reason).toEqual(expect.any(String));
      expect(s.call.name).toMatch(/^gppart\./);
      expect(s.reads.length + s.produces.length).toBeGreaterThan(0);
    }
    const drop = t.steps.find((s: { kind: string }) => s.kind === 'drop');
    expect(drop.reads[0].name).toBe('old "2020"');
    expect(plan.summary).toEqual(expect.objectContaining({ split: 1, drop: 1, merge: 0, move: 0, unload: 0 }));
    // Same input, same plan.
    const again = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--format', 'json'], { env });
    expect(again.stdout).toBe(r.stdout);
  });

  it('text plan ends with the summary line', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^Plan: 1 to split, 0 to merge, 0 to move, 0 to unload, 1 to drop\.$/);
  });

  it('--auto-approve without --allow-destroy refuses a plan that drops', async () => {
    const r = await runCli(['apply', '-c', policyFile, '--now', '2026-11-25', '--auto-approve', '--allow-now-override'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--allow-destroy/);
    const n = await db.client.query(`SELECT count(*) AS n FROM pg_inherits WHERE inhparent = '${QT.replace(/'/g, "''")}'::regclass`);
    expect(Number(n.rows[0].n)).toBe(2);
  });

  it('apply asks for yes and does nothing on another answer', async () => {
    const r = await runCli(['apply', '-c', policyFile, '--now', '2026-11-25'], { env, input: 'no\n' });
    expect(r.stdout).toMatch(/Enter 'yes' to apply/);
    expect(r.stdout).toMatch(/cancelled/);
    expect(r.code).toBe(1);
  });

  it('a stale plan file is refused, naming the change', async () => {
    const planFile = join(dir, 'stale.json');
    const p = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--out', planFile], { env });
    expect(p.code).toBe(0);
    await db.client.query(`CREATE TABLE ${QS}."sneaky" PARTITION OF ${QT} FOR VALUES FROM ('2030-01-01') TO ('2030-02-01')`);
    const r = await runCli(['apply', planFile, '--auto-approve', '--allow-now-override', '--allow-destroy'], { env });
    await db.client.query(`DROP TABLE ${QS}."sneaky"`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stale/);
    expect(r.stderr).toMatch(/\+ .*sneaky \[2030-01-01, 2030-02-01\)/);
  });

  it('a plan file edited by hand is refused', async () => {
    const planFile = join(dir, 'edited.json');
    await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--out', planFile], { env });
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    doc.tables[0].steps[0].call.args[3] = 'public';
    writeFileSync(planFile, JSON.stringify(doc));
    const r = await runCli(['apply', planFile, '--auto-approve', '--allow-now-override', '--allow-destroy'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/modified/);
  });

  it('a drop marked harmless in a re-hashed plan file is refused; a true plan with a drop needs --allow-destroy', async () => {
    const planFile = join(dir, 'harmless.json');
    await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--out', planFile], { env });
    const { toPlanFile, writePlanFile } = await import('../../src/workflow/planfile.js');
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    const { planHash: _h, policy, ...plan } = doc;
    for (const s of plan.tables[0]!.steps) s.destructive = false;
    const harmless = join(dir, 'harmless-edited.json');
    writePlanFile(harmless, toPlanFile(plan, policy));
    const r = await runCli(['apply', harmless, '--auto-approve', '--allow-now-override'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*harmless-edited\.json: refused: .* step 1 \(drop\) is marked destructive: false, but a drop is destructive;[^\n]*\n$/);
    const honest = await runCli(['apply', planFile, '--auto-approve', '--allow-now-override'], { env });
    expect(honest.code).toBe(1);
    expect(honest.stdout).toBe('');
    expect(honest.stderr).toMatch(/1 destructive step\(s\) \(.*: drop\); --auto-approve needs --allow-destroy/);
  });

  it('a mistyped flag is an error (exit 1), never "changes pending" (2)', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--detailed-exitcode', '--formt', 'json'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: /);
  });

  it('a second apply on a locked table fails fast and names the holder', async () => {
    const holder = await db.connect();
    await holder.query(`SET application_name = 'gppart apply 4242'`);
    const { tableLockKey } = await import('../../src/catalog/state-store.js');
    const [k1, k2] = tableLockKey(`${SCHEMA}.${TABLE}`);
    await holder.query('SELECT pg_advisory_lock($1::int, $2::int)', [k1, k2]);
    try {
      const r = await runCli(['apply', '-c', policyFile, '--now', '2026-11-25', '--auto-approve', '--allow-now-override', '--allow-destroy'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/locked by gppart apply 4242 \(pid \d+/);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
    }
  });

  it('apply runs the plan, keeps every row within retention, and a new plan is empty', async () => {
    const before = await counts();
    const dropped = await db.client.query(`SELECT count(*) AS n, coalesce(sum(amount),0)::text AS s FROM ${QS}."old ""2020"""`);
    const stateDir = join(dir, 'state');
    const r = await runCli(['apply', '-c', policyFile, '--now', '2026-11-25', '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', stateDir], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/A new plan is empty/);
    const after = await counts();
    expect(Number(after.n)).toBe(Number(before.n) - Number(dropped.rows[0].n));
    expect(BigInt(after.s)).toBe(BigInt(before.s) - BigInt(dropped.rows[0].s));
    const again = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--detailed-exitcode'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
    const journal = await db.client.query(`SELECT status, count(*)::int AS n FROM gppart.journal GROUP BY status`);
    expect(journal.rows).toEqual([{ status: 'done', n: 2 }]);
    const snaps = await db.client.query(`SELECT phase FROM gppart.snapshots ORDER BY phase`);
    expect(snaps.rows.map((x) => x.phase)).toEqual(['after', 'before']);
  });

  it('never prints the password, even when the connection fails', async () => {
    const password = serverPassword();
    const wrong = db.url.replace(encodeURIComponent(password), 'S3cr3t-Wr0ng');
    const r = await runCli(['plan', '-c', policyFile, '--database-url', wrong], {});
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).not.toContain('S3cr3t-Wr0ng');
    expect(r.stderr).toMatch(/^Error: cannot connect/);
    const ok = await runCli(['plan', '-c', policyFile, '--format', 'json'], { env });
    expect(ok.stdout + ok.stderr).not.toContain(password);
    const viaPg = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25'], {
      env: { PGHOST: '127.0.0.1', PGPORT: new URL(db.url).port, PGUSER: 'postgres', PGPASSWORD: 'Wr0ngPGpass', PGDATABASE: db.name },
    });
    expect(viaPg.code).toBe(1);
    expect(viaPg.stderr).not.toContain('Wr0ngPGpass');
  });

  it('a table that is not range partitioned gets a clear error naming it', async () => {
    await db.client.query(`CREATE TABLE public.plain (d date)`);
    await db.client.query(`CREATE TABLE public.listed (d date, k int) PARTITION BY LIST (k)`);
    const f = join(dir, 'unsupported.yaml');
    writeFileSync(
      f,
      `version: 1\ntables:\n  - table: public.plain\n    layout: [{ from: -1 month, to: +1 month, every: 1 month }]\n  - table: public.listed\n    layout: [{ from: -1 month, to: +1 month, every: 1 month }]\n  - table: public.missing\n    layout: [{ from: -1 month, to: +1 month, every: 1 month }]\n`,
    );
    const r = await runCli(['plan', '-c', f], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/public\.plain: is not a partitioned table/);
    expect(r.stderr).toMatch(/public\.listed: is list partitioned/);
    expect(r.stderr).toMatch(/public\.missing: table not found/);
  });
});

describe('plan refuses a policy naming a tablespace that does not exist', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('cli_ts');
    await db.client.query(`CREATE TABLE public.t (d date NOT NULL) PARTITION BY RANGE (d)`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('names the file, the key and the tablespace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-ts-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: public.t\n    layout:\n      - { from: -1 month, to: +1 month, every: 1 month, tablespace: "no such" }\n`);
    const r = await runCli(['plan', '-c', f], { env: { GPPART_DATABASE_URL: db.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`p.yaml:3:5 tables[0].layout[0].tablespace: tablespace "no such" does not exist in database ${db.name}`);
  });
});

describe('gppart convert', () => {
  it('prints the original Partition tools policy as a gppart.yaml that validates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-convert-'));
    const out = join(dir, 'converted.yaml');
    const r = await runCli(['convert', join('test', 'fixtures', 'original-policy-example.yaml'), '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/table: test_part\.sales_test\n/);
    const v = await runCli(['validate', '-c', out]);
    expect(v.code).toBe(0);
    const wrong = await runCli(['convert', join('examples', 'gppart.yaml')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/gppart\.yaml:1:1 kind: is not "partitioning"/);
  });
});

describe('a table other tables reference by foreign key', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('cli_fk');
    await db.client.query(`
      CREATE TABLE public.orders (id int NOT NULL, d date NOT NULL, PRIMARY KEY (id, d)) PARTITION BY RANGE (d);
      CREATE TABLE public.orders_default PARTITION OF public.orders DEFAULT;
      INSERT INTO public.orders SELECT i, date '2026-01-01' + i FROM generate_series(0, 300) i;
      CREATE TABLE public.lines (order_id int, d date, FOREIGN KEY (order_id, d) REFERENCES public.orders (id, d));
      INSERT INTO public.lines VALUES (1, '2026-01-02');
      ANALYZE public.orders;`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('plans no step that must fail, and says which key prevents it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-fk-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: public.orders\n    layout:\n      - { from: -6 months, to: +1 month, every: 1 month }\n`);
    const r = await runCli(['plan', '-c', f, '--now', '2026-11-25', '--format', 'json', '--detailed-exitcode'], { env: { GPPART_DATABASE_URL: db.url } });
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout).tables[0];
    expect(t.steps).toEqual([]);
    expect(t.warnings.join('\n')).toMatch(/referenced by foreign key lines_order_id_d_fkey on lines: /);
  });
});

describe('a plan file applied to another database of the same name', () => {
  it('is refused, naming both database ids', async () => {
    const { serverUrl } = await import('../support/db.js');
    const pg = (await import('pg')).default;
    const name = `cli_same_${Date.now() % 100000}`;
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    const url = (() => {
      const u = new URL(serverUrl());
      u.pathname = '/' + name;
      return u.toString();
    })();
    const setup = async () => {
      await admin.query(`CREATE DATABASE "${name}"`);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`CREATE TABLE public.t (d date NOT NULL) PARTITION BY RANGE (d); CREATE TABLE public.t_default PARTITION OF public.t DEFAULT`);
      await c.end();
      const init = await runCli(['init'], { env: { GPPART_DATABASE_URL: url } });
      expect(init.code).toBe(0);
    };
    try {
      await setup();
      const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-same-'));
      const f = join(dir, 'p.yaml');
      writeFileSync(f, `version: 1\ntables:\n  - table: public.t\n    layout:\n      - { from: -1 month, to: +1 month, every: 1 month }\n`);
      const planFile = join(dir, 'plan.json');
      expect((await runCli(['plan', '-c', f, '--now', '2026-11-25', '--out', planFile], { env: { GPPART_DATABASE_URL: url } })).code).toBe(0);
      // The same name, the same tables, the same layout: only the database's identity differs.
      await dropDatabase(admin, name);
      await setup();
      const r = await runCli(['apply', planFile, '--auto-approve', '--allow-now-override'], { env: { GPPART_DATABASE_URL: url } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`was made for database ${name} \\(postgres, id \\d+/\\d+\\) at .* not for ${name} \\(postgres, id \\d+/\\d+\\)`));
    } finally {
      await dropDatabase(admin, name);
      await admin.end();
    }
  });
});

describe('default_partition: forbid', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('cli_forbid');
    await db.client.query(`
      CREATE TABLE public.f (d date NOT NULL) PARTITION BY RANGE (d);
      CREATE TABLE public.f_default PARTITION OF public.f DEFAULT;
      CREATE TABLE public.f_odd PARTITION OF public.f FOR VALUES FROM ('2022-06-01') TO ('2023-06-01');
      INSERT INTO public.f SELECT date '2022-06-01' + i FROM generate_series(0, 364) i;
      ANALYZE public.f;`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stops the plan with an error naming the range and its rows instead of moving them to the DEFAULT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-forbid-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: public.f\n    layout:\n      - { from: -2 years, to: -3 months, every: 1 year }\n    default_partition: forbid\n`);
    const r = await runCli(['plan', '-c', f, '--now', '2024-05-15', '--detailed-exitcode'], { env: { GPPART_DATABASE_URL: db.url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: public\.f: default_partition: forbid: realigning \[2022-06-01, 2024-01-01\) would move ~214 rows of f_odd \[2022-06-01, 2023-06-01\) in \[2022-06-01, 2023-01-01\) to DEFAULT f_default/);
  });
});

describe('--target', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('cli_target');
    for (const t of ['a', 'b']) {
      await db.client.query(`CREATE TABLE public.${t} (d date NOT NULL) PARTITION BY RANGE (d); CREATE TABLE public.${t}_default PARTITION OF public.${t} DEFAULT`);
    }
    expect((await runCli(['init'], { env: { GPPART_DATABASE_URL: db.url } })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('limits plan and apply to the named tables, and refuses a table the policy does not name', async () => {
    const env = { GPPART_DATABASE_URL: db.url };
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-target-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, `version: 1\ntables:\n${['a', 'b'].map((t) => `  - table: public.${t}\n    layout:\n      - { from: -1 month, to: +1 month, every: 1 month }\n`).join('')}`);
    const plan = await runCli(['plan', '-c', f, '--now', '2026-11-25', '--format', 'json', '--target', 'public.b'], { env });
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).tables.map((t: { table: string }) => t.table)).toEqual(['public.b']);
    const apply = await runCli(['apply', '-c', f, '--now', '2026-11-25', '--auto-approve', '--allow-now-override', '--target', 'b', '--state-dir', join(dir, 's')], { env });
    expect(apply.code).toBe(0);
    const counts = await db.client.query(
      `SELECT inhparent::regclass::text AS t, count(*)::int AS n FROM pg_inherits WHERE inhparent IN ('public.a'::regclass, 'public.b'::regclass) GROUP BY 1 ORDER BY 1`,
    );
    expect(counts.rows).toEqual([{ t: 'a', n: 1 }, { t: 'b', n: 2 }]);
    const unknown = await runCli(['plan', '-c', f, '--target', 'public.c'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--target public\.c: public\.c is not a table of .*p\.yaml \(it has public\.a, public\.b\)/);
  });
});

describe('default_partition: ensure', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('cli_ensure');
    await db.client.query(`
      CREATE TABLE public.e (d date NOT NULL, v int) PARTITION BY RANGE (d);
      CREATE TABLE public.e_2026_10 PARTITION OF public.e FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
      GRANT SELECT ON public.e TO PUBLIC;
      INSERT INTO public.e SELECT date '2026-10-01' + i, i FROM generate_series(0, 30) i;`);
    expect((await runCli(['init'], { env: { GPPART_DATABASE_URL: db.url } })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('apply refuses to call functions older than this gppart, and says to run init', async () => {
    await db.client.query(`DELETE FROM gppart.migrations WHERE version = 7`);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-outdated-'));
      const f = join(dir, 'p.yaml');
      writeFileSync(f, `version: 1\ntables:\n  - table: public.e\n    layout:\n      - { from: -2 months, to: +1 month, every: 1 month }\n    default_partition: ensure\n`);
      const r = await runCli(['apply', '-c', f, '--now', '2026-11-25', '--auto-approve', '--allow-now-override', '--state-dir', join(dir, 's')], { env: { GPPART_DATABASE_URL: db.url } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/older than this gppart \(007_create_default\.sql not applied, or changed since\); run gppart init first/);
    } finally {
      const again = await runCli(['init'], { env: { GPPART_DATABASE_URL: db.url } });
      expect(again.stdout).toMatch(/applied 007_create_default\.sql/);
    }
  });

  it('creates the missing DEFAULT with the parent\'s grants, then the plan is empty', async () => {
    const env = { GPPART_DATABASE_URL: db.url };
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-ensure-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: public.e\n    layout:\n      - { from: -2 months, to: +1 month, every: 1 month }\n    default_partition: ensure\n`);
    const plan = await runCli(['plan', '-c', f, '--now', '2026-11-25'], { env });
    expect(plan.stdout).toMatch(/\+ split +create DEFAULT partition e_default/);
    const r = await runCli(['apply', '-c', f, '--now', '2026-11-25', '--auto-approve', '--allow-now-override', '--state-dir', join(dir, 's')], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const def = await db.client.query(`SELECT partdefid::regclass::text AS d, has_table_privilege('public', partdefid, 'SELECT') AS granted FROM pg_partitioned_table WHERE partrelid = 'public.e'::regclass`);
    expect(def.rows).toEqual([{ d: 'e_default', granted: true }]);
    await db.client.query(`INSERT INTO public.e VALUES ('2030-01-01', 1)`);
    const again = await runCli(['plan', '-c', f, '--now', '2026-11-25', '--detailed-exitcode'], { env });
    expect(again.code).toBe(0);
  });
});

describe('a table published for logical replication', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('cli_pub');
    // PostgreSQL 12 publishes partitions, not a partitioned table: there the DEFAULT is published.
    await db.client.query(`
      CREATE TABLE public.p (d date NOT NULL) PARTITION BY RANGE (d);
      CREATE TABLE public.p_default PARTITION OF public.p DEFAULT;
      INSERT INTO public.p SELECT date '2026-09-01' + i FROM generate_series(0, 90) i;
      CREATE PUBLICATION gppart_cli_pub FOR TABLE ${serverMajor() >= 13 ? 'public.p' : 'public.p_default'};`);
  });
  afterAll(async () => {
    await db.client.query('DROP PUBLICATION IF EXISTS gppart_cli_pub');
    await db.drop();
  });

  it('gets no rewriting step, and a warning naming the publication', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-cli-pub-'));
    const f = join(dir, 'p.yaml');
    writeFileSync(f, `version: 1\ntables:\n  - table: public.p\n    layout:\n      - { from: -2 months, to: +1 month, every: 1 month }\n`);
    const r = await runCli(['plan', '-c', f, '--now', '2026-11-25', '--format', 'json'], { env: { GPPART_DATABASE_URL: db.url } });
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout).tables[0];
    expect(t.steps).toEqual([]);
    expect(t.warnings.join('\n')).toMatch(/published for logical replication \(gppart_cli_pub\): rewriting partitions would not replicate, so 1 step\(s\) \(split\) are not planned/);
  });
});
