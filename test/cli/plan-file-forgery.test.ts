// A plan file is data, never code: every case of test/corpus/plan-files (edited, then re-hashed so
// the hash cannot be what refuses it) is refused by apply, before anything is shown or changed,
// and by show wherever a file alone can tell. The untouched plan then applies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, newTablespaceDir, type TestDb } from '../support/db.js';
import { runCli, type CliResult } from '../support/cli.js';
import { toPlanFile } from '../../src/workflow/planfile.js';
import type { Plan } from '../../src/plan/model.js';

const CORPUS = new URL('../corpus/plan-files/', import.meta.url);
const NOW = '2026-04-01';
const POLICY = `version: 1
tables:
  - table: forge.orders
    layout:
      - { from: -3 months, to: +1 month, every: 1 month }
      - { from: -1 year, to: -3 months, every: 1 quarter, tablespace: forge_warm }
    retention: { drop_after: 1 year }
`;

type Seg = string | number | { kind: string };
type Edit =
  | { set: Seg[]; value: unknown }
  | { insert: Seg[]; value: unknown }
  | { remove: Seg[] }
  | { replaceText: Seg[]; from: string; to: string };
interface Case {
  why: string;
  edits?: Edit[];
  raw?: string;
  recomputeSummary?: boolean;
  show: string | null;
  apply?: string;
}

/** The container and key a path points at; `{kind}` picks the first step of that kind. */
function locate(doc: unknown, path: Seg[]): { parent: Record<string | number, unknown>; key: string | number } {
  let node = doc as Record<string | number, unknown>;
  const keyOf = (n: Record<string | number, unknown>, seg: Seg): string | number => {
    if (typeof seg !== 'object') return seg;
    const i = (n as unknown as Array<{ kind: string }>).findIndex((s) => s.kind === seg.kind);
    if (i < 0) throw new Error(`no step of kind ${seg.kind}`);
    return i;
  };
  for (const seg of path.slice(0, -1)) node = node[keyOf(node, seg)] as Record<string | number, unknown>;
  return { parent: node, key: keyOf(node, path.at(-1)!) };
}

function resolveValue(doc: unknown, v: unknown): unknown {
  if (v && typeof v === 'object' && '$copy' in v) {
    const { parent, key } = locate(doc, (v as { $copy: Seg[] }).$copy);
    return structuredClone(parent[key]);
  }
  return v;
}

/** The base plan file with the case's edits, its summary and both hashes computed again. */
function forged(base: string, c: Case): string {
  if (c.raw !== undefined) return c.raw;
  const doc = JSON.parse(base) as Record<string, unknown>;
  for (const e of c.edits ?? []) {
    if ('set' in e) {
      const { parent, key } = locate(doc, e.set);
      parent[key] = resolveValue(doc, e.value);
    } else if ('insert' in e) {
      const { parent, key } = locate(doc, e.insert);
      (parent as unknown as unknown[]).splice(key as number, 0, resolveValue(doc, e.value));
    } else if ('remove' in e) {
      const { parent, key } = locate(doc, e.remove);
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else {
      const { parent, key } = locate(doc, e.replaceText);
      parent[key] = String(parent[key]).replace(e.from, e.to);
    }
  }
  const { planHash: _h, policy, ...plan } = doc as unknown as Plan & { planHash: string; policy: { file: string; text: string } };
  if (c.recomputeSummary !== false) {
    for (const k of Object.keys(plan.summary) as Array<keyof Plan['summary']>) plan.summary[k] = 0;
    for (const t of plan.tables) for (const s of t.steps) plan.summary[s.kind] = (plan.summary[s.kind] ?? 0) + 1;
  }
  plan.policyHash = createHash('sha256').update(policy.text).digest('hex');
  return JSON.stringify(toPlanFile(plan, policy), null, 2);
}

/** Exactly one line on stderr, with no control character in it. */
function expectOneLine(r: CliResult, pattern: string): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^Error: [^\n]*\n$/);
  expect(r.stderr.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(r.stderr).toMatch(new RegExp(pattern));
}

