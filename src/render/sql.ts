// A plan as a psql script a DBA could run by hand instead of `gppart apply`: one transaction per
// step, stopping at the first error, with the same lock settings apply would use.
import type { Plan, Step } from '../plan/model.js';
import { summaryLine } from './text.js';
import { stepTransactionSql } from '../catalog/dialect.js';

export function renderPlanSql(plan: Plan, renderCall: (s: Step) => string): string {
  const out: string[] = [
    `-- gppart ${plan.toolVersion} plan for ${plan.server.identity} (${plan.server.version}), now ${plan.now}`,
    `-- policy ${plan.policyHash}`,
    `-- ${summaryLine(plan)}`,
    '\\set ON_ERROR_STOP on',
    '',
  ];
  for (const t of plan.tables) {
    if (!t.steps.length) continue;
    out.push(`-- ${t.table} (fingerprint ${t.fingerprint})`);
    for (const [i, s] of t.steps.entries()) {
      out.push(`-- step ${i + 1}: ${s.kind}: ${s.reason.replace(/\n/g, ' ')}`);
      const tx = stepTransactionSql(renderCall(s), t.lock, t);
      out.push(...tx.begin.map((l) => `${l};`), `${tx.call};`, `${tx.commit};`, '');
    }
  }
  return out.join('\n');
}
