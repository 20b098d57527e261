import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown } from '../../../src/render/markdown.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import { samplePlan } from './sample-plan.js';

const driver = postgresDriver('postgres');
const HASH = 'ab'.repeat(32);

describe('renderPlanMarkdown', () => {
  const plan = samplePlan({ exclusive: true });
  const md = renderPlanMarkdown(plan, HASH, (s) => driver.renderCall(s.call));

  it('has a header with database, dialect, now, policy hash and plan hash', () => {
    expect(md).toMatch(/^# gppart plan: dwh\n/);
    expect(md).toContain('| Database | `dwh` at `db:5432/dwh` |');
    expect(md).toContain('(dialect `postgres`)');
    expect(md).toContain('| Planned for (now) | `2024-05-15` |');
    expect(md).toContain(`| Policy hash | \`${plan.policyHash}\` |`);
    expect(md).toContain(`| Plan hash | \`${HASH}\` |`);
  });

  it('has a summary table with one row per table, counts per kind and volume', () => {
    expect(md).toContain('**Plan: 1 to split, 1 to merge, 0 to move, 0 to unload, 1 to drop.**');
    expect(md).toContain('| table | split | merge | move | unload | drop | rows moved | bytes moved |');
    expect(md).toMatch(/\| `sales\.orders` \| 1 \| 1 \| 0 \| 0 \| 1 \| ~112 \| ~10\.9 kB \|/);
  });

  it('lists every step with its exact, unabbreviated procedure call', () => {
    for (const s of plan.tables[0]!.steps) expect(md).toContain(driver.renderCall(s.call) + ';');
    expect(md).not.toContain('--format sql shows it whole');
    expect(md).toMatch(/1\. \*\*drop\*\* \(destructive\): drop orders_p2020 \[2020-01-01, 2021-01-01\)/);
    expect(md).toContain('```diff\n');
    expect(md).toMatch(/^- orders_p2020 +\[2020-01-01, 2021-01-01\)/m);
    expect(md).toMatch(/^\+ orders_p2023q1 /m);
  });

  it('names the risks: drops with their partitions, exclusive locks, volume', () => {
    const risks = md.slice(md.indexOf('## Risks'), md.indexOf('## Steps'));
    expect(risks).toMatch(/\*\*DROP\*\* `sales\.orders`: 1 partition drop\(s\) delete ~3 rows \(~300 B\) permanently: `orders_p2020`\./);
    expect(risks).toMatch(/\*\*Exclusive lock\*\* `sales\.orders`: each step takes ACCESS EXCLUSIVE .*timeout 5000 ms/);
    expect(risks).toMatch(/\*\*Volume\*\* `sales\.orders`: 2 step\(s\) rewrite ~109 rows/);
  });

  it('keeps identifiers with backticks and pipes inside their code spans and table cells', () => {
    const odd = samplePlan({ name: 'or`d|ers' });
    const text = renderPlanMarkdown(odd, HASH, (s) => driver.renderCall(s.call));
    expect(text).toContain('| ``sales.or`d\\|ers`` | 1 |');
    expect(text).toContain('### ``sales.or`d|ers``');
  });
});
