// What every planner pass shares for one table: its inputs, the key's literal helpers, the target
// layout, the name allocator and the lists of warnings. planTable builds it once; passes read it
// and append to its lists, and return the steps they plan.
import type { TablePolicy } from '../../policy/types.js';
import { keyToDisplay, rangeToDisplay } from '../display.js';
import { keyToLiteral } from '../keys.js';
import type { ActualPartition, ActualTable, Dialect, KeyPoint, KeyRange, KeyType, PartitionNaming, Step, TargetLayout } from '../model.js';
import { NameAllocator, STANDARD_NAMING } from '../names.js';
import { targetLayout } from '../target.js';

export type BoundedPartition = ActualPartition & { range: KeyRange };

/** A step with the key point it is ordered by. */
export interface OrderedStep {
  from: KeyPoint;
  step: Step;
}

export interface PlanContext {
  readonly policy: TablePolicy;
  readonly actual: ActualTable;
  readonly now: string;
  /** The server's dialect, when known (steps that only some dialects can run check it). */
  readonly dialect?: Dialect;
  readonly keyType: KeyType;
  readonly schema: string;
  readonly tableName: string;
  readonly target: TargetLayout;
  /** The partitions with bounds, by start (the DEFAULT is actual.defaultPartition). */
  readonly bounded: readonly BoundedPartition[];
  /** How the server names new partitions (from the dialect driver). */
  readonly naming: PartitionNaming;
  readonly names: NameAllocator;
  /** Things the plan will not do that the reviewer must know about. */
  readonly warnings: string[];
  /** Reasons the policy cannot be carried out without losing data: the plan stops on them. */
  readonly blocking: string[];
  /** The exact SQL literal of a bound, for calls. */
  lit(k: KeyPoint): string;
  /** A range and a bound for reasons and warnings: `2026-10-01` for a midnight in the policy's zone. */
  rtext(r: KeyRange): string;
  btext(k: KeyPoint): string;
}

export function planContext(policy: TablePolicy, actual: ActualTable, now: string, naming: PartitionNaming = STANDARD_NAMING, dialect?: Dialect): PlanContext {
  const keyType = actual.keyType;
  const { schema, name: tableName } = actual.table;
  const bounded = actual.partitions.filter((p): p is BoundedPartition => !p.isDefault && p.range !== undefined);
  // Drivers hand partitions over by start already: sort (stably) only when they are not.
  if (!bounded.every((p, i) => i === 0 || bounded[i - 1]!.range.from <= p.range.from)) bounded.sort((a, b) => a.range.from - b.range.from);
  const existing = [...actual.partitions, ...(actual.defaultPartition ? [actual.defaultPartition] : [])];
  const relations = [...existing.filter((p) => p.table.schema === schema).map((p) => p.table.name), ...(actual.takenNames ?? [])];
  return {
    policy,
    actual,
    now,
    ...(dialect ? { dialect } : {}),
    keyType,
    schema,
    tableName,
    target: targetLayout(policy, keyType, now, tableName),
    bounded,
    naming,
    names: new NameAllocator(tableName, naming, relations, partitionNames(existing)),
    warnings: [],
    blocking: [],
    lit: (k) => keyToLiteral(keyType, k),
    rtext: (r) => rangeToDisplay({ keyType, timezone: policy.timezone }, r),
    btext: (k) => keyToDisplay({ keyType, timezone: policy.timezone }, k),
  };
}

/** The names the server keeps for partitions apart from their relations (Greenplum 6), where set. */
function partitionNames(partitions: readonly ActualPartition[]): string[] {
  const out: string[] = [];
  for (const p of partitions) if (p.partitionName) out.push(p.partitionName);
  return out;
}
