// Existing partitions against the periods the policy wants, one overlap group at a time: a group
// that matches exactly may need a move; one that does not is rewritten by one merge (several
// partitions for one period, one for several, straddling bounds); periods nothing covers are left
// for the split pass.
import { bytesIn, fractionIn, rowsIn } from '../estimates.js';
import type { ActualPartition, KeyPoint, KeyRange, Step, TargetPartition } from '../model.js';
import { newPartitionRef, partitionRef } from '../refs.js';
import { callFor } from '../call.js';
import { subtractRanges, unionRanges } from '../simulate.js';
import { overlapComponents, type Component } from './components.js';
import type { BoundedPartition, OrderedStep, PlanContext } from './context.js';
import { moveStep } from './moves.js';
import { bandWants, clipNotes, partitionsText } from './reasons.js';

export interface Reshaped {
  /** Target periods no partition overlaps. */
  missing: TargetPartition[];
  merges: OrderedStep[];
  /** By start. */
  moves: Step[];
}

/**
 * `archivedBefore`: periods wholly before it belong to archive (unloaded, or external partitions),
 * so the bands do not recreate them.
 */
export function reshapePass(ctx: PlanContext, live: readonly BoundedPartition[], def: ActualPartition | null, archivedBefore: KeyPoint | null = null): Reshaped {
  const out: Reshaped = { missing: [], merges: [], moves: [] };
  const targets = archivedBefore === null ? ctx.target.partitions : ctx.target.partitions.filter((t) => t.range.to > archivedBefore);
  for (const component of overlapComponents(live, targets)) {
    const { sources, targets } = component;
    if (targets.length === 0) continue; // outside every band: left alone
    const external = sources.some((s) => s.storage === 'external') ? sources.filter((s) => s.storage === 'external') : [];
    if (external.length) {
      // Its rows are in object storage: a merge, split or move would have to read them all back.
      ctx.warnings.push(
        `not reshaping ${external.map((s) => `${s.table.name} ${ctx.rtext(s.range)}`).join(', ')}: external (archived) partition(s) are never rewritten or moved; ` +
          'gppart restore brings the rows back into an ordinary partition first',
      );
      continue;
    }
    if (sources.length === 0) {
      out.missing.push(...targets);
      continue;
    }
    if (sources.length === 1 && targets.length === 1 && sameRange(sources[0]!.range, targets[0]!.range)) {
      const move = moveStep(ctx, sources[0]!, targets[0]!);
      if (move) out.moves.push(move);
      continue;
    }
    const merge = mergeStep(ctx, component, def);
    if (merge) out.merges.push(merge);
  }
  return out;
}

/** The one merge that rewrites a group's sources into its targets, or null (with a warning or a blocking reason). */
export function mergeStep(ctx: PlanContext, { sources, targets }: Component, def: ActualPartition | null): OrderedStep | null {
  const { policy, schema, tableName, rtext } = ctx;
  const sourceUnion = unionRanges(sources.map((s) => s.range));
  const targetUnion = unionRanges(targets.map((t) => t.range));
  const excess = subtractRanges(sourceUnion, targetUnion);
  const shortfall = subtractRanges(targetUnion, sourceUnion);
  const span = { from: Math.min(sourceUnion[0]!.from, targetUnion[0]!.from), to: Math.max(sourceUnion.at(-1)!.to, targetUnion.at(-1)!.to) };
  const excessRows = Math.round(sources.reduce((sum, s) => sum + s.rowEstimate * fractionIn(s.range, excess), 0));
  const sourceList = partitionsText(ctx, sources);
  if (excess.length && def && policy.defaultPartition === 'forbid') {
    // The policy forbids the only place these rows could go: stop rather than plan around them.
    ctx.blocking.push(
      `default_partition: forbid: realigning ${rtext(span)} would move ~${excessRows} rows of ${sourceList} in ` +
        `${excess.map(rtext).join(', ')} to DEFAULT ${def.table.name}, which no wanted period covers; ` +
        `widen a band to cover them, allow the DEFAULT (default_partition: keep), or move the rows yourself`,
    );
    return null;
  }
  if (excess.length && !def) {
    ctx.warnings.push(
      `not realigning ${rtext(span)}: ${sourceList} also cover ${excess.map(rtext).join(', ')} (~${excessRows} rows), ` +
        `which no wanted period covers, and the table has no DEFAULT partition to take them`,
    );
    return null;
  }
  if (shortfall.length && !def) {
    ctx.warnings.push(
      `not realigning ${rtext(span)}: the wanted periods also cover ${shortfall.map(rtext).join(', ')}, ` +
        `which no partition covers, and the table has no DEFAULT partition (merge_partitions can only create ranges its sources cover)`,
    );
    return null;
  }
  const readDefault = shortfall.length > 0 ? def : null;
  const storages = [...new Set(targets.map((t) => t.storage))];
  if (storages.length > 1) {
    ctx.warnings.push(
      `${rtext(span)}: one merge writes all its new partitions with storage ${storages[0] ?? '(parent default)'}, ` +
        `though ${targets.filter((t) => t.storage !== storages[0]).map((t) => rtext(t.range)).join(', ')} want ${storages.slice(1).map((s) => s ?? '(parent default)').join(', ')}`,
    );
  }
  const reusable = new Set(sources.flatMap((s) => [...(s.table.schema === schema ? [s.table.name] : []), ...(s.partitionName ? [s.partitionName] : [])]));
  const names = targets.map((t) => ctx.names.allocate(t.suffix, reusable));
  const readParts: ActualPartition[] = readDefault ? [...sources, readDefault] : sources;
  const fromDefault = (f: (p: ActualPartition, r: readonly KeyRange[]) => number): number => (readDefault ? f(readDefault, shortfall) : 0);
  const notes = [
    `${sourceList} ${sources.length === 1 ? 'does' : 'do'} not match`,
    ...(excess.length ? [`rows in ${excess.map(rtext).join(', ')} (~${excessRows}) go to the DEFAULT`] : []),
    ...(readDefault
      ? [`rows for ${shortfall.map(rtext).join(', ')} (~${rowsIn(readDefault, shortfall)}) come out of DEFAULT ${readDefault.table.name}, which is read whole (~${readDefault.rowEstimate} rows)`]
      : []),
    ...clipNotes(targets),
  ];
  const shape = {
    kind: 'merge' as const,
    reads: readParts.map((p) => partitionRef(ctx.keyType, p)),
    produces: targets.map((t, i) => newPartitionRef(ctx.keyType, schema, names[i]!, t)),
  };
  return {
    from: span.from,
    step: {
      ...shape,
      reason: `${bandWants(ctx, targets)}; ${notes.join('; ')}`,
      estimatedRows: sources.reduce((s, p) => s + p.rowEstimate, 0) + fromDefault(rowsIn),
      estimatedBytes: sources.reduce((s, p) => s + p.bytes, 0) + fromDefault(bytesIn),
      // A policy that names no tablespace passes NULL: the function then uses the parent's
      // tablespace, or the database default, whichever that is on this server.
      call: callFor(shape, { schema, name: tableName }, storages[0] ?? null),
      destructive: false,
    },
  };
}

function sameRange(a: KeyRange, b: KeyRange): boolean {
  return a.from === b.from && a.to === b.to;
}
