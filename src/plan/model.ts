// The dialect-free model every stage shares: policy → target, database → actual, diff → plan.
// Nothing here talks to a database or a terminal.

/** Type of the partition key column. */
export type KeyType = 'date' | 'timestamp' | 'timestamptz';

/**
 * A position on the partition key's axis, as epoch milliseconds.
 * - date / timestamp: the wall-clock value read as if it were UTC (2024-01-01 → Date.UTC(2024,0,1)).
 * - timestamptz: the real instant.
 * -Infinity / +Infinity stand for MINVALUE / MAXVALUE (and '-infinity' / 'infinity').
 * Using one number type keeps comparisons in the planner trivial and exact.
 */
export type KeyPoint = number;

/** A half-open range [from, to) on the key axis. */
export interface KeyRange {
  from: KeyPoint;
  to: KeyPoint;
}

export interface QualifiedName {
  schema: string;
  name: string;
}

export type StorageKind = 'heap' | 'ao_row' | 'ao_column' | 'external' | 'other';

/** One partition as introspected. */
export interface ActualPartition {
  /** The child table. */
  table: QualifiedName;
  /** Greenplum 6 partition name (pg_partitions.partitionname), when it has one. */
  partitionName?: string;
  /** Greenplum 6 rank (pg_partitions.partitionrank), when it has one. */
  rank?: number;
  isDefault: boolean;
  /** Undefined for the DEFAULT partition. */
  range?: KeyRange;
  /** null = the database's default tablespace. */
  tablespace: string | null;
  storage: StorageKind;
  /**
   * The relation's storage options (reloptions: appendonly, orientation, compresstype,
   * compresslevel, fillfactor, …) as `key=value` pairs sorted by key, joined by ", "; '' when it
   * has none; absent when the driver does not report them. The Greenplum 6 driver does (they make a
   * partition append-optimized or heap); the planner compares them with the wanted storage.
   */
  options?: string;
  /** Planner estimate (reltuples; -1 or unknown → 0). */
  rowEstimate: number;
  /** On-disk size in bytes (estimate). */
  bytes: number;
  /**
   * The key's statistics (pg_stats), read for the DEFAULT only: they let the plan say how many of
   * the DEFAULT's rows a split moves instead of "all of them".
   */
  keyStats?: KeyStats;
  /**
   * Set by the simulator (src/plan/simulate.ts) when a step moves rows nobody can estimate before
   * it runs: out of a DEFAULT without key statistics. rowEstimate and bytes then mean nothing.
   */
  rowsUnknown?: boolean;
  /**
   * What this partition has of its own rather than from the parent ("index x", "trigger y",
   * "grants {…}", "options fillfactor=70"): a merge or split that rewrites it does not keep them.
   */
  localObjects?: string[];
}

/** pg_stats of the key column: most common values with their frequencies, then an equal-frequency histogram of the rest. */
export interface KeyStats {
  nullFrac: number;
  mcv: KeyPoint[];
  mcvFreq: number[];
  histogram: KeyPoint[];
}

/** Everything gppart knows about one managed table. */
export interface ActualTable {
  table: QualifiedName;
  keyColumn: string;
  keyType: KeyType;
  /** Sorted by range.from; the DEFAULT partition, if any, is in `defaultPartition`, not here. */
  partitions: ActualPartition[];
  defaultPartition: ActualPartition | null;
  owner: string;
  tablespace: string | null;
  /** The parent's storage options, in the form of ActualPartition.options. */
  options?: string;
  /** Foreign keys of other tables that reference this one ("name on schema.table"). */
  referencedBy?: string[];
  /** Logical-replication publications that include this table or one of its partitions. */
  publishedIn?: string[];
  /**
   * Relations in the table's schema that are not its partitions but whose names share its
   * prefix (a detached old partition, a backup copy): a new partition must not take their names.
   */
  takenNames?: string[];
}

/**
 * How a dialect names the partitions gppart creates: the planner asks, and never tests which
 * dialect it plans for. Supplied by the dialect driver (src/catalog/).
 */
export interface PartitionNaming {
  /**
   * The name a step passes for a new partition of `table` that the policy calls `wanted` (its
   * naming pattern rendered, e.g. "orders_p2024_01"), or null when no such name can be made to
   * fit the server's identifier limit.
   */
  argument(table: string, wanted: string): string | null;
  /** The relation (child table) the server creates for a partition named `argument`. */
  relation(table: string, argument: string): string;
}

export type Dialect = 'postgres' | 'greenplum6' | 'greenplum7' | 'cloudberry';

