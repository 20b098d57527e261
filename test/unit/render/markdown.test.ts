import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown, type MarkdownOptions } from '../../../src/render/markdown.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import type { Plan, ReviewContext } from '../../../src/plan/model.js';
import { samplePlan, samplePolicyText } from './sample-plan.js';

const driver = postgresDriver('postgres');
const HASH = 'ab'.repeat(32);
const context: ReviewContext = {
  generatedAt: '2024-05-15T09:30:00Z',
  generatedBy: 'dba@ops1',
  throughput: { merge: { rowsPerSecond: 3, steps: 4 } },
  lastApply: { id: 41, startedAt: '2024-05-01 02:00:00+00', status: 'done', policyHash: 'cd'.repeat(32), policyText: samplePolicyText().replace('drop_after: 2 years', 'drop_after: 3 years') },
};

function md(plan: Plan, over: Partial<MarkdownOptions> = {}): string {
  return renderPlanMarkdown(plan, { planHash: HASH, renderCall: (s) => driver.renderCall(s.call), policy: { file: 'gppart.yaml', text: samplePolicyText() }, context, ...over });
}

describe('renderPlanMarkdown', () => {
  const plan = samplePlan({ exclusive: true });
  const text = md(plan);

  it('has a header with database, dialect, now, who generated it and when, policy and plan hash', () => {
    expect(text).toMatch(/^# gppart plan: dwh\n/);
    expect(text).toContain('| Database | `dwh` at `db:5432/dwh` |');
    expect(text).toContain('(dialect `postgres`)');
    expect(text).toContain('| Planned for (now) | `2024-05-15` |');
    expect(text).toContain('| Generated | 2024-05-15T09:30:00Z by `dba@ops1` |');
    expect(text).toContain(`| Policy | \`gppart.yaml\`, hash \`${plan.policyHash}\` |`);
    expect(text).toContain(`| Plan hash | \`${HASH}\` |`);
  });

  it('has a summary table with rows moved and rows deleted apart, and the estimated time', () => {
    expect(text).toContain('**Plan: 1 to split, 1 to merge, 0 to move, 0 to unload, 1 to drop.**');
    expect(text).toContain('| table | split | merge | move | unload | drop | rows moved | rows deleted | bytes moved | bytes deleted | estimated time |');
    expect(text).toMatch(/\| `sales\.orders` \| 1 \| 1 \| 0 \| 0 \| 1 \| ~109 \| ~3 \| ~10\.6 kB \| ~300 B \| ~3\.0 s \+ 2 step\(s\) unknown \|/);
  });

  it('shows what changed in the policy since the last apply, as a diff of its text', () => {
    const section = text.slice(text.indexOf('## Policy changes'), text.indexOf('## Risks'));
    expect(section).toContain('Changed since apply 41 (2024-05-01 02:00:00+00, done)');
    expect(section).toMatch(/```diff\n--- apply 41\n\+\+\+ gppart\.yaml\n@@ [^\n]+\n(?: [^\n]*\n)+-    retention: \{ drop_after: 3 years \}\n\+    retention: \{ drop_after: 2 years \}\n/);
    expect(md(plan, { context: { ...context, lastApply: { ...context.lastApply!, policyHash: plan.policyHash } } })).toContain('Unchanged since apply 41');
    expect(md(plan, { context: { ...context, lastApply: null } })).toContain('No apply that changed these tables is recorded in this database');
    expect(md(plan, { context: { ...context, lastApply: { ...context.lastApply!, policyText: null } } })).toContain('which did not record its policy text');
    expect(md(plan, { context: undefined })).toContain('| Generated | not recorded');
  });

  it('gives every step who waits, how long, why, how to undo it, and its exact, unabbreviated call', () => {
    for (const s of plan.tables[0]!.steps) expect(text).toContain(driver.renderCall(s.call) + ';');
    expect(text).not.toContain('--format sql shows it whole');
    expect(text).toMatch(/1\. \*\*drop\*\* \(destructive\): drop orders_p2020 \[2020-01-01, 2021-01-01\)\n {3}- deletes \\~3 rows, \\~300 B\n {3}- who waits: everyone waits for the whole step/);
    expect(text).toMatch(/- how long: about 3\.0 s \(\\~9 rows at \\~3 rows\/s, the rate of 4 past merge step\(s\) on this database\)/);
    expect(text).toMatch(/- how long: no estimate: no past step of this kind/);
    expect(text).toMatch(/- undo: \*\*cannot be undone\*\*: the rows are deleted/);
    expect(text).toMatch(/- undo: the rows stay in the table/);
    expect(text).toContain('```diff\n');
    expect(text).toMatch(/^- orders_p2020 +\[2020-01-01, 2021-01-01\)/m);
    expect(text).toMatch(/^\+ orders_p2023q1 /m);
  });

  it('names the risks: drops with their partitions, exclusive locks, volume', () => {
    const risks = text.slice(text.indexOf('## Risks'), text.indexOf('## Space'));
    expect(risks).toMatch(/\*\*DROP\*\* `sales\.orders`: 1 partition drop\(s\) delete ~3 rows \(~300 B\) permanently: `orders_p2020`\./);
    expect(risks).toMatch(/\*\*Exclusive lock\*\* `sales\.orders`: each step takes ACCESS EXCLUSIVE .*timeout 5000 ms/);
    expect(risks).toMatch(/\*\*Volume\*\* `sales\.orders`: 2 step\(s\) rewrite ~109 rows/);
  });

  it('says how much free space each tablespace needs before the largest step, and what is freed', () => {
    const space = text.slice(text.indexOf('## Space per tablespace'), text.indexOf('## Steps'));
    // The split writes ~9 months of the DEFAULT (no statistics: all 100 rows, an upper bound) into new partitions.
    expect(space).toContain('| tablespace | free space needed (largest step) | written in total | freed at commits | net change |');
    // The split's share per tablespace is unknown: at most its whole estimate (9.8 kB) each, never more.
    expect(space).toMatch(/\| `warm` \| ≤ 9\.8 kB \| ≤ 10\.6 kB \| ~0 B \| \+10\.6 kB \|/);
    // pg_default: the drop and the merge's sources are freed at their commits.
    expect(space).toMatch(/\| `pg_default` \| ≤ 9\.8 kB \| ≤ 9\.8 kB \| ~1\.2 kB \| \+8\.6 kB \|/);
    expect(space).toContain('dead space until VACUUM');
  });

  it('ends with rollback notes and how to close the ticket', () => {
    expect(text).toContain('## Rollback');
    expect(text).toContain('**Drops and purges cannot be undone**');
    expect(text).toContain('`gppart show --apply ID --format markdown`');
  });

  it('keeps identifiers with backticks and pipes inside their code spans and table cells', () => {
    const odd = md(samplePlan({ name: 'or`d|ers' }));
    expect(odd).toContain('| ``sales.or`d\\|ers`` | 1 |');
    expect(odd).toContain('### ``sales.or`d|ers``');
  });
});
