// default_partition: creating the DEFAULT (ensure) and reporting what it holds that the policy
// does not want there.
import type { ActualPartition, Step } from '../model.js';
import { partitionRef } from '../refs.js';
import { callFor } from '../call.js';
import { withPrefix } from '../target.js';
import type { PlanContext } from './context.js';

/**
 * default_partition: ensure on a table without a DEFAULT: a step creating one. It runs before the
 * reshaping steps, so they may already send rows to it (realign overflow); the DEFAULT returned
 * is the one those passes plan with.
 */
export function ensureDefaultPass(ctx: PlanContext): { steps: Step[]; defaultPartition: ActualPartition | null } {
  const existing = ctx.actual.defaultPartition;
  if (ctx.policy.defaultPartition !== 'ensure' || existing) return { steps: [], defaultPartition: existing };
  const { schema, tableName } = ctx;
  const name = ctx.names.allocate(withPrefix(tableName, 'default'));
  const created: ActualPartition = { table: { schema, name }, isDefault: true, tablespace: null, storage: 'heap', rowEstimate: 0, bytes: 0 };
  const shape = { kind: 'split' as const, reads: [], produces: [partitionRef(ctx.keyType, created)] };
  const step: Step = {
    ...shape,
    reason: 'default_partition: ensure: the table has no DEFAULT partition, so a row outside every partition would be refused',
    estimatedRows: 0,
    estimatedBytes: 0,
    call: callFor(shape, { schema, name: tableName }),
    destructive: false,
  };
  return { steps: [step], defaultPartition: created };
}

/** Rows the DEFAULT holds that the policy does not want there: warnings. */
export function defaultContentsPass(ctx: PlanContext, def: ActualPartition | null): void {
  if (ctx.policy.defaultPartition === 'forbid' && def && def.rowEstimate > 0) {
    ctx.warnings.push(`default_partition: forbid: DEFAULT partition ${def.table.name} holds ~${def.rowEstimate} rows`);
  }
}
