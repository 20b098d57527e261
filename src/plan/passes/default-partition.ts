// default_partition: creating the DEFAULT (ensure), purging its expired rows, and reporting what
// it holds that the policy does not want there.
import { bytesIn, rowsIn } from '../estimates.js';
import type { ActualPartition, KeyRange, Step } from '../model.js';
import { callFor } from '../call.js';
import { partitionRef } from '../refs.js';
import { simulateSteps, subtractRanges, unionRanges } from '../simulate.js';
import { archiveCutoff } from './archive.js';
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
  const { argument, relation } = ctx.names.allocate('_default');
  const created: ActualPartition = { table: { schema, name: relation }, isDefault: true, tablespace: null, storage: 'heap', rowEstimate: 0, bytes: 0 };
  const ref = { ...partitionRef(ctx.keyType, created), ...(argument !== relation ? { partitionName: argument } : {}) };
  const shape = { kind: 'split' as const, reads: [], produces: [ref] };
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

/** "~120 rows" from key statistics, "up to ~5000 rows (no key statistics…)" without them. */
function rowsText(def: ActualPartition, ranges: readonly KeyRange[]): string {
  const rows = rowsIn(def, ranges);
  return def.keyStats ? `~${rows} rows` : `up to ~${rows} rows (no key statistics: ANALYZE it for a count)`;
}

/**
 * DEFAULT rows older than retention: retention drops partitions, and these rows would outlive
 * them. default_partition.expired_rows: purge deletes them in a step; otherwise a warning.
 */
export function purgeDefaultPass(ctx: PlanContext): Step[] {
  const def = ctx.actual.defaultPartition;
  const before = ctx.target.dropBefore;
  if (!def || before === null || def.rowEstimate <= 0) return [];
  const expired: KeyRange[] = [{ from: -Infinity, to: before }];
  const rows = rowsIn(def, expired);
  if (rows <= 0) return [];
  const what = `DEFAULT partition ${def.table.name} holds ${rowsText(def, expired)} older than retention drop_after ${ctx.policy.retention!.dropAfterText} (before ${ctx.btext(before)})`;
  if (ctx.policy.defaultExpiredRows !== 'purge') {
    ctx.warnings.push(`${what}; retention does not remove them (default_partition: { expired_rows: purge } would)`);
    return [];
  }
  const shape = { kind: 'purge' as const, reads: [partitionRef(ctx.keyType, def)], produces: [] };
  return [
    {
      ...shape,
      reason: `default_partition expired_rows: purge: ${what}`,
      estimatedRows: rows,
      estimatedBytes: bytesIn(def, expired),
      call: callFor(shape, { schema: ctx.schema, name: ctx.tableName }, ctx.lit(before)),
      destructive: true,
    },
  ];
}

/** default_partition: forbid: any row in the DEFAULT. */
export function forbiddenDefaultPass(ctx: PlanContext, def: ActualPartition | null): void {
  if (ctx.policy.defaultPartition === 'forbid' && def && def.rowEstimate > 0) {
    ctx.warnings.push(`default_partition: forbid: DEFAULT partition ${def.table.name} holds ~${def.rowEstimate} rows`);
  }
}

/**
 * What the DEFAULT still holds after the plan's final `steps` that the policy does not want
 * there: rows in periods a band wants as partitions (steps refused, deferred or not planned), and
 * rows older than archive.after (a DEFAULT is never unloaded).
 */
export function defaultLeftoversPass(ctx: PlanContext, def: ActualPartition | null, steps: readonly Step[]): void {
  if (!def || def.rowEstimate <= 0) return;
  const after = simulateSteps(ctx.actual, steps, ctx.naming);
  const covered = after.partitions.flatMap((p) => (p.range ? [p.range] : []));
  const unplaced = subtractRanges(ctx.target.partitions.map((t) => t.range), covered);
  if (unplaced.length && rowsIn(def, unplaced) > 0) {
    ctx.warnings.push(
      `DEFAULT partition ${def.table.name} keeps ${rowsText(def, unplaced)} in ${unplaced.map(ctx.rtext).join(', ')}, ` +
        'which the layout wants in partitions, and this plan does not move them there',
    );
  }
  if (ctx.policy.archive) {
    const cutoff = archiveCutoff(ctx);
    const old = subtractRanges([{ from: -Infinity, to: cutoff }], ctx.target.dropBefore === null ? [] : [{ from: -Infinity, to: ctx.target.dropBefore }]);
    const olderThanArchive = unionRanges(old);
    if (olderThanArchive.length && rowsIn(def, olderThanArchive) > 0) {
      ctx.warnings.push(
        `DEFAULT partition ${def.table.name} holds ${rowsText(def, olderThanArchive)} older than archive.after ${ctx.policy.archive.afterText} ` +
          `(before ${ctx.btext(cutoff)}); rows in the DEFAULT are never archived`,
      );
    }
  }
}
