import type { Every, QualifiedName } from '../plan/model.js';
import type { NamingPattern } from './naming.js';
import type { SchedulePolicy } from './schedule.js';
import { printable } from '../util/printable.js';

/** A calendar offset relative to "now", e.g. "-3 months" → { months: -3 }. */
export interface RelativeOffset {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
}

/** Where a key came from in the policy file, for error messages. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface Band {
  from: RelativeOffset;
  to: RelativeOffset;
  every: Every;
  tablespace: string | null;
  /** The WITH (...) options for partitions of this band, without "WITH (" and ")". */
  storage: string | null;
  /** Original text, for reasons in the plan: "-3 months". */
  fromText: string;
  toText: string;
  everyText: string;
}

export type ArchiveFormat = 'parquet' | 'csv.gz';

/** Where and how partitions older than `after` go to object storage (docs/policy.md, archive). */
export interface ArchivePolicy {
  after: RelativeOffset;
  afterText: string;
  /** Bucket and key prefix of `to: s3://bucket/prefix` (prefix without leading or trailing "/", may be ""). */
  bucket: string;
  prefix: string;
  format: ArchiveFormat;
  /** client: gppart streams COPY output to S3 itself (every dialect); pxf: Greenplum writes through PXF. */
  via: 'client' | 'pxf';
  /** The PXF server configuration (via: pxf). */
  pxfServer: string | null;
  /** A partition older than retention.drop_after is archived before it is dropped (default: dropped unarchived). */
  beforeDrop: boolean;
}

export interface RetentionPolicy {
  dropAfter: RelativeOffset;
  dropAfterText: string;
  /** Absent or 'drop': drop the partition; 'detach': keep it as a plain table (retention.mode). */
  mode?: 'drop' | 'detach';
  /** retention.schema: where a detached partition goes; absent = it stays in its schema. */
  detachSchema?: string;
}

export interface LockPolicy {
  mode: 'shared' | 'exclusive';
  timeoutMs: number;
}

export interface TablePolicy {
  table: QualifiedName;
  /** Newest band first, as written. */
  layout: Band[];
  archive: ArchivePolicy | null;
  retention: RetentionPolicy | null;
  defaultPartition: 'keep' | 'ensure' | 'forbid';
  /**
   * default_partition.expired_rows: what to do with DEFAULT rows older than retention. Absent or
   * 'warn': the plan reports them; 'purge': a purge step deletes them.
   */
  defaultExpiredRows?: 'warn' | 'purge';
  /** naming: the pattern of new partitions' names; absent = DEFAULT_NAMING. */
  naming?: NamingPattern;
  timezone: string;
  storage: string | null;
  tablespace: string | null;
  lock: LockPolicy;
  /** 0 = no limit. */
  maxStepsPerTable: number;
  pos: SourcePos;
}

export interface Policy {
  version: 1;
  file: string;
  /** sha256 of the file's bytes, hex. */
  hash: string;
  tables: TablePolicy[];
  /** When a scheduler runs apply (`gppart export`); absent when the file has no schedule section. */
  schedule?: SchedulePolicy;
  /** Set when the file was in the original Partition tools' format and converted. */
  convertedFrom?: 'partition-tools-v1';
}

/** One validation problem: always printed as `FILE:LINE:COL key.path: message`, on one line. */
export interface PolicyIssue {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export class PolicyError extends Error {
  constructor(public readonly issues: PolicyIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'PolicyError';
  }
}

/** The issue as one line: a newline or other control character from the file is shown escaped. */
export function formatIssue(i: PolicyIssue): string {
  return printable(`${i.file}:${i.line}:${i.col} ${i.path || '(root)'}: ${i.message}`);
}
