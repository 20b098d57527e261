// Past applies as text: `gppart history` (one line per apply) and `gppart show --apply ID`
// (snapshots before/after as a layout diff, then the journal's steps with timings).
import { formatCount, KIND_SYMBOL } from './text.js';
import type { ArchiveRecord } from '../catalog/archive.js';
import { layoutDiff } from './layout-diff.js';
import type { ApplySummary, StepKind } from '../plan/model.js';
import { term } from './escape.js';

export interface JournalStep {
  stepNo: number;
  table: string;
  kind: string;
  call: string;
  status: string;
  rows: number | null;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  error: string | null;
}

/** A partition as the snapshot stores it (src/apply/snapshot.ts, TableSnapshot). */
export interface SnapshotPartition {
  name: string;
  isDefault: boolean;
  from?: string;
  to?: string;
  tablespace?: string | null;
  storage?: string;
  rowEstimate?: number;
}

export interface TableSnapshots {
  table: string;
  before: SnapshotPartition[] | null;
  after: SnapshotPartition[] | null;
}

/** Timestamps as the database prints them, trimmed to the second: "2026-11-25 10:31:07+00". */
function when(ts: string | null): string {
  if (!ts) return '-';
  return ts.replace(/\.\d+(?=[+-]\d\d|$)/, '');
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function renderHistoryText(rows: ApplySummary[]): string {
  if (!rows.length) return 'No applies recorded yet.\n';
  const table = [['ID', 'STARTED', 'STATUS', 'BY', 'POLICY', 'NOW', 'STEPS']];
  for (const r of rows) {
    const steps = `${r.stepsDone} done, ${r.stepsFailed} failed${r.stepsStarted ? `, ${r.stepsStarted} interrupted` : ''}`;
    table.push([String(r.id), when(r.startedAt), term(r.status), term(`${r.user}${r.client ? ` (${r.client})` : ''}`), term((r.policyHash ?? '-').slice(0, 12)), term(r.now ?? '-'), steps]);
  }
  return pad(table).join('\n') + '\n';
}

/** One line per partition: identity, bounds and placement; no row estimates, which change on every ANALYZE. */
export function snapshotLayout(parts: SnapshotPartition[]): string[] {
  const rows = parts.map((p) => [term(p.name), p.isDefault ? 'DEFAULT' : term(`[${p.from}, ${p.to})`), term(`tablespace ${p.tablespace ?? 'default'}`), term(p.storage ?? '')]);
  return rows.length ? pad(rows) : [];
}

export function renderApplyText(apply: ApplySummary, steps: JournalStep[], snapshots: TableSnapshots[]): string {
  const out: string[] = [];
  out.push(term(`apply ${apply.id}: ${apply.status}, started ${when(apply.startedAt)}, finished ${when(apply.finishedAt)}, by ${apply.user}${apply.client ? ` (${apply.client})` : ''}`));
  out.push(term(`policy ${apply.policyHash ?? '-'}`));
  out.push(term(`plan   ${apply.planHash ?? '-'}`));
  out.push(`now ${term(apply.now ?? '-')}; steps: ${apply.stepsDone} done, ${apply.stepsFailed} failed, ${apply.stepsStarted} interrupted (still "started")`);
  const tables = [...new Set([...snapshots.map((s) => s.table), ...steps.map((s) => s.table)])];
  for (const t of tables) {
    out.push('', term(t));
    const snap = snapshots.find((s) => s.table === t);
    if (snap?.before && snap.after) {
      out.push('  layout before → after:');
      for (const l of layoutDiff(snapshotLayout(snap.before), snapshotLayout(snap.after))) out.push(`    ${l.op} ${l.line}`);
    } else if (snap?.before) {
      out.push('  layout before (no snapshot after: the apply did not finish):');
      for (const l of snapshotLayout(snap.before)) out.push(`      ${l}`);
    }
    const mine = steps.filter((s) => s.table === t);
    if (mine.length) out.push('  steps:');
    for (const s of mine) {
      const sym = KIND_SYMBOL[s.kind as StepKind] ?? '?';
      const secs = s.seconds === null ? '-' : `${s.seconds.toFixed(2)} s`;
      const rows = s.rows === null ? '-' : `${formatCount(s.rows)} rows`;
      out.push(`    ${String(s.stepNo).padStart(2)}. ${sym} ${term(s.kind).padEnd(6)} ${term(s.status).padEnd(7)} ${secs.padStart(9)}  ${rows.padStart(12)}  started ${when(s.startedAt)}`);
      out.push(`        call: ${term(s.call)}`);
      if (s.error) out.push(`        error: ${term(s.error)}`);
    }
  }
  return out.join('\n') + '\n';
}

/** `gppart history --archives`: what is (or was) in object storage, oldest first. */
export function renderArchivesText(rows: ArchiveRecord[]): string {
  if (!rows.length) return 'No archived partitions recorded.\n';
  const table = [['ID', 'EVENT', 'WHEN', 'TABLE', 'RANGE', 'ROWS', 'FORMAT', 'LOCATION', 'APPLY']];
  for (const r of rows) {
    table.push([
      String(r.id),
      r.event === 'restored' ? `restored (of ${r.archiveId})` : r.event,
      when(r.at),
      term(`${r.tableSchema}.${r.tableName}`),
      term(`[${r.from}, ${r.to})`),
      formatCount(r.rows),
      `${r.format}${r.via === 'pxf' ? ' (pxf)' : ''}`,
      term(r.location),
      r.applyId === null ? '-' : String(r.applyId),
    ]);
  }
  return pad(table).join('\n') + '\n';
}
