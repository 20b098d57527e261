// The one line a monitoring check reads (`plan --detailed-exitcode`): which tables are out of policy.
import type { Plan } from '../plan/model.js';
import { term } from './escape.js';

export function driftLine(plan: Plan): string {
  const out = plan.tables.filter((t) => t.steps.length > 0);
  if (out.length === 0) return `In policy: all ${plan.tables.length} table(s) match the policy.`;
  const listed = out.map((t) => `${term(t.table)} (${t.steps.length + t.deferred} step(s))`).join(', ');
  return `Out of policy: ${out.length} of ${plan.tables.length} table(s): ${listed}`;
}
