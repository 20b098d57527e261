// Through the built binary on PostgreSQL: DEFAULT rows older than retention are reported (issue 10
// #1) and purged when the policy says so; retention mode detach; a naming pattern; a plain table
// named like a wanted partition (issue 11 #3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';

const NOW = '2026-11-25';

function policy(extra: { defaultPartition?: string; retention?: string; naming?: string }): string {
  return `version: 1
tables:
  - table: sales.events
    layout:
      - { from: -3 months, to: +2 months, every: 1 month }
    retention: ${extra.retention ?? '{ drop_after: 2 years }'}
${extra.defaultPartition ? `    default_partition: ${extra.defaultPartition}\n` : ''}${extra.naming ? `    naming: "${extra.naming}"\n` : ''}`;
}

describe('DEFAULT leftovers, purge, detach, naming and taken names through the CLI (PostgreSQL)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const file = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const count = async (sql: string): Promise<number> => Number((await db.client.query<{ n: string }>(sql)).rows[0]!.n);

  beforeAll(async () => {
    db = await createTestDb('cli_leftovers');
    dir = mkdtempSync(join(tmpdir(), 'gppart-leftovers-'));
    env = { GPPART_DATABASE_URL: db.url };
    const c = db.client;
    await c.query('CREATE SCHEMA sales');
    await c.query('CREATE SCHEMA attic');
    await c.query('CREATE TABLE sales.events (day date NOT NULL, v int NOT NULL) PARTITION BY RANGE (day)');
    await c.query(`CREATE TABLE sales.events_2023 PARTITION OF sales.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')`);
    await c.query(`CREATE TABLE sales.events_2026_09 PARTITION OF sales.events FOR VALUES FROM ('2026-09-01') TO ('2026-10-01')`);
    await c.query('CREATE TABLE sales.events_default PARTITION OF sales.events DEFAULT');
    // The DEFAULT: 2022 (older than retention: expired), 2026-10 .. 2027-01 (wanted as partitions).
    await c.query(`INSERT INTO sales.events SELECT d::date, 1 FROM generate_series(date '2022-01-01', date '2022-12-31', interval '1 day') d`);
    await c.query(`INSERT INTO sales.events SELECT d::date, 2 FROM generate_series(date '2023-01-01', date '2023-12-31', interval '1 day') d`);
    await c.query(`INSERT INTO sales.events SELECT d::date, 3 FROM generate_series(date '2026-09-01', date '2027-01-31', interval '1 day') d`);
    // A detached old partition nobody dropped, named like the partition gppart wants for 2026-12.
    await c.query('CREATE TABLE sales.events_p2026_12 (day date, v int)');
    await c.query('ANALYZE sales.events');
    expect((await runCli(['init'], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('reports the expired DEFAULT rows, with a count from statistics, in text, JSON and markdown', async () => {
    const f = file('warn.yaml', policy({}));
    const json = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'json'], { env });
    expect(json.stderr).toBe('');
    const t = JSON.parse(json.stdout).tables[0];
    const expired = t.warnings.find((w: string) => /older than retention/.test(w));
    expect(expired).toMatch(/^DEFAULT partition events_default holds ~(\d+) rows older than retention drop_after 2 years \(before 2024-11-25\); retention does not remove them/);
    // 365 rows of 2022; ANALYZE's histogram gives an estimate near it.
    expect(Math.abs(Number(/~(\d+) rows/.exec(expired)![1]) - 365)).toBeLessThan(40);
    const text = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'text'], { env });
    expect(text.stdout).toMatch(/older than retention drop_after 2 years/);
    const md = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'markdown'], { env });
    expect(md.stdout).toMatch(/\*\*Warning\*\* .*older than retention drop\\?_after 2 years/);
  });

  it('avoids the name of a plain table, follows the naming pattern, purges and detaches; the re-plan is empty', async () => {
    const f = file('purge.yaml', policy({
      defaultPartition: '{ mode: keep, expired_rows: purge }',
      retention: '{ drop_after: 2 years, mode: detach, schema: attic }',
    }));
    const plan = JSON.parse((await runCli(['plan', '-c', f, '--now', NOW, '--format', 'json'], { env })).stdout).tables[0];
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['detach', 'purge', 'split']);
    expect(plan.steps[2].call.args[4]).toEqual(['events_p2026_10', 'events_p2026_11', 'events_p2026_12_2']);
    const refused = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-now-override'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--allow-destroy/);
    expect(refused.stderr).toMatch(/purge/);
    const total = await count('SELECT count(*) AS n FROM sales.events');
    const r = await runCli(['apply', '-c', f, '--now', NOW, '--auto-approve', '--allow-destroy', '--allow-now-override'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM sales.events WHERE day < '2024-11-25'`)).toBe(0);
    expect(await count('SELECT count(*) AS n FROM sales.events')).toBe(total - 365 - 365);
    expect(await count('SELECT count(*) AS n FROM attic.events_2023')).toBe(365);
    expect(await count('SELECT count(*) AS n FROM sales.events_p2026_12')).toBe(0); // the plain table, untouched
    expect(await count('SELECT count(*) AS n FROM sales.events_p2026_12_2')).toBe(31);
    const again = await runCli(['plan', '-c', f, '--now', NOW, '--format', 'json'], { env });
    const t = JSON.parse(again.stdout).tables[0];
    expect(t.steps).toEqual([]);
    expect(t.warnings).toEqual([]);
  });

  it('names new partitions by the pattern and finds the names it took', async () => {
    const f = file('naming.yaml', policy({ naming: '{table}_{yyyy}_{mm}' }));
    const plan = JSON.parse((await runCli(['plan', '-c', f, '--now', '2027-01-20', '--format', 'json'], { env })).stdout).tables[0];
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toEqual(['split']);
    expect(plan.steps[0].call.args[4]).toEqual(['events_2027_01', 'events_2027_02']);
  });
});
