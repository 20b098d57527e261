// --format html through the built binary against a real server: plan, show PLANFILE (the same page,
// without a database) and show --apply ID (the apply's snapshots), each one self-contained page
// whose timeline has a bar per partition the database had before and has after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';

const POLICY = `version: 1
defaults:
  timezone: UTC
tables:
  - table: pics.events
    layout:
      - { from: -2 months, to: +1 month, every: 1 month }
      - { from: -1 year, to: -2 months, every: 3 months }
    retention: { drop_after: 2 years }
`;

function bars(page: string, lane: 'before' | 'after'): Array<{ from: string; to: string; change: string; count: number }> {
  const doc = new JSDOM(page).window.document;
  return [...doc.querySelectorAll(`svg.timeline g.bar[data-lane="${lane}"]`)].map((g) => ({
    from: g.getAttribute('data-from')!,
    to: g.getAttribute('data-to')!,
    change: g.getAttribute('data-change')!,
    count: Number(g.getAttribute('data-count')),
  }));
}

async function partitionBounds(db: TestDb): Promise<string[]> {
  const r = await db.client.query<{ b: string }>(
    `SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'pics.events'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT' ORDER BY 1`,
  );
  return r.rows.map((x) => /FROM \('([^']+)'\)/.exec(x.b)![1]!).sort();
}

describe('gppart --format html', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;
  let planFile: string;
  let planPage: string;

  beforeAll(async () => {
    db = await createTestDb('pics');
    dir = mkdtempSync(join(tmpdir(), 'gppart-pics-'));
    policyFile = join(dir, 'gppart.yaml');
    planFile = join(dir, 'plan.json');
    writeFileSync(policyFile, POLICY);
    env = { GPPART_DATABASE_URL: db.url };
    await db.client.query(`CREATE SCHEMA pics`);
    await db.client.query(`CREATE TABLE pics.events (day date NOT NULL, n int NOT NULL) PARTITION BY RANGE (day)`);
    await db.client.query(`CREATE TABLE pics.events_2023 PARTITION OF pics.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')`);
    for (let m = 1; m <= 12; m++) {
      const from = `2026-${String(m).padStart(2, '0')}-01`;
      const to = m === 12 ? '2027-01-01' : `2026-${String(m + 1).padStart(2, '0')}-01`;
      await db.client.query(`CREATE TABLE pics.events_2026_${m} PARTITION OF pics.events FOR VALUES FROM ('${from}') TO ('${to}')`);
    }
    await db.client.query(`CREATE TABLE pics.events_default PARTITION OF pics.events DEFAULT`);
    await db.client.query(`INSERT INTO pics.events SELECT d::date, 1 FROM generate_series(date '2023-01-01', date '2027-01-31', interval '1 day') d WHERE d < '2024-01-01' OR d >= '2026-01-01'`);
    await db.client.query(`ANALYZE pics.events`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('plan --format html: one page, a bar per partition before and after, the same page from show PLANFILE', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--now', '2027-01-15', '--format', 'html', '--out', planFile], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    planPage = r.stdout;
    expect(planPage).toMatch(/^<!DOCTYPE html>\n/);
    expect(planPage).not.toMatch(/<script|\bsrc=/);
    const before = bars(planPage, 'before');
    expect(before.map((b) => b.from)).toEqual(await partitionBounds(db));
    expect(before.find((b) => b.from === '2023-01-01')!.change).toBe('drop');
    expect(before.filter((b) => b.change === 'merge').map((b) => b.from)).toEqual(['2026-04-01', '2026-05-01', '2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01']);
    const after = bars(planPage, 'after');
    expect(after.filter((b) => b.change === 'merge').map((b) => `${b.from}..${b.to}`)).toEqual(['2026-04-01..2026-07-01', '2026-07-01..2026-10-01']);
    expect(after.filter((b) => b.change === 'split').map((b) => b.from)).toEqual(['2027-01-01']);
    expect(after.filter((b) => b.change === 'none')).toHaveLength(6);

    const noDb = { GPPART_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const shown = await runCli(['show', planFile, '--format', 'html'], { env: noDb });
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toBe(planPage);
  });

  it('show --apply ID --format html draws the apply from its snapshots', async () => {
    expect((await runCli(['init'], { env })).code).toBe(0);
    const before = await partitionBounds(db);
    const a = await runCli(['apply', planFile, '--auto-approve', '--allow-destroy', '--allow-now-override', '--state-dir', join(dir, 'state')], { env });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const id = Number(/Apply (\d+) done/.exec(a.stdout)![1]);
    const r = await runCli(['show', '--apply', String(id), '--format', 'html'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`<h1>gppart apply ${id}: done</h1>`);
    expect(bars(r.stdout, 'before').flatMap((b) => (b.count === 1 ? [b.from] : []))).toEqual(before);
    expect(bars(r.stdout, 'after').map((b) => b.from)).toEqual(await partitionBounds(db));
    // what the apply did reads the same as what the plan said it would do
    const changes = (page: string) => bars(page, 'after').map((b) => `${b.from} ${b.change}`);
    expect(changes(r.stdout)).toEqual(changes(planPage));
    const doc = new JSDOM(r.stdout).window.document;
    expect([...doc.querySelectorAll('ol.steps > li')].map((li) => li.getAttribute('data-kind'))).toEqual(JSON.parse(readFileSync(planFile, 'utf8')).tables[0].steps.map((s: { kind: string }) => s.kind));
    const md = await runCli(['show', '--apply', String(id), '--format', 'sql'], { env });
    expect(md.code).toBe(1);
    expect(md.stderr).toMatch(/--apply shows as text, markdown, json or html, not sql/);
  });
});