export interface ServerInfo {
  dialect: Dialect;
  /** e.g. "PostgreSQL 17.5" or "Greenplum Database 6.24.3" */
  version: string;
  database: string;
  /** host:port/database, never a password. */
  identity: string;
  /**
   * Which database this is, whatever address reached it: "<system identifier>/<database oid>"
   * (the identifier when the role may read pg_control_system(), else "?"). apply refuses a plan
   * made for another, so a plan reviewed on staging never runs on a production of the same name.
   */
  databaseId?: string;
}

// ---------------------------------------------------------------- target

export type CalendarUnit = 'day' | 'week' | 'month' | 'year';

/** A partition period size, aligned to calendar boundaries (months counted from Jan 1st). */
export interface Every {
  unit: CalendarUnit;
  /** day: 1, week: 1, month: 1|2|3|4|6|12, year: 1 */
  count: number;
}

/** One partition the policy wants to exist. */
export interface TargetPartition {
  range: KeyRange;
  /** Which band asked for it (index into TablePolicy.layout). */
  band: number;
  every: Every;
  tablespace: string | null;
  storage: string | null;
  /** Proposed child-table name, unique within the table (on PostgreSQL; see PartitionNaming). */
  name: string;
  /** What the naming pattern puts after the table name ("_p2024_01"); unique within the table. */
  suffix: string;
  /**
   * Set when the period is shorter than its grid period because it was cut at the boundary with a
   * band whose grid does not nest in this one (weeks next to months): says where and why.
   */
  clipped?: string;
}

export interface TargetLayout {
  /** Sorted by range.from, no gaps inside a run of bands, no overlaps. */
  partitions: TargetPartition[];
  /** Partitions wholly before this point are dropped (retention). null = keep forever. */
  dropBefore: KeyPoint | null;
  /** The managed span: [first target start, last target end). */
  managed: KeyRange | null;
}

// ---------------------------------------------------------------- plan

/**
 * purge: delete the DEFAULT's rows older than retention (default_partition.expired_rows: purge);
 * detach: retention that keeps the partition as a plain table (retention.mode: detach).
 */
export type StepKind = 'split' | 'merge' | 'move' | 'unload' | 'drop' | 'purge' | 'detach';
export const STEP_KINDS: readonly StepKind[] = ['split', 'merge', 'move', 'unload', 'drop', 'purge', 'detach'];
/** Kinds every plan summary counts; the others appear in it only when a plan has them. */
export const SUMMARY_KINDS: readonly StepKind[] = ['split', 'merge', 'move', 'unload', 'drop'];

/** Steps that remove data from the table: they need --allow-destroy under --auto-approve. */
export function isDestructiveKind(kind: StepKind): boolean {
  return kind === 'drop' || kind === 'unload' || kind === 'purge' || kind === 'detach';
}

/** A partition as a plan refers to it: stable, printable, JSON-safe (no Infinity). */
export interface PartitionRef {
  /** Child table name (unqualified; it lives in `schema`). */
  name: string;
  /**
   * For a partition a step creates: the name the step passes, when the server names the child
   * table otherwise (Greenplum 6: partition `p2024_01`, child table `orders_1_prt_p2024_01`).
   */
  partitionName?: string;
  schema: string;
  isDefault: boolean;
  /** SQL literal text of the key bounds, e.g. '2024-01-01'; 'MINVALUE'/'MAXVALUE'; absent for DEFAULT. */
  from?: string;
  to?: string;
  tablespace?: string | null;
}

/** The call the executor will run for a step: a function in schema gppart with literal arguments. */
export interface ProcedureCall {
  /** e.g. "gppart.split_default" */
  name: string;
  /** Arguments in order; arrays are text[]; null (also as an array element) is SQL NULL. */
  args: Array<string | Array<string | null> | null>;
}

/**
 * Where an unload step writes and what becomes of the partition (Step.archive). Everything apply
 * needs besides the partition (reads[0]) is here, so the step's work follows from its data.
 */
export interface ArchiveTarget {
  format: 'parquet' | 'csv.gz';
  /** client: gppart streams COPY output to the object store; pxf: Greenplum writes through PXF. */
  via: 'client' | 'pxf';
  bucket: string;
  /** The partition's folder, ending in "/": `<prefix>/<schema>/<table>/<from>_<to>/`. */
  folder: string;
  /** Data object keys, in write order (full keys, inside `folder`); via pxf the prefix PXF writes one object per segment under. */
  objects: string[];
  /** Key of `_manifest.json`, written last, inside `folder` (client path; PXF writes none). */
  manifest?: string;
  /** PXF server configuration (via: pxf). */
  pxfServer?: string;
  /** drop: the partition is removed (client); external: replaced by an external partition over the objects (pxf). */
  then: 'drop' | 'external';
}

