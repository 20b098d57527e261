// A merge drops its sources and builds new partitions from the parent's definition: anything a
// source has of its own is lost, and the reviewer must see that before approving.
import type { Step } from '../model.js';
import type { PlanContext } from './context.js';

export function localObjectsPass(ctx: PlanContext, steps: readonly Step[]): void {
  // Built only when there is a merge: most plans have none, and the table may have 100,000 partitions.
  if (!steps.some((s) => s.kind === 'merge')) return;
  const byName = new Map(ctx.bounded.map((p) => [`${p.table.schema}.${p.table.name}`, p]));
  for (const step of steps) {
    if (step.kind !== 'merge') continue;
    for (const r of step.reads) {
      const own = r.isDefault ? undefined : byName.get(`${r.schema}.${r.name}`)?.localObjects;
      if (own?.length) ctx.warnings.push(`${r.name} has ${own.join(', ')} of its own; the merge rebuilds it from the parent's definition and does not keep them`);
    }
  }
}
