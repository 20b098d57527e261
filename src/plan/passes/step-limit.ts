// max_steps_per_table: the first steps run now, the rest are left for later runs.
import type { Step } from '../model.js';
import type { PlanContext } from './context.js';

export function stepLimitPass(ctx: PlanContext, steps: readonly Step[]): { steps: Step[]; deferred: number } {
  const max = ctx.policy.maxStepsPerTable;
  if (max <= 0 || steps.length <= max) return { steps: [...steps], deferred: 0 };
  return { steps: steps.slice(0, max), deferred: steps.length - max };
}
