// `gppart status`: the partitions a table has now, each with the rule of the policy it falls under
// and whether it is as that rule wants. Pure: the introspected table, the policy and `now`, read
// through the same target layout, retention and archive cutoffs the planner uses (it plans the
// steps; this only names the rules).
import type { TablePolicy } from '../policy/types.js';
import { keyToLiteral } from './keys.js';
import type { ActualPartition, ActualTable, KeyRange, StorageKind } from './model.js';
import { archiveCutoff } from './passes/archive.js';
import { planContext } from './passes/context.js';
import { sameTablespace } from './passes/moves.js';
import { describeBand } from './target.js';

/** Which rule of the policy a partition falls under. */
export type RuleKind = 'band' | 'retention' | 'archive' | 'default' | 'none';
/** How it stands against that rule. */
export type StateKind = 'ok' | 'move' | 'reshape' | 'drop' | 'archive' | 'outside' | 'default';

export interface PartitionStatus {
  name: string;
  schema: string;
  isDefault: boolean;
  /** Bound literals; absent for the DEFAULT. */
  from?: string;
  to?: string;
  tablespace: string | null;
  storage: StorageKind;
  /** Planner statistics (reltuples) and size, as introspected. */
  rows: number;
  bytes: number;
  rule: { kind: RuleKind; band?: number; text: string };
  state: { kind: StateKind; text: string };
}

export interface BandStatus {
  /** 1-based, as plans name bands. */
  band: number;
  text: string;
  tablespace: string | null;
  /** Where the band lies at `now`: [from, to) of its whole periods, when it has any. */
  from?: string;
  to?: string;
  periods: number;
}

export interface TableStatus {
  table: string;
  keyColumn: string;
  keyType: ActualTable['keyType'];
  timezone: string;
  partitions: PartitionStatus[];
  bands: BandStatus[];
  /** retention drop_after: partitions ending on or before `before` are dropped. */
  retention: { text: string; before: string } | null;
  archive: { text: string; before: string } | null;
  defaultPartition: TablePolicy['defaultPartition'];
  /** Periods the policy wants that no partition covers yet. */
  missing: Array<{ from: string; to: string; band: number }>;
  /** Partitions not as their rule wants (gppart plan has the steps). */
  differing: number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

export function tableStatus(policy: TablePolicy, actual: ActualTable, now: string): TableStatus {
  const ctx = planContext(policy, actual, now);
  const { target, keyType } = ctx;
  const lit = (k: number) => keyToLiteral(keyType, k);
  const dropBefore = target.dropBefore;
  const archiveBefore = policy.archive ? archiveCutoff(ctx) : null;

  const classify = (p: ActualPartition & { range: KeyRange }): Pick<PartitionStatus, 'rule' | 'state'> => {
    const r = p.range;
    if (dropBefore !== null && r.to <= dropBefore) {
      return {
        rule: { kind: 'retention', text: `retention drop_after ${policy.retention!.dropAfterText}` },
        state: {
          kind: 'drop',
          text: `ends before ${ctx.btext(dropBefore)}: the next apply ${policy.retention!.mode === 'detach' ? 'detaches it (kept as a table)' : 'drops it'}`,
        },
      };
    }
    if (archiveBefore !== null && r.to <= archiveBefore) {
      return {
        rule: { kind: 'archive', text: `archive after ${policy.archive!.afterText}` },
        state: p.storage === 'external' ? { kind: 'ok', text: 'archived' } : { kind: 'archive', text: `ends before ${ctx.btext(archiveBefore)}: belongs in the archive` },
      };
    }
    const overlapping = target.partitions.filter((t) => t.range.from < r.to && r.from < t.range.to);
    if (!overlapping.length) return { rule: { kind: 'none', text: 'no band' }, state: { kind: 'outside', text: 'outside every band: left alone' } };
    const band = overlapping[0]!.band;
    const rule = { kind: 'band' as const, band: band + 1, text: describeBand(policy, band) };
    const exact = overlapping.length === 1 && overlapping[0]!.range.from === r.from && overlapping[0]!.range.to === r.to ? overlapping[0]! : null;
    if (!exact) {
      const span = { from: Math.min(r.from, overlapping[0]!.range.from), to: Math.max(r.to, overlapping.at(-1)!.range.to) };
      const wants = overlapping.length === 1 ? ctx.rtext(overlapping[0]!.range) : `${overlapping.length} periods in ${ctx.rtext(span)}`;
      return { rule, state: { kind: 'reshape', text: `the band wants ${wants}: a merge rewrites it` } };
    }
    if (exact.tablespace !== null && !sameTablespace(p.tablespace, exact.tablespace)) {
      return { rule, state: { kind: 'move', text: `wants tablespace ${exact.tablespace}: a move` } };
    }
    return { rule, state: { kind: 'ok', text: 'as wanted' } };
  };

  const row = (p: ActualPartition): PartitionStatus => ({
    name: p.table.name,
    schema: p.table.schema,
    isDefault: p.isDefault,
    ...(p.range && !p.isDefault ? { from: lit(p.range.from), to: lit(p.range.to) } : {}),
    tablespace: p.tablespace,
    storage: p.storage,
    rows: Math.max(0, Math.round(p.rowEstimate)),
    bytes: Math.max(0, Math.round(p.bytes)),
    ...(p.isDefault || !p.range
      ? {
          rule: { kind: 'default' as const, text: `default_partition: ${policy.defaultPartition}` },
          state:
            policy.defaultPartition === 'forbid' && p.rowEstimate > 0
              ? { kind: 'default' as const, text: `holds ~${count(p.rowEstimate)} rows the policy forbids here` }
              : { kind: 'default' as const, text: p.rowEstimate > 0 ? `holds ~${count(p.rowEstimate)} rows no partition takes` : 'empty' },
        }
      : classify(p as ActualPartition & { range: KeyRange })),
  });

  const partitions = [...ctx.bounded.map(row), ...(actual.defaultPartition ? [row(actual.defaultPartition)] : [])];
  const covered = ctx.bounded.map((p) => p.range);
  const missing = target.partitions
    .filter((t) => !covered.some((c) => c.from < t.range.to && t.range.from < c.to))
    .map((t) => ({ from: lit(t.range.from), to: lit(t.range.to), band: t.band + 1 }));

  const bands: BandStatus[] = policy.layout.map((b, i) => {
    const mine = target.partitions.filter((t) => t.band === i);
    return {
      band: i + 1,
      text: describeBand(policy, i),
      tablespace: b.tablespace,
      ...(mine.length ? { from: lit(mine[0]!.range.from), to: lit(mine.at(-1)!.range.to) } : {}),
      periods: mine.length,
    };
  });

  return {
    table: `${actual.table.schema}.${actual.table.name}`,
    keyColumn: actual.keyColumn,
    keyType,
    timezone: policy.timezone,
    partitions,
    bands,
    retention: policy.retention && dropBefore !== null ? { text: `drop_after ${policy.retention.dropAfterText}`, before: lit(dropBefore) } : null,
    archive: policy.archive && archiveBefore !== null ? { text: `after ${policy.archive.afterText}`, before: lit(archiveBefore) } : null,
    defaultPartition: policy.defaultPartition,
    missing,
    differing: partitions.filter((p) => p.state.kind !== 'ok' && p.state.kind !== 'outside' && p.state.kind !== 'default').length,
  };
}
