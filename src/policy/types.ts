import type { Every, QualifiedName } from '../plan/model.js';
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

export interface ArchivePolicy {
  after: RelativeOffset;
  afterText: string;
  s3: { server: string; bucket: string; format: 'parquet' | 'csv' | 'text'; prefix?: string };
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
  retention: { dropAfter: RelativeOffset; dropAfterText: string } | null;
  defaultPartition: 'keep' | 'ensure' | 'forbid';
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
