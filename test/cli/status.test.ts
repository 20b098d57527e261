// gppart status through the built binary: the partitions of each policy table now, with the rule
// of the policy each falls under; text for people, JSON for scripts; --target limits it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';

const POLICY = `version: 1
tables:
  - table: st.orders
    layout:
      - { from: -2 months, to: +1 month, every: 1 month }
    retention: { drop_after: 2 years }
  - table: st.events
    layout:
      - { from: -3 days, to: +2 days, every: 1 day }
`;

describe('gppart status', () => {
  let db: TestDb;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;

  beforeAll(async () => {
    db = await createTestDb('status');
    env = { GPPART_DATABASE_URL: db.url };
    policyFile = join(mkdtempSync(join(tmpdir(), 'gppart-status-')), 'gppart.yaml');
    writeFileSync(policyFile, POLICY);
    const c = db.client;
    await c.query(`CREATE SCHEMA st`);
    await c.query(`CREATE TABLE st.orders (day date NOT NULL) PARTITION BY RANGE (day)`);
    await c.query(`CREATE TABLE st.orders_2020 PARTITION OF st.orders FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')`);
    await c.query(`CREATE TABLE st.orders_2026_10 PARTITION OF st.orders FOR VALUES FROM ('2026-10-01') TO ('2026-11-01')`);
    await c.query(`CREATE TABLE st.orders_2026_11a PARTITION OF st.orders FOR VALUES FROM ('2026-11-01') TO ('2026-11-15')`);
    await c.query(`CREATE TABLE st.orders_default PARTITION OF st.orders DEFAULT`);
    await c.query(`INSERT INTO st.orders SELECT d FROM generate_series(date '2020-01-01', date '2020-12-31', interval '1 day') d`);
    await c.query(`CREATE TABLE st.events (at timestamptz NOT NULL) PARTITION BY RANGE (at)`);
    await c.query(`ANALYZE st.orders`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('prints every partition with bounds, tablespace, storage, rows, size, its rule and how it stands', async () => {
    const r = await runCli(['status', '-c', policyFile, '--now', '2026-11-25'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    const out = r.stdout;
    expect(out).toMatch(/^st\.orders {2}key day date; 3 partition\(s\) and a DEFAULT, ~366 rows/m);
    expect(out).toContain('  band 1 (-2 months .. +1 month, every 1 month): 2 period(s) in [2026-10-01, 2026-12-01), tablespace pg_default');
    expect(out).toContain('  retention drop_after 2 years: partitions ending on or before 2024-11-25 are dropped');
    expect(out).toMatch(/^ {2}PARTITION +RANGE +TABLESPACE +STORAGE +ROWS +SIZE +RULE +STATE$/m);
    expect(out).toMatch(/^ {2}orders_2020 +\[2020-01-01, 2021-01-01\) +pg_default +heap +~366 +[\d.]+ kB +retention +ends before 2024-11-25: the next apply drops it$/m);
    expect(out).toMatch(/^ {2}orders_2026_10 +\[2026-10-01, 2026-11-01\) +pg_default +heap +~0 +[\d.]+ (k?B) +band 1 +as wanted$/m);
    expect(out).toMatch(/^ {2}orders_2026_11a +\[2026-11-01, 2026-11-15\) .* band 1 +the band wants \[2026-11-01, 2026-12-01\): a merge rewrites it$/m);
    expect(out).toMatch(/^ {2}orders_default +DEFAULT .* DEFAULT +empty$/m);
    expect(out).toContain('  2 partition(s) differ from the policy: gppart plan shows the steps.');
    expect(out).toMatch(/^st\.events {2}key at timestamptz; 0 partition\(s\), ~0 rows/m);
    expect(out).toContain('  no partitions\n  5 wanted period(s) have no partition yet (band 1), from 2026-11-22 to 2026-11-27\n  5 wanted period(s) are missing: gppart plan shows the steps.');
  });

  it('--format json gives the same as data; --target limits it; an unknown target is an error', async () => {
    const r = await runCli(['status', '-c', policyFile, '--now', '2026-11-25', '--format', 'json', '--target', 'st.orders'], { env });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.now).toBe('2026-11-25');
    expect(doc.tables.map((t: { table: string }) => t.table)).toEqual(['st.orders']);
    expect(doc.tables[0].partitions[0]).toMatchObject({
      name: 'orders_2020',
      from: '2020-01-01',
      to: '2021-01-01',
      tablespace: null,
      storage: 'heap',
      rows: 366,
      rule: { kind: 'retention' },
      state: { kind: 'drop' },
    });
    const bad = await runCli(['status', '-c', policyFile, '--target', 'st.nope'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--target st\.nope/);
  });
});