export interface Step {
  kind: StepKind;
  /** Partitions the step reads (and replaces or removes). */
  reads: PartitionRef[];
  /** Partitions that exist after the step. */
  produces: PartitionRef[];
  /** Which rule asked for it, in words: "band 1 (every 1 month) wants 2024-03-01 .. 2024-04-01". */
  reason: string;
  /** Estimated rows the step moves (or deletes, for drop). */
  estimatedRows: number;
  estimatedBytes: number;
  call: ProcedureCall;
  /** True for steps that destroy data or remove it from the table (drop, unload, purge, detach). */
  destructive: boolean;
  /** unload only: the objects it writes. */
  archive?: ArchiveTarget;
}

export interface TablePlan {
  /** "schema.table", unquoted display form. */
  table: string;
  schema: string;
  name: string;
  keyColumn: string;
  keyType: KeyType;
  /** Hash of the ActualTable the plan was computed from. */
  fingerprint: string;
  steps: Step[];
  /** Steps left for later runs by max_steps_per_table. */
  deferred: number;
  /** Things the plan will not do that the reviewer must know about. */
  warnings: string[];
  /**
   * Reasons the policy cannot be carried out without losing data (e.g. rows that only the DEFAULT
   * could take under default_partition: forbid): `gppart plan` stops with these as its error.
   */
  blocking?: string[];
  /** Partition layout before/after (DEFAULT last), for the diff view. */
  layoutBefore: LayoutEntry[];
  layoutAfter: LayoutEntry[];
  /** The policy's time zone: bounds of a timestamptz key read as days in it. */
  timezone?: string;
  /** The introspected partitions the plan was computed from (DEFAULT last), for stale-plan messages. */
  partitionsBefore?: PartitionRef[];
  lock: { mode: 'shared' | 'exclusive'; timeoutMs: number };
}

/** One partition of a plan's before/after layout. */
export interface LayoutEntry {
  /** Child table name, `schema.name` when it lives in another schema than its table. */
  name: string;
  isDefault: boolean;
  /** Bound literals as in PartitionRef; absent for the DEFAULT. */
  from?: string;
  to?: string;
  /** null = the database's default tablespace. */
  tablespace: string | null;
  storage: StorageKind;
  /** Estimated rows and bytes; null when nobody can tell before the steps run (rows split out of a DEFAULT without statistics). */
  rows: number | null;
  bytes: number | null;
  /** Created by the plan's steps. */
  isNew?: boolean;
}

export interface Plan {
  formatVersion: 1;
  toolVersion: string;
  /** ISO date (YYYY-MM-DD) or timestamp the plan was computed for. */
  now: string;
  server: ServerInfo;
  policyHash: string;
  tables: TablePlan[];
  /** Steps per kind: always the SUMMARY_KINDS, other kinds only when the plan has them. */
  summary: Record<StepKind, number>;
}

// ---------------------------------------------------------------- history

/** One past apply as the journal records it (gppart history, gppart show --apply). */
export interface ApplySummary {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  /** running, done, failed, partial, interrupted (also when its session is gone while running). */
  status: string;
  user: string;
  client: string | null;
  policyHash: string | null;
  planHash: string | null;
  now: string | null;
  stepsDone: number;
  stepsFailed: number;
  /** Not run: an earlier step of the table failed, or the apply was interrupted. */
  stepsSkipped: number;
  /** Not started: the run's budget (--max-steps, --max-duration) was spent; the next run goes on. */
  stepsDeferred: number;
  /** Cancelled while running (Ctrl-C, SIGTERM) and rolled back. */
  stepsInterrupted: number;
  /** Still "started": running now, or cut off by a killed process (the server rolled it back). */
  stepsStarted: number;
  /** Rows of done steps per kind (the renderers tell moved from deleted). */
  rowsByKind: Record<string, number>;
}

/** Past speed of one kind of step on a database, from its journal (rows per second of done steps). */
export interface KindThroughput {
  rowsPerSecond: number;
  /** How many done steps it was measured over. */
  steps: number;
}

export type Throughput = Partial<Record<StepKind, KindThroughput>>;

/** An earlier apply, as a plan's ticket compares itself with it. */
export interface PastApply {
  id: number;
  startedAt: string;
  status: string;
  policyHash: string | null;
  /** The policy it ran with; null for applies recorded before gppart kept it. */
  policyText: string | null;
}

/** Facts around a plan for its reviewers. Not part of the plan: its hash does not cover them and apply ignores them. */
export interface ReviewContext {
  /** ISO timestamp. */
  generatedAt: string;
  /** user@host of whoever ran gppart plan. */
  generatedBy: string;
  /** Past rows per second per kind on this database. */
  throughput: Throughput;
  /** The last apply that changed any of the plan's tables; null when none is recorded. */
  lastApply: PastApply | null;
}
