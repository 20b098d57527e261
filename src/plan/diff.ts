// Target layout + actual state → the ordered steps that turn one into the other. Pure.
// planTable composes the passes in src/plan/passes/, each of which plans one concern.
import type { TablePolicy } from '../policy/types.js';
import { fingerprint } from './fingerprint.js';
import { layoutEntries } from './layout.js';
import type { ActualTable, Dialect, LayoutEntry, PartitionNaming, Step, TablePlan } from './model.js';
import { archivePass } from './passes/archive.js';
import { planContext, type OrderedStep, type PlanContext } from './passes/context.js';
import { defaultLeftoversPass, ensureDefaultPass, forbiddenDefaultPass, purgeDefaultPass } from './passes/default-partition.js';
import { localObjectsPass } from './passes/local-objects.js';
import { refusalsPass } from './passes/refusals.js';
import { reshapePass } from './passes/reshape.js';
import { retentionPass } from './passes/retention.js';
import { splitPass } from './passes/split.js';
import { storagePass } from './passes/storage.js';
import { stepLimitPass } from './passes/step-limit.js';
import { simulateSteps } from './simulate.js';

export { shareIn } from './estimates.js';
export { layoutEntries } from './layout.js';
export { partitionRef } from './refs.js';

/** `naming`: how the server names new partitions, from the dialect driver; `dialect`: the server's, for steps only some dialects can run. */
export function planTable(policy: TablePolicy, actual: ActualTable, now: string, naming?: PartitionNaming, dialect?: Dialect): TablePlan {
  const ctx = planContext(policy, actual, now, naming, dialect);
  // Order matters twice: steps run in this order, and names are allocated in it.
  const retained = retentionPass(ctx);
  const purges = purgeDefaultPass(ctx);
  const { beforeDrops, drops, unloads, live, cutoff } = archivePass(ctx, retained.drops, retained.live);
  const ensured = ensureDefaultPass(ctx);
  const def = ensured.defaultPartition;
  const { missing, merges, moves } = reshapePass(ctx, live, def, cutoff);
  const drift = storagePass(ctx, live);
  const rewrites = byStart([...merges, ...drift.rewrites, ...splitPass(ctx, missing, def)]);
  forbiddenDefaultPass(ctx, def);
  const reshaping = [...beforeDrops, ...drops, ...purges, ...unloads, ...ensured.steps, ...rewrites];

  const allowed = refusalsPass(ctx, [...reshaping, ...moves]);
  // A partition rewritten for its storage lands in its wanted tablespace: no move of it too (but
  // its move stays when the server would refuse the rewrite).
  const driftSteps = new Set(drift.rewrites.map((r) => r.step));
  const rewritten = new Set(allowed.filter((s) => driftSteps.has(s)).flatMap((s) => s.reads.map((r) => `${r.schema}.${r.name}`)));
  const planned = allowed.filter((s) => !(s.kind === 'move' && s.reads.some((r) => rewritten.has(`${r.schema}.${r.name}`))));
  localObjectsPass(ctx, planned);
  const { steps, deferred } = stepLimitPass(ctx, planned);
  defaultLeftoversPass(ctx, def, steps);
  return tablePlan(ctx, steps, deferred);
}

/** Oldest first; at one start a split (it creates what a merge may read) before a merge. */
function byStart(rewrites: OrderedStep[]): Step[] {
  return rewrites
    .sort((a, b) => a.from - b.from || (a.step.kind === b.step.kind ? 0 : a.step.kind === 'split' ? -1 : 1))
    .map((r) => r.step);
}

/** The layout once the steps have run. (With none it is the layout before: plain data, shared.) */
function layoutAfter(ctx: PlanContext, steps: Step[]): LayoutEntry[] {
  const after = simulateSteps(ctx.actual, steps, ctx.naming);
  const created = new Set(steps.flatMap((s) => (s.kind === 'move' ? [] : s.produces.map((p) => `${p.schema}.${p.name}`))));
  return layoutEntries(after, created);
}

function tablePlan(ctx: PlanContext, steps: Step[], deferred: number): TablePlan {
  const { actual, schema, tableName } = ctx;
  const layoutBefore = layoutEntries(actual, new Set());
  return {
    table: `${schema}.${tableName}`,
    schema,
    name: tableName,
    keyColumn: actual.keyColumn,
    keyType: ctx.keyType,
    fingerprint: fingerprint(actual),
    steps,
    deferred,
    warnings: ctx.warnings,
    ...(ctx.blocking.length ? { blocking: ctx.blocking } : {}),
    layoutBefore,
    layoutAfter: steps.length === 0 ? [...layoutBefore] : layoutAfter(ctx, steps),
    timezone: ctx.policy.timezone,
    lock: { mode: ctx.policy.lock.mode, timeoutMs: ctx.policy.lock.timeoutMs },
  };
}
