// Target layout + actual state → the ordered steps that turn one into the other. Pure.
import type { TablePolicy } from '../policy/types.js';
import { fingerprint } from './fingerprint.js';
import { keyToLiteral, rangeToText } from './keys.js';
import type {
  ActualPartition,
  ActualTable,
  KeyPoint,
  KeyRange,
  PartitionRef,
  Step,
  TablePlan,
  TargetPartition,
} from './model.js';
import { overlapLength, simulateSteps, subtractRanges, unionRanges } from './simulate.js';
import { describeBand, targetLayout, uniqueName, withPrefix } from './target.js';

export function planTable(policy: TablePolicy, actual: ActualTable, now: string): TablePlan {
  const kt = actual.keyType;
  const lit = (k: KeyPoint): string => keyToLiteral(kt, k);
  const rtext = (r: KeyRange): string => rangeToText(kt, r);
  const { schema, name: tableName } = actual.table;
  const target = targetLayout(policy, kt, now, tableName);
  let def = actual.defaultPartition;
  const warnings: string[] = [];
  const blocking: string[] = [];

  // A policy that names no tablespace leaves the choice to the database: NULL makes the procedures
  // use the parent's tablespace, or the database default, whichever that is on this server.
  const resolvedTablespace = (t: string | null): string | null => t;

  const bounded = actual.partitions
    .filter((p): p is ActualPartition & { range: KeyRange } => !p.isDefault && p.range !== undefined)
    .sort((a, b) => a.range.from - b.range.from);

  // ---------------------------------------------------------------- drop (retention)
  const dropBefore = target.dropBefore;
  const dropped = dropBefore === null ? [] : bounded.filter((p) => p.range.to <= dropBefore);
  const drops: Step[] = dropped.map((p) => ({
    kind: 'drop',
    reads: [partitionRef(kt, p)],
    produces: [],
    reason: `retention drop_after ${policy.retention!.dropAfterText}: ${rtext(p.range)} ends before ${lit(dropBefore!)}`,
    estimatedRows: p.rowEstimate,
    estimatedBytes: p.bytes,
    call: {
      name: 'gppart.drop_partition',
      args: [schema, tableName, p.table.schema, p.table.name, lit(p.range.from), lit(p.range.to)],
    },
    destructive: true,
  }));
  const droppedSet = new Set(dropped);
  const live = bounded.filter((p) => !droppedSet.has(p));

  // Names of partitions that outlive the drops; a new partition may take one only from a step
  // that consumes its owner.
  const liveNames = new Set(
    [...live, ...(def ? [def] : [])].filter((p) => p.table.schema === schema).map((p) => p.table.name),
  );
  const allocated = new Set<string>();
  const allocate = (wanted: string, reusable: ReadonlySet<string> = new Set()): string => {
    const n = uniqueName(wanted, (x) => allocated.has(x) || (liveNames.has(x) && !reusable.has(x)));
    allocated.add(n);
    return n;
  };

  // ---------------------------------------------------------------- default_partition: ensure
  // Created first, so the rest of this plan may already send rows to it (realign overflow).
  let createDefault: Step | null = null;
  if (policy.defaultPartition === 'ensure' && !def) {
    const name = allocate(withPrefix(tableName, 'default'));
    def = { table: { schema, name }, isDefault: true, tablespace: null, storage: 'heap', rowEstimate: 0, bytes: 0 };
    createDefault = {
      kind: 'split',
      reads: [],
      produces: [partitionRef(kt, def)],
      reason: 'default_partition: ensure: the table has no DEFAULT partition, so a row outside every partition would be refused',
      estimatedRows: 0,
      estimatedBytes: 0,
      call: { name: 'gppart.create_default', args: [schema, tableName, name, null] },
      destructive: false,
    };
  }

  // ---------------------------------------------------------------- components
  const components = overlapComponents(live, target.partitions);
  const missing: TargetPartition[] = [];
  const rewrites: Array<{ from: KeyPoint; step: Step }> = [];
  const moves: Array<{ from: KeyPoint; step: Step }> = [];

  for (const { sources, targets } of components) {
    if (targets.length === 0) continue; // outside every band: left alone
    if (sources.length === 0) {
      missing.push(...targets);
      continue;
    }
    if (sources.length === 1 && targets.length === 1 && sameRange(sources[0]!.range, targets[0]!.range)) {
      const p = sources[0]!;
      const t = targets[0]!;
      if (t.tablespace !== null && !sameTablespace(p.tablespace, t.tablespace)) {
        moves.push({ from: p.range.from, step: {
          kind: 'move',
          reads: [partitionRef(kt, p)],
          produces: [{ ...partitionRef(kt, p), tablespace: t.tablespace }],
          reason: `${describeBand(policy, t.band)} wants ${rtext(t.range)} in tablespace ${t.tablespace}; it is in ${p.tablespace ?? 'pg_default'}`,
          estimatedRows: p.rowEstimate,
          estimatedBytes: p.bytes,
          call: {
            name: 'gppart.move_partition',
            args: [schema, tableName, p.table.schema, p.table.name, lit(p.range.from), lit(p.range.to), t.tablespace],
          },
          destructive: false,
        } });
      }
      continue;
    }

    // Several partitions for one period, one partition for several, or straddling bounds.
    const sourceUnion = unionRanges(sources.map((s) => s.range));
    const targetUnion = unionRanges(targets.map((t) => t.range));
    const excess = subtractRanges(sourceUnion, targetUnion);
    const shortfall = subtractRanges(targetUnion, sourceUnion);
    const span = { from: Math.min(sourceUnion[0]!.from, targetUnion[0]!.from), to: Math.max(sourceUnion.at(-1)!.to, targetUnion.at(-1)!.to) };
    const excessRows = Math.round(
      sources.reduce((sum, s) => sum + s.rowEstimate * fractionIn(s.range, excess), 0),
    );
    const sourceList = sources.map((s) => `${s.table.name} ${rtext(s.range)}`).join(', ');
    if (excess.length && def && policy.defaultPartition === 'forbid') {
      // The policy forbids the only place these rows could go: stop rather than plan around them.
      blocking.push(
        `default_partition: forbid: realigning ${rtext(span)} would move ~${excessRows} rows of ${sourceList} in ` +
          `${excess.map(rtext).join(', ')} to DEFAULT ${def.table.name}, which no wanted period covers; ` +
          `widen a band to cover them, allow the DEFAULT (default_partition: keep), or move the rows yourself`,
      );
      continue;
    }
    if (excess.length && !def) {
      warnings.push(
        `not realigning ${rtext(span)}: ${sourceList} also cover ${excess.map(rtext).join(', ')} (~${excessRows} rows), ` +
          `which no wanted period covers, and ${def ? 'default_partition: forbid keeps them out of the DEFAULT' : 'the table has no DEFAULT partition to take them'}`,
      );
      continue;
    }
    if (shortfall.length && !def) {
      warnings.push(
        `not realigning ${rtext(span)}: the wanted periods also cover ${shortfall.map(rtext).join(', ')}, ` +
          `which no partition covers, and the table has no DEFAULT partition (merge_partitions can only create ranges its sources cover)`,
      );
      continue;
    }
    const readsDefault = shortfall.length > 0 && def !== null;
    const storages = [...new Set(targets.map((t) => t.storage))];
    if (storages.length > 1) {
      warnings.push(
        `${rtext(span)}: one merge writes all its new partitions with storage ${storages[0] ?? '(parent default)'}, ` +
          `though ${targets.filter((t) => t.storage !== storages[0]).map((t) => rtext(t.range)).join(', ')} want ${storages.slice(1).map((s) => s ?? '(parent default)').join(', ')}`,
      );
    }
    const reusable = new Set(sources.filter((s) => s.table.schema === schema).map((s) => s.table.name));
    const names = targets.map((t) => allocate(t.name, reusable));
    const readParts: ActualPartition[] = readsDefault ? [...sources, def!] : sources;
    const notes = [
      `${sourceList} ${sources.length === 1 ? 'does' : 'do'} not match`,
      ...(excess.length ? [`rows in ${excess.map(rtext).join(', ')} (~${excessRows}) go to the DEFAULT`] : []),
      ...(readsDefault
        ? [`rows for ${shortfall.map(rtext).join(', ')} (~${rowsIn(def!, shortfall)}) come out of DEFAULT ${def!.table.name}, which is read whole (~${def!.rowEstimate} rows)`]
        : []),
      ...clipNotes(targets),
    ];
    rewrites.push({
      from: span.from,
      step: {
        kind: 'merge',
        reads: readParts.map((p) => partitionRef(kt, p)),
        produces: targets.map((t, i) => newRef(kt, schema, names[i]!, t, resolvedTablespace(t.tablespace))),
        reason: `${bandWants(policy, kt, targets)}; ${notes.join('; ')}`,
        estimatedRows: sources.reduce((s, p) => s + p.rowEstimate, 0) + (readsDefault ? rowsIn(def!, shortfall) : 0),
        estimatedBytes: sources.reduce((s, p) => s + p.bytes, 0) + (readsDefault ? bytesIn(def!, shortfall) : 0),
        call: {
          name: 'gppart.merge_partitions',
          args: [
            schema,
            tableName,
            readParts.map((p) => p.table.schema),
            readParts.map((p) => p.table.name),
            targets.map((t) => lit(t.range.from)),
            targets.map((t) => lit(t.range.to)),
            names,
            targets.map((t) => resolvedTablespace(t.tablespace)),
            storages[0] ?? null,
          ],
        },
        destructive: false,
      },
    });
  }

  // ---------------------------------------------------------------- split (one DEFAULT pass per storage)
  const byStorage = new Map<string | null, TargetPartition[]>();
  for (const t of missing.sort((a, b) => a.range.from - b.range.from)) {
    const group = byStorage.get(t.storage) ?? [];
    group.push(t);
    byStorage.set(t.storage, group);
  }
  for (const [storage, targets] of byStorage) {
    const names = targets.map((t) => allocate(t.name));
    const ranges = targets.map((t) => t.range);
    const source = def
      ? `rows come out of DEFAULT ${def.table.name} in one pass (~${rowsIn(def, ranges)} of its ~${def.rowEstimate} rows${def.keyStats ? ', from its key statistics' : ': no key statistics, so all of them, an upper bound'})`
      : 'the table has no DEFAULT partition: the new partitions start empty';
    rewrites.push({
      from: targets[0]!.range.from,
      step: {
        kind: 'split',
        reads: def ? [partitionRef(kt, def)] : [],
        produces: targets.map((t, i) => newRef(kt, schema, names[i]!, t, resolvedTablespace(t.tablespace))),
        reason: [bandWants(policy, kt, targets), source, ...clipNotes(targets)].join('; '),
        estimatedRows: def ? rowsIn(def, ranges) : 0,
        estimatedBytes: def ? bytesIn(def, ranges) : 0,
        call: {
          name: 'gppart.split_default',
          args: [
            schema,
            tableName,
            targets.map((t) => lit(t.range.from)),
            targets.map((t) => lit(t.range.to)),
            names,
            targets.map((t) => resolvedTablespace(t.tablespace)),
            storage,
          ],
        },
        destructive: false,
      },
    });
  }
  rewrites.sort((a, b) => a.from - b.from || (a.step.kind === b.step.kind ? 0 : a.step.kind === 'split' ? -1 : 1));

  // ---------------------------------------------------------------- warnings the plan cannot act on
  if (policy.defaultPartition === 'forbid' && def && def.rowEstimate > 0) {
    warnings.push(`default_partition: forbid: DEFAULT partition ${def.table.name} holds ~${def.rowEstimate} rows`);
  }
  if (policy.archive) {
    const afterState = simulateSteps(actual, [...drops, ...(createDefault ? [createDefault] : []), ...rewrites.map((r) => r.step)]);
    const cutoff = targetLayoutArchiveCutoff(policy, kt, now);
    const old = afterState.partitions.filter((p) => p.range && p.range.to <= cutoff && p.storage !== 'external');
    if (old.length) {
      warnings.push(
        `archive after ${policy.archive.afterText}: ${old.length} partition(s) ending on or before ${lit(cutoff)} ` +
          `would be unloaded to S3, and unload is not implemented yet`,
      );
    }
  }

  let steps: Step[] = [
    ...drops,
    ...(createDefault ? [createDefault] : []),
    ...rewrites.map((r) => r.step),
    ...moves.sort((a, b) => a.from - b.from).map((m) => m.step),
  ];
  // What the database itself would refuse for this table: planning those steps would only make
  // every apply fail on them, so they are left out, and the plan says why.
  const refusals: Array<{ why: string; blocks: (s: Step) => boolean }> = [];
  if (actual.referencedBy?.length) {
    // Other tables' foreign keys forbid detaching or dropping a partition; creating partitions
    // (with no DEFAULT to detach) and moving them still work.
    refusals.push({
      why: `referenced by foreign key ${actual.referencedBy.join(', ')}: its partitions cannot be detached or dropped`,
      blocks: (s) => s.kind !== 'move' && !(s.kind === 'split' && s.reads.length === 0),
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
  for (const { why, blocks } of refusals) {
    const held = steps.filter(blocks);
    if (!held.length) continue;
    warnings.push(`${why}, so ${held.length} step(s) (${[...new Set(held.map((s) => s.kind))].join(', ')}) are not planned`);
    steps = steps.filter((s) => !blocks(s));
  }
  // A merge drops its sources and builds new partitions from the parent's definition: anything a
  // source has of its own is lost, and the reviewer must see that before approving.
  const byName = new Map(bounded.map((p) => [`${p.table.schema}.${p.table.name}`, p]));
  for (const step of steps) {
    if (step.kind !== 'merge') continue;
    for (const r of step.reads) {
      const own = r.isDefault ? undefined : byName.get(`${r.schema}.${r.name}`)?.localObjects;
      if (own?.length) warnings.push(`${r.name} has ${own.join(', ')} of its own; the merge rebuilds it from the parent's definition and does not keep them`);
    }
  }
  let deferred = 0;
  if (policy.maxStepsPerTable > 0 && steps.length > policy.maxStepsPerTable) {
    deferred = steps.length - policy.maxStepsPerTable;
    steps = steps.slice(0, policy.maxStepsPerTable);
  }

  const after = simulateSteps(actual, steps);
  const created = new Set(steps.flatMap((s) => (s.kind === 'move' ? [] : s.produces.map((p) => `${p.schema}.${p.name}`))));
  return {
    table: `${schema}.${tableName}`,
    schema,
    name: tableName,
    keyColumn: actual.keyColumn,
    keyType: kt,
    fingerprint: fingerprint(actual),
    steps,
    deferred,
    warnings,
    ...(blocking.length ? { blocking } : {}),
    layoutBefore: layoutLines(actual, new Set()),
    layoutAfter: layoutLines(after, created),
    lock: { mode: policy.lock.mode, timeoutMs: policy.lock.timeoutMs },
  };
}

function targetLayoutArchiveCutoff(policy: TablePolicy, kt: ActualTable['keyType'], now: string): KeyPoint {
  // Same arithmetic as retention, through a throwaway policy whose retention is the archive age.
  return targetLayout(
    { ...policy, layout: [], retention: { dropAfter: policy.archive!.after, dropAfterText: policy.archive!.afterText } },
    kt,
    now,
    policy.table.name,
  ).dropBefore!;
}

// ------------------------------------------------------------------ helpers

function sameRange(a: KeyRange, b: KeyRange): boolean {
  return a.from === b.from && a.to === b.to;
}

/** A NULL tablespace is the database default, which is pg_default unless the DBA changed it. */
function sameTablespace(actual: string | null, wanted: string): boolean {
  return (actual ?? 'pg_default') === wanted;
}

function fractionIn(r: KeyRange, parts: KeyRange[]): number {
  if (!parts.length) return 0;
  const len = r.to - r.from;
  if (!Number.isFinite(len)) return 1;
  return parts.reduce((s, p) => s + overlapLength(r, p), 0) / len;
}

/** A partition as plans, snapshots and stale-plan messages refer to it (bounds as SQL literals). */
export function partitionRef(kt: ActualTable['keyType'], p: ActualPartition): PartitionRef {
  const r: PartitionRef = { name: p.table.name, schema: p.table.schema, isDefault: p.isDefault };
  if (!p.isDefault && p.range) {
    r.from = keyToLiteral(kt, p.range.from);
    r.to = keyToLiteral(kt, p.range.to);
  }
  r.tablespace = p.tablespace;
  return r;
}

function newRef(kt: ActualTable['keyType'], schema: string, name: string, t: TargetPartition, tablespace: string | null): PartitionRef {
  return { name, schema, isDefault: false, from: keyToLiteral(kt, t.range.from), to: keyToLiteral(kt, t.range.to), tablespace };
}

/** "band 1 (…) wants [a, b); band 2 (…) wants 6 periods in [c, d)", contiguous periods summarised. */
function bandWants(policy: TablePolicy, kt: ActualTable['keyType'], targets: TargetPartition[]): string {
  const parts: string[] = [];
  const byBand = new Map<number, TargetPartition[]>();
  for (const t of targets) byBand.set(t.band, [...(byBand.get(t.band) ?? []), t]);
  for (const band of [...byBand.keys()].sort((a, b) => a - b)) {
    const runs: TargetPartition[][] = [];
    for (const t of byBand.get(band)!) {
      const last = runs.at(-1);
      if (last && last.at(-1)!.range.to === t.range.from) last.push(t);
      else runs.push([t]);
    }
    const text = runs.map((r) =>
      r.length === 1
        ? rangeToText(kt, r[0]!.range)
        : `${r.length} periods in ${rangeToText(kt, { from: r[0]!.range.from, to: r.at(-1)!.range.to })}`,
    );
    parts.push(`${describeBand(policy, band)} wants ${text.join(', ')}`);
  }
  return parts.join('; ');
}

function clipNotes(targets: TargetPartition[]): string[] {
  return targets.filter((t) => t.clipped).map((t) => `${t.name} is ${t.clipped}`);
}

interface Component {
  sources: Array<ActualPartition & { range: KeyRange }>;
  targets: TargetPartition[];
  from: KeyPoint;
}

/**
 * Groups existing partitions and target periods that overlap, transitively. Both lists are sorted
 * and free of internal overlaps, so one sweep finds every overlapping pair.
 */
function overlapComponents(existing: Array<ActualPartition & { range: KeyRange }>, targets: TargetPartition[]): Component[] {
  const n = existing.length;
  const parent = Array.from({ length: n + targets.length }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  let i = 0;
  let j = 0;
  while (i < n && j < targets.length) {
    const e = existing[i]!.range;
    const t = targets[j]!.range;
    if (e.from < t.to && t.from < e.to) union(i, n + j);
    if (e.to <= t.to) i++;
    else j++;
  }
  const groups = new Map<number, Component>();
  const get = (root: number, from: KeyPoint): Component => {
    let c = groups.get(root);
    if (!c) groups.set(root, (c = { sources: [], targets: [], from }));
    c.from = Math.min(c.from, from);
    return c;
  };
  existing.forEach((e, k) => get(find(k), e.range.from).sources.push(e));
  targets.forEach((t, k) => get(find(n + k), t.range.from).targets.push(t));
  return [...groups.values()].sort((a, b) => a.from - b.from);
}

// ------------------------------------------------------------------ layout lines

/** `orders_p2024_01  [2024-01-01, 2024-02-01)  tablespace pg_default  ~1200 rows`, DEFAULT last. */
export function layoutLines(t: ActualTable, created: ReadonlySet<string>): string[] {
  const parts = [...t.partitions, ...(t.defaultPartition ? [t.defaultPartition] : [])];
  const names = parts.map((p) => (p.table.schema === t.table.schema ? p.table.name : `${p.table.schema}.${p.table.name}`));
  const ranges = parts.map((p) => (p.isDefault || !p.range ? 'DEFAULT' : rangeToText(t.keyType, p.range)));
  const spaces = parts.map((p) => `tablespace ${p.tablespace ?? 'pg_default'}`);
  const nw = Math.max(0, ...names.map((n) => n.length));
  const rw = Math.max(0, ...ranges.map((r) => r.length));
  const sw = Math.max(0, ...spaces.map((r) => r.length));
  return parts.map((p, i) => {
    const isNew = created.has(`${p.table.schema}.${p.table.name}`);
    // A partition split out of the DEFAULT has rows nobody can estimate before the split.
    const rows = isNew && p.rowEstimate === 0 ? 'new' : `~${Math.round(p.rowEstimate)} rows${isNew ? ' (new)' : ''}`;
    return `${names[i]!.padEnd(nw)}  ${ranges[i]!.padEnd(rw)}  ${spaces[i]!.padEnd(sw)}  ${rows}`;
  });
}

/**
 * Share of a partition's rows whose key lies in the ranges, from its key statistics the way
 * PostgreSQL's own estimator reads them: the most common values by their frequencies, the rest
 * spread over the equal-frequency histogram, linear inside a bucket. Without statistics: 1, so
 * the estimate errs high rather than low.
 */
export function shareIn(p: ActualPartition, ranges: readonly KeyRange[]): number {
  const st = p.keyStats;
  if (!st || (st.histogram.length < 2 && st.mcv.length === 0)) return 1;
  const inRanges = (k: number) => ranges.some((r) => k >= r.from && k < r.to);
  let share = 0;
  let mcvTotal = 0;
  for (const [i, v] of st.mcv.entries()) {
    mcvTotal += st.mcvFreq[i] ?? 0;
    if (inRanges(v)) share += st.mcvFreq[i] ?? 0;
  }
  const rest = Math.max(0, 1 - mcvTotal - st.nullFrac);
  const h = st.histogram;
  const buckets = h.length - 1;
  if (buckets >= 1) {
    let histShare = 0;
    for (let i = 0; i < buckets; i++) {
      const lo = h[i]!;
      const hi = h[i + 1]!;
      for (const r of ranges) {
        if (hi === lo) {
          if (lo >= r.from && lo < r.to) histShare += 1 / buckets;
          continue;
        }
        const overlap = Math.min(hi, r.to) - Math.max(lo, r.from);
        if (overlap > 0) histShare += overlap / (hi - lo) / buckets;
      }
    }
    share += rest * Math.min(1, histShare);
  }
  return Math.min(1, share);
}

function rowsIn(p: ActualPartition, ranges: readonly KeyRange[]): number {
  return Math.round(p.rowEstimate * shareIn(p, ranges));
}

function bytesIn(p: ActualPartition, ranges: readonly KeyRange[]): number {
  return Math.round(p.bytes * shareIn(p, ranges));
}
