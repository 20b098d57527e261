// Plan review and audit through the built binary: plan --out validated by the schema, show in
// every format without a database, history and show --apply from the journal after an apply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { createTestDb, type TestDb } from '../support/db.js';
import { runCli } from '../support/cli.js';

const POLICY = `version: 1
defaults:
  timezone: UTC
tables:
  - table: review.events
    layout:
      - { from: -2 months, to: +1 month, every: 1 month }
    retention: { drop_after: 1 year }
`;

const ESC = /\u001b\[/;

describe('gppart plan review and audit', () => {
  let db: TestDb;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let policyFile: string;
  let planFile: string;

  beforeAll(async () => {
    db = await createTestDb('review');
    dir = mkdtempSync(join(tmpdir(), 'gppart-review-'));
    policyFile = join(dir, 'gppart.yaml');
    planFile = join(dir, 'plan.json');
    writeFileSync(policyFile, POLICY);
    env = { GPPART_DATABASE_URL: db.url };
    await db.client.query(`CREATE SCHEMA review`);
    await db.client.query(`CREATE TABLE review.events (day date NOT NULL, n int NOT NULL) PARTITION BY RANGE (day)`);
    await db.client.query(`CREATE TABLE review.events_2020 PARTITION OF review.events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')`);
    await db.client.query(`CREATE TABLE review.events_default PARTITION OF review.events DEFAULT`);
    await db.client.query(`INSERT INTO review.events SELECT d::date, 1 FROM generate_series(date '2026-08-01', date '2026-12-20', interval '1 day') d`);
    await db.client.query(`INSERT INTO review.events SELECT d::date, 1 FROM generate_series(date '2020-01-01', date '2020-01-31', interval '1 day') d`);
    await db.client.query(`ANALYZE review.events`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('history before init says there is nothing yet', async () => {
    const r = await runCli(['history'], { env });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/No applies recorded yet/);
  });

  it('plan --out writes a file that validates against schemas/plan.schema.json', async () => {
    const r = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--out', planFile], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ESC);
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.tables[0].steps.map((s: { kind: string }) => s.kind)).toEqual(['drop', 'split']);
  });

  it('show renders the plan file in every format without a database', async () => {
    const noDb = { GPPART_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    const text = await runCli(['show', planFile], { env: noDb });
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/Plan: 1 to split, 0 to merge, 0 to move, 0 to unload, 1 to drop\./);
    expect(text.stdout).toContain(`Plan hash ${doc.planHash}`);
    const md = await runCli(['show', planFile, '--format', 'markdown'], { env: noDb });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`| Plan hash | \`${doc.planHash}\` |`);
    expect(md.stdout).toContain(`hash \`${doc.policyHash}\` |`);
    expect(md.stdout).toMatch(/^\| Generated \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ by `.+@.+` \|$/m);
    expect(md.stdout).toContain('No apply that changed these tables is recorded in this database');
    expect(md.stdout).toContain('| Planned for (now) | `2026-11-25` |');
    expect(md.stdout).toMatch(/\*\*DROP\*\* `review\.events`: 1 partition drop\(s\) delete ~31 rows/);
    expect(md.stdout).toMatch(/```sql\n\s*SELECT "gppart"\."drop_partition"\('review', 'events', 'review', 'events_2020'/);
    const sql = await runCli(['show', planFile, '--format', 'sql'], { env: noDb });
    expect(sql.stdout).toMatch(/^\\set ON_ERROR_STOP on$/m);
    expect(sql.stdout).toMatch(/SELECT "gppart"\."split_default"\(/);
    const json = await runCli(['show', planFile, '--format', 'json'], { env: noDb });
    expect(JSON.parse(json.stdout)).toEqual(doc);
    for (const r of [text, md, sql, json]) expect(r.stdout).not.toMatch(ESC);
    // The same markdown straight from plan, but for when it was generated.
    const direct = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--format', 'markdown'], { env });
    const undated = (t: string) => t.replace(/^\| Generated \|.*$/m, '');
    expect(undated(direct.stdout)).toBe(undated(md.stdout));
  });

  it('show refuses a hand-edited or misshapen plan file in one line', async () => {
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    doc.tables[0].steps[0].estimatedRows = 0;
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify(doc));
    const r = await runCli(['show', edited]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*edited\.json: the plan file was modified after it was written/);
    doc.tables[0].steps[0].kind = 'truncate';
    writeFileSync(edited, JSON.stringify(doc));
    const bad = await runCli(['show', edited]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/not a valid gppart plan file: tables\[0\]\.steps\[0\]\.kind: must be one of "split"/);
  });

  it('after apply, history lists it and show --apply gives the layout diff and timed steps', async () => {
    expect((await runCli(['init'], { env })).code).toBe(0);
    const a = await runCli(['apply', planFile, '--auto-approve', '--allow-now-override', '--allow-destroy', '--state-dir', join(dir, 'state')], { env });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).not.toMatch(ESC);
    const id = Number(/Apply (\d+) done/.exec(a.stdout)![1]);

    const h = await runCli(['history'], { env });
    expect(h.code).toBe(0);
    const lines = h.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID +STARTED +STATUS +BY +POLICY +NOW +STEPS +ROWS$/);
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    expect(lines[1]).toMatch(new RegExp(`^${id} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\S* +done +\\S+ \\(.+@.+\\) +${doc.policyHash.slice(0, 12)} +2026-11-25 +2 done +[\\d,]+ rows moved, 31 deleted$`));
    const hj = JSON.parse((await runCli(['history', '--format', 'json', '--limit', '1'], { env })).stdout);
    expect(hj).toHaveLength(1);
    expect(hj[0]).toMatchObject({ id, status: 'done', stepsDone: 2, stepsFailed: 0, stepsSkipped: 0, planHash: doc.planHash, rowsByKind: { drop: 31 } });

    const s = await runCli(['show', '--apply', String(id)], { env });
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(new RegExp(`^apply ${id}: done, started `));
    expect(s.stdout).toContain(`plan   ${doc.planHash}`);
    expect(s.stdout).toMatch(/^review\.events$/m);
    expect(s.stdout).toMatch(/^ {2}- events_2020 +\[2020-01-01, 2021-01-01\) +pg_default/m);
    expect(s.stdout).toMatch(/^ {2}\+ events_p2026_11 +\[2026-11-01, 2026-12-01\)/m);
    expect(s.stdout).toMatch(/^ {4}events_default +DEFAULT/m);
    expect(s.stdout).toMatch(/^ +1\. - drop +done +\d+\.\d\d s +31 rows +started /m);
    expect(s.stdout).toMatch(/^ +2\. \+ split +done +\d+\.\d\d s +[\d,]+ rows/m);
    expect(s.stdout).toMatch(/call: SELECT "gppart"\."drop_partition"\(/);

    expect(s.stdout).toMatch(new RegExp(`^now 2026-11-25; steps: 2 done; rows: [\\d,]+ rows moved, 31 deleted$`, 'm'));

    const sj = JSON.parse((await runCli(['show', '--apply', String(id), '--format', 'json'], { env })).stdout);
    expect(sj.apply.id).toBe(id);
    expect(sj.steps.map((x: { status: string }) => x.status)).toEqual(['done', 'done']);
    expect(sj.snapshots[0].before.length).toBeGreaterThan(0);

    const missing = await runCli(['show', '--apply', '999999'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no apply 999999/);
    const wrongFormat = await runCli(['show', '--apply', String(id), '--format', 'sql'], { env });
    expect(wrongFormat.code).toBe(1);
  });

  it('show --apply --format markdown closes the ticket', async () => {
    const id = Number((await db.client.query(`SELECT max(id) AS id FROM gppart.applies`)).rows[0].id);
    const doc = JSON.parse(readFileSync(planFile, 'utf8'));
    const md = await runCli(['show', '--apply', String(id), '--format', 'markdown'], { env });
    expect(md.stderr).toBe('');
    expect(md.stdout).toMatch(new RegExp(`^# gppart apply ${id}: done\\n`));
    expect(md.stdout).toContain(`| Plan hash | \`${doc.planHash}\``);
    expect(md.stdout).toMatch(/\*\*Steps: 2 done\. Rows: [\d,]+ rows moved, 31 deleted\.\*\*/);
    expect(md.stdout).toMatch(/^- events_2020 +\[2020-01-01, 2021-01-01\) +pg_default/m);
  });

  it('the apply kept its policy: the next ticket says it is unchanged, or shows the diff', async () => {
    const r = await db.client.query(`SELECT id, policy_text FROM gppart.applies ORDER BY id DESC LIMIT 1`);
    const id = Number(r.rows[0].id);
    expect(r.rows[0].policy_text).toBe(POLICY);
    const next = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--format', 'markdown'], { env });
    expect(next.stdout).toContain(`Unchanged since apply ${id} (`);
    writeFileSync(policyFile, POLICY.replace('drop_after: 1 year', 'drop_after: 2 years'));
    const changed = await runCli(['plan', '-c', policyFile, '--now', '2026-11-25', '--format', 'markdown'], { env });
    writeFileSync(policyFile, POLICY);
    expect(changed.stdout).toMatch(/```diff\n--- apply \d+\n\+\+\+ .*gppart\.yaml\n@@ [^\n]+\n(?: .*\n)*-    retention: \{ drop_after: 1 year \}\n\+    retention: \{ drop_after: 2 years \}\n/);
  });
});