describe('forged and edited plan files (test/corpus/plan-files)', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let base: string;
  let baseFile: string;
  const cases = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, c: JSON.parse(readFileSync(new URL(f, CORPUS), 'utf8')) as Case }));

  /** Everything a forged apply could have changed: partitions, rows, the journal. */
  async function state(): Promise<string> {
    const r = await db.client.query(`
      SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound, coalesce(t.spcname, '-') AS ts,
             (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text AS n
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
      WHERE n.nspname = 'forge' AND c.relkind IN ('r', 'p') ORDER BY c.relname`);
    const j = await db.client.query(`SELECT (SELECT count(*) FROM gppart.applies) AS a, (SELECT count(*) FROM gppart.journal) AS j`);
    return JSON.stringify([r.rows, j.rows]);
  }

  beforeAll(async () => {
    db = await createTestDb('forgery');
    dir = mkdtempSync(join(tmpdir(), 'gppart-forgery-'));
    env = { GPPART_DATABASE_URL: db.url };
    const c = db.client;
    await c.query(`DROP TABLESPACE IF EXISTS forge_warm`).catch(() => undefined);
    await c.query(`CREATE TABLESPACE forge_warm LOCATION '${newTablespaceDir()}'`);
    await c.query(`CREATE SCHEMA forge`);
    await c.query(`CREATE TABLE forge.orders (day date NOT NULL, v int) PARTITION BY RANGE (day)`);
    for (const [name, from, to] of [
      ['orders_2024_12', '2024-12-01', '2025-01-01'],
      ['orders_2025q2', '2025-04-01', '2025-07-01'],
      ['orders_2025_07', '2025-07-01', '2025-08-01'],
      ['orders_2025_08', '2025-08-01', '2025-09-01'],
      ['orders_2025_09', '2025-09-01', '2025-10-01'],
      ['orders_2026_01', '2026-01-01', '2026-02-01'],
    ]) {
      await c.query(`CREATE TABLE forge.${name} PARTITION OF forge.orders FOR VALUES FROM ('${from}') TO ('${to}')`);
    }
    await c.query(`CREATE TABLE forge.orders_default PARTITION OF forge.orders DEFAULT`);
    await c.query(`INSERT INTO forge.orders SELECT d, 1 FROM generate_series(date '2024-12-01', date '2026-03-31', interval '1 day') d`);
    await c.query(`CREATE TABLE forge.victim (day date NOT NULL, v int) PARTITION BY RANGE (day)`);
    await c.query(`CREATE TABLE forge.victim_2026_01 PARTITION OF forge.victim FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')`);
    await c.query(`INSERT INTO forge.victim SELECT d, 1 FROM generate_series(date '2026-01-01', date '2026-01-31', interval '1 day') d`);
    await c.query(`ANALYZE forge.orders; ANALYZE forge.victim`);
    const policyFile = join(dir, 'gppart.yaml');
    writeFileSync(policyFile, POLICY);
    expect((await runCli(['init'], { env })).code).toBe(0);
    baseFile = join(dir, 'base.json');
    const p = await runCli(['plan', '-c', policyFile, '--now', NOW, '--out', baseFile], { env });
    expect(p.stderr).toBe('');
    base = readFileSync(baseFile, 'utf8');
    expect((JSON.parse(base) as Plan).tables[0]!.steps.map((s) => s.kind)).toEqual(['drop', 'merge', 'split', 'move']);
  });
  afterAll(async () => {
    await db.drop();
    const { serverUrl } = await import('../support/db.js');
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: serverUrl() });
    await admin.connect();
    await admin.query('DROP TABLESPACE IF EXISTS forge_warm').catch(() => undefined);
    await admin.end();
  });

  it('has a corpus to run', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses every case in apply (one line, nothing shown, nothing changed) and in show wherever a file can tell', async () => {
    const before = await state();
    // Three at a time: refusals change nothing.
    for (let i = 0; i < cases.length; i += 3) {
      await Promise.all(
        cases.slice(i, i + 3).map(async ({ name, c }) => {
          const file = join(dir, name);
          writeFileSync(file, forged(base, c));
          // The psql script: the format the forgery turned into a drop to run by hand.
          const show = await runCli(['show', file, '--format', 'sql']);
          if (c.show === null) {
            expect(show.stderr, `${name}: show`).toBe('');
            expect(show.code, `${name}: show`).toBe(0);
          } else {
            expectOneLine(show, c.show);
          }
          const apply = await runCli(['apply', file, '--auto-approve', '--allow-destroy', '--allow-now-override', '--state-dir', join(dir, 'state')], { env });
          expectOneLine(apply, c.apply ?? c.show!);
          expect(apply.stdout, `${name}: apply printed before refusing`).toBe('');
        }),
      );
      expect(await state(), `the database changed in ${cases.slice(i, i + 3).map((x) => x.name).join(', ')}`).toBe(before);
    }
  }, 600_000);

  it('applies the untouched plan file, so the refusals above are the forgeries\'', async () => {
    const before = await state();
    const r = await runCli(['apply', baseFile, '--auto-approve', '--allow-destroy', '--allow-now-override', '--state-dir', join(dir, 'state')], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Apply \d+ done: 4 step\(s\) done/);
    expect(await state()).not.toBe(before);
    const victim = await db.client.query(`SELECT count(*)::int AS n FROM forge.victim`);
    expect(victim.rows[0].n).toBe(31);
  });
});
