// What the database itself would refuse for this table: planning those steps would only make
// every apply fail on them, so they are left out, and the plan says why.
import type { Step } from '../model.js';
import type { PlanContext } from './context.js';

interface Refusal {
  why: string;
  blocks: (s: Step) => boolean;
}

export function refusalsPass(ctx: PlanContext, steps: readonly Step[]): Step[] {
  const { actual } = ctx;
  const refusals: Refusal[] = [];
  if (actual.referencedBy?.length) {
    // Other tables' foreign keys forbid detaching or dropping a partition; creating partitions
    // (with no DEFAULT to detach), moving them and deleting rows (the keys check each row) still work.
    refusals.push({
      why: `referenced by foreign key ${actual.referencedBy.join(', ')}: its partitions cannot be detached or dropped`,
      blocks: (s) => s.kind !== 'move' && s.kind !== 'purge' && !(s.kind === 'split' && s.reads.length === 0),
    });
  }
  if (actual.publishedIn?.length) {
    // Rewritten partitions are swapped in by DDL, which logical replication does not carry (the
    // functions refuse published tables too).
    refusals.push({
      why: `published for logical replication (${actual.publishedIn.join(', ')}): rewriting partitions would not replicate`,
      blocks: (s) => s.kind === 'merge' || (s.kind === 'split' && s.reads.length > 0),
    });
  }
  let kept = [...steps];
  for (const { why, blocks } of refusals) {
    const held = kept.filter(blocks);
    if (!held.length) continue;
    ctx.warnings.push(`${why}, so ${held.length} step(s) (${[...new Set(held.map((s) => s.kind))].join(', ')}) are not planned`);
    kept = kept.filter((s) => !blocks(s));
  }
  return kept;
}
