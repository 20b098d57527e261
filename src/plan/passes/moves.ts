// A partition whose bounds are already right but whose tablespace is not: move it.
import type { Step, TargetPartition } from '../model.js';
import { partitionRef } from '../refs.js';
import { callFor } from '../call.js';
import { describeBand } from '../target.js';
import type { BoundedPartition, PlanContext } from './context.js';

/** The move `p` needs to sit where `t` wants it, or null. A policy naming no tablespace wants none. */
export function moveStep(ctx: PlanContext, p: BoundedPartition, t: TargetPartition): Step | null {
  if (t.tablespace === null || sameTablespace(p.tablespace, t.tablespace)) return null;
  const { schema, tableName } = ctx;
  const shape = { kind: 'move' as const, reads: [partitionRef(ctx.keyType, p)], produces: [{ ...partitionRef(ctx.keyType, p), tablespace: t.tablespace }] };
  return {
    ...shape,
    reason: `${describeBand(ctx.policy, t.band)} wants ${ctx.rtext(t.range)} in tablespace ${t.tablespace}; it is in ${p.tablespace ?? 'pg_default'}`,
    estimatedRows: p.rowEstimate,
    estimatedBytes: p.bytes,
    call: callFor(shape, { schema, name: tableName }),
    destructive: false,
  };
}

/** A NULL tablespace is the database default, which is pg_default unless the DBA changed it. */
export function sameTablespace(actual: string | null, wanted: string): boolean {
  return (actual ?? 'pg_default') === wanted;
}
