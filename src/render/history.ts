// Past applies as text: `gppart history` (one line per apply) and `gppart show --apply ID`
// (snapshots before/after as a layout diff, then the journal's steps with timings).
import { formatCount, KIND_SYMBOL } from './text.js';
import { layoutDiff, layoutDiffLines, layoutHeading } from './layout-diff.js';
import type { BoundFormat } from '../plan/display.js';
import type { ApplySummary, KeyType, LayoutEntry, StepKind, StorageKind } from '../plan/model.js';
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
  /** From the snapshot; bounds are read with it (date when absent). */
  keyType?: KeyType;
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

/** A snapshot's partitions as layout entries: identity, bounds and placement; no row estimates, which change on every ANALYZE. */
export function snapshotLayout(parts: SnapshotPartition[]): LayoutEntry[] {
  return parts.map((p) => ({
    name: p.name,
    isDefault: p.isDefault,
    ...(p.isDefault ? {} : { from: p.from, to: p.to }),
    tablespace: p.tablespace ?? null,
    storage: (p.storage ?? 'heap') as StorageKind,
    rows: null,
    bytes: null,
  }));
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
    const f: BoundFormat = { keyType: snap?.keyType ?? 'date' };
    if (snap?.before && snap.after) {
      const d = layoutDiff(snapshotLayout(snap.before), snapshotLayout(snap.after), f, { rows: false });
      out.push(`  ${layoutHeading(d, { rows: false })}`);
      for (const l of layoutDiffLines(d, f, { rows: false })) out.push(`    ${l.op} ${l.text}`);
    } else if (snap?.before) {
      const before = snapshotLayout(snap.before);
      const d = layoutDiff(before, before, f, { rows: false });
      out.push(`  ${layoutHeading(d, { rows: false }, 'layout before, no snapshot after: the apply did not finish')}`);
      for (const l of layoutDiffLines(d, f, { rows: false }, Infinity)) out.push(`    ${l.op} ${l.text}`);
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
