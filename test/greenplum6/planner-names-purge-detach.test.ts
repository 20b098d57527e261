// Greenplum 6 through the built CLI (needs GPPART_TEST_GREENPLUM6_URL; skipped by name without it):
// partition names that fit and do not repeat the table name for 23-, 40- and 60-byte and
// multibyte table names (issue 8 #4), a plain table named like a wanted child table (issue 11 #3),
// DEFAULT rows older than retention purged (issue 10 #1) and retention mode detach.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const URL = process.env.GPPART_TEST_GREENPLUM6_URL;
const NOW = '2026-11-25';
const SCHEMA = `gppart_names_${process.pid}`;
const ATTIC = `${SCHEMA}_attic`;
const TABLES = [
  'ord_abcdefghijklmnopqrs', // 23 bytes
  'orders_with_a_forty_byte_name_abcdefghij', // 40 bytes
  'orders_with_a_sixty_byte_name_which_greenplum_must_shorten_x', // 60 bytes
  'заказы_клиентов_за_все_годы_ра', // 30 characters, 57 bytes
];
const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe.skipIf(!URL)('Greenplum 6: partition names, DEFAULT purge and detach through the CLI', () => {
  let c: pg.Client;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;
  const count = async (sql: string): Promise<number> => Number((await c.query<{ n: string }>(sql)).rows[0]!.n);

  beforeAll(async () => {
    c = new pg.Client({ connectionString: URL });
    await c.connect();
    env = { GPPART_DATABASE_URL: URL };
    await c.query(`DROP SCHEMA IF EXISTS ${q(SCHEMA)} CASCADE`);
    await c.query(`DROP SCHEMA IF EXISTS ${q(ATTIC)} CASCADE`);
    await c.query(`CREATE SCHEMA ${q(SCHEMA)}`);
    await c.query(`CREATE SCHEMA ${q(ATTIC)}`);
    for (const t of TABLES) {
      await c.query(
        `CREATE TABLE ${q(SCHEMA)}.${q(t)} (day date NOT NULL, v int NOT NULL) DISTRIBUTED BY (v)
         PARTITION BY RANGE (day) (PARTITION old START ('2023-01-01') END ('2024-01-01'),
                                   PARTITION p2026_09 START ('2026-09-01') END ('2026-10-01'), DEFAULT PARTITION other)`,
      );
      await c.query(
        `INSERT INTO ${q(SCHEMA)}.${q(t)} SELECT d::date, 1 FROM generate_series(date '2022-01-01', date '2023-12-31', interval '1 day') d`,
      );
      await c.query(
        `INSERT INTO ${q(SCHEMA)}.${q(t)} SELECT d::date, 2 FROM generate_series(date '2026-09-01', date '2027-01-31', interval '1 day') d`,
      );
      await c.query(`ANALYZE ${q(SCHEMA)}.${q(t)}`);
    }
    // A table with indexes on the parent (a plain one and an expression index) and only retention
    // to apply: detach must give the empty table it exchanges in an index like each.
    await c.query(
      `CREATE TABLE ${q(SCHEMA)}.indexed (day date NOT NULL, v int NOT NULL) DISTRIBUTED BY (v)
       PARTITION BY RANGE (day) (PARTITION old START ('2023-01-01') END ('2024-01-01'), DEFAULT PARTITION other)`,
    );
    await c.query(`CREATE INDEX indexed_v ON ${q(SCHEMA)}.indexed (v)`);
    await c.query(`CREATE INDEX indexed_v_plus ON ${q(SCHEMA)}.indexed ((v + 1))`);
    await c.query(`INSERT INTO ${q(SCHEMA)}.indexed SELECT d::date, 3 FROM generate_series(date '2022-01-01', date '2023-12-31', interval '1 day') d`);
    await c.query(`ANALYZE ${q(SCHEMA)}.indexed`);
    // A plain table where Greenplum would put the child of the first table's partition p2026_10.
    await c.query(`CREATE TABLE ${q(SCHEMA)}.${q(`${TABLES[0]}_1_prt_p2026_10`)} (x int) DISTRIBUTED RANDOMLY`);
    const dir = mkdtempSync(join(tmpdir(), 'gppart-gp6-names-'));
    policyFile = join(dir, 'gppart.yaml');
    writeFileSync(
      policyFile,
      [
        'version: 1',
        'defaults:',
        '  default_partition: { mode: keep, expired_rows: purge }',
        'tables:',
        ...TABLES.flatMap((t) => [
          `  - table: '${q(SCHEMA)}.${q(t)}'`,
          '    layout:',
          '      - { from: -3 months, to: +2 months, every: 1 month }',
          `    retention: { drop_after: 2 years, mode: detach, schema: '${ATTIC}' }`,
        ]),
        `  - table: '${q(SCHEMA)}.indexed'`,
        `    retention: { drop_after: 2 years, mode: detach, schema: '${ATTIC}' }`,
        '',
      ].join('\n'),
    );
    const init = await runCli(['init'], { env });
    expect(init.stderr).toBe('');
  }, 120_000);

  afterAll(async () => {
    if (!c) return;
    await c.query(`DROP SCHEMA IF EXISTS ${q(SCHEMA)} CASCADE`);
    await c.query(`DROP SCHEMA IF EXISTS ${q(ATTIC)} CASCADE`);
    await c.end();
  });

  it('plans partition names without the table name whose child tables fit 63 bytes, around a taken name', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--now', NOW, '--format', 'json'], { env });
    expect(r.stderr).toBe('');
    const plan = JSON.parse(r.stdout);
    expect(plan.tables.at(-1).steps.map((s: { kind: string }) => s.kind)).toEqual(['detach', 'purge']);
    for (const [i, t] of plan.tables.slice(0, -1).entries()) {
      expect(t.steps.map((s: { kind: string }) => s.kind)).toEqual(['detach', 'purge', 'split']);
      const split = t.steps[2];
      expect(split.call.args[4]).toEqual(i === 0 ? ['p2026_10_2', 'p2026_11', 'p2026_12'] : ['p2026_10', 'p2026_11', 'p2026_12']);
      for (const p of split.produces) {
        expect(bytes(p.name)).toBeLessThanOrEqual(63);
        expect(p.name).toMatch(/_1_prt_p2026_1[012](_2)?$/);
        expect(p.name.split(Array.from(TABLES[i]!).slice(0, 12).join('')).length).toBe(2); // the table name once
      }
      expect(t.steps[1].estimatedRows).toBeGreaterThan(300); // the 365 rows of 2022, from the DEFAULT's statistics
    }
  });

  it('applies: the child tables are the ones planned, expired DEFAULT rows are gone, old partitions are tables in the attic; the re-plan is empty', async () => {
    const before = await Promise.all(TABLES.map((t) => count(`SELECT count(*) AS n FROM ${q(SCHEMA)}.${q(t)}`)));
    const r = await runCli(['apply', '-c', policyFile, '--now', NOW, '--auto-approve', '--allow-destroy', '--allow-now-override'], { env });
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const [i, t] of TABLES.entries()) {
      expect(await count(`SELECT count(*) AS n FROM ${q(SCHEMA)}.${q(t)}`)).toBe(before[i]! - 365 - 365);
      expect(await count(`SELECT count(*) AS n FROM ${q(SCHEMA)}.${q(t)} WHERE day < '2024-11-25'`)).toBe(0);
      const parts = await c.query<{ name: string; parname: string | null }>(
        `SELECT partitiontablename AS name, partitionname AS parname FROM pg_partitions WHERE schemaname = $1 AND tablename = $2 ORDER BY partitionrank NULLS LAST`,
        [SCHEMA, t],
      );
      expect(parts.rows.map((p) => p.parname)).toEqual(['p2026_09', i === 0 ? 'p2026_10_2' : 'p2026_10', 'p2026_11', 'p2026_12', 'other']);
      for (const p of parts.rows) expect(bytes(p.name)).toBeLessThanOrEqual(63);
      const kept = await c.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname LIKE '%\\_1\\_prt\\_old' AND c.relkind = 'r'`,
        [ATTIC],
      );
      const mine = kept.rows.find((k) => k.relname.startsWith(Array.from(t).slice(0, 7).join('')));
      expect(mine).toBeDefined();
      expect(await count(`SELECT count(*) AS n FROM ${q(ATTIC)}.${q(mine!.relname)}`)).toBe(365);
    }
    expect(await count(`SELECT count(*) AS n FROM ${q(SCHEMA)}.${q(`${TABLES[0]}_1_prt_p2026_10`)}`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${q(SCHEMA)}.indexed`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM ${q(ATTIC)}.indexed_1_prt_old`)).toBe(365);
    const again = await runCli(['plan', '-c', policyFile, '--now', NOW, '--format', 'json', '--detailed-exitcode'], { env });
    const plan = JSON.parse(again.stdout);
    expect(plan.tables.map((t: { steps: unknown[]; warnings: string[] }) => [t.steps, t.warnings])).toEqual([...TABLES, 'indexed'].map(() => [[], []]));
    expect(again.code).toBe(0);
  }, 300_000);
});
