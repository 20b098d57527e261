// Past applies: `gppart history` (one line per apply) and `gppart show --apply ID` as text or as
// Markdown to close a change ticket (snapshots before/after as a layout diff, then the journal's
// steps with status, rows, timings, and why a step failed or was skipped).
import { formatCount, KIND_SYMBOL } from './text.js';
import type { ArchiveRecord } from '../catalog/archive.js';
import { layoutDiff, layoutDiffLines, layoutHeading } from './layout-diff.js';
import type { BoundFormat } from '../plan/display.js';
import type { ApplySummary, KeyType, LayoutEntry, ServerInfo, StepKind, StorageKind } from '../plan/model.js';
import { mdBlock, mdCell, mdCellCode, mdCode, mdProse, term } from './escape.js';
import { volumeText, volumeOf } from './volume.js';

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
  /** Why it failed, was interrupted or skipped (or a remark on a done step). */
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

/** "3 done, 1 failed, 2 skipped": only what happened, never "0 interrupted". */
export function stepCounts(a: ApplySummary): string {
  const parts = [`${a.stepsDone} done`];
  if (a.stepsFailed) parts.push(`${a.stepsFailed} failed`);
  if (a.stepsInterrupted) parts.push(`${a.stepsInterrupted} interrupted`);
  if (a.stepsSkipped) parts.push(`${a.stepsSkipped} skipped`);
  if (a.stepsDeferred) parts.push(`${a.stepsDeferred} deferred`);
  // A journal row still "started": the step is running now, or its process died and the server rolled it back.
  if (a.stepsStarted) parts.push(a.status === 'running' ? `${a.stepsStarted} running` : `${a.stepsStarted} cut off (its process died; rolled back)`);
  return parts.join(', ');
}

/** Rows of the done steps: moved and deleted apart. */
export function applyRows(a: ApplySummary): string {
  return volumeText(volumeOf(Object.entries(a.rowsByKind).map(([kind, rows]) => ({ kind, rows }))));
}

export function renderHistoryText(rows: ApplySummary[]): string {
  if (!rows.length) return 'No applies recorded yet.\n';
  const table = [['ID', 'STARTED', 'STATUS', 'BY', 'POLICY', 'NOW', 'STEPS', 'ROWS']];
  for (const r of rows) {
    table.push([
      String(r.id),
      when(r.startedAt),
      term(r.status),
      term(`${r.user}${r.client ? ` (${r.client})` : ''}`),
      term((r.policyHash ?? '-').slice(0, 12)),
      term(r.now ?? '-'),
      stepCounts(r),
      applyRows(r),
    ]);
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

/** The layout heading and lines of one table's snapshots (before → after, or before alone). */
function snapshotDiff(snap: TableSnapshots | undefined): { heading: string; lines: string[] } | null {
  if (!snap?.before) return null;
  const f: BoundFormat = { keyType: snap.keyType ?? 'date' };
  if (snap.after) {
    const d = layoutDiff(snapshotLayout(snap.before), snapshotLayout(snap.after), f, { rows: false });
    return { heading: layoutHeading(d, { rows: false }), lines: layoutDiffLines(d, f, { rows: false }).map((l) => `${l.op} ${l.text}`) };
  }
  const before = snapshotLayout(snap.before);
  const d = layoutDiff(before, before, f, { rows: false });
  return {
    heading: layoutHeading(d, { rows: false }, 'layout before (no snapshot after: the apply did not finish)'),
    lines: layoutDiffLines(d, f, { rows: false }, Infinity).map((l) => `${l.op} ${l.text}`),
  };
}

/** What the journal's error column means for a step of this status. */
function errorLabel(status: string): string {
  return status === 'skipped' || status === 'deferred' || status === 'interrupted' ? status : status === 'done' ? 'note' : 'error';
}

function tablesOf(steps: JournalStep[], snapshots: TableSnapshots[]): string[] {
  return [...new Set([...snapshots.map((s) => s.table), ...steps.map((s) => s.table)])];
}

export function renderApplyText(apply: ApplySummary, steps: JournalStep[], snapshots: TableSnapshots[]): string {
  const out: string[] = [];
  out.push(term(`apply ${apply.id}: ${apply.status}, started ${when(apply.startedAt)}, finished ${when(apply.finishedAt)}, by ${apply.user}${apply.client ? ` (${apply.client})` : ''}`));
  out.push(term(`policy ${apply.policyHash ?? '-'}`));
  out.push(term(`plan   ${apply.planHash ?? '-'}`));
  out.push(`now ${term(apply.now ?? '-')}; steps: ${stepCounts(apply)}; rows: ${applyRows(apply)}`);
  for (const t of tablesOf(steps, snapshots)) {
    out.push('', term(t));
    const diff = snapshotDiff(snapshots.find((s) => s.table === t));
    if (diff) out.push(`  ${diff.heading}`, ...diff.lines.map((l) => `  ${l}`));
    const mine = steps.filter((s) => s.table === t);
    if (mine.length) out.push('  steps:');
    for (const s of mine) {
      const sym = KIND_SYMBOL[s.kind as StepKind] ?? '?';
      const secs = s.seconds === null ? '-' : `${s.seconds.toFixed(2)} s`;
      const rows = s.rows === null ? '-' : `${formatCount(s.rows)} rows`;
      out.push(`    ${String(s.stepNo).padStart(2)}. ${sym} ${term(s.kind).padEnd(6)} ${term(s.status).padEnd(11)} ${secs.padStart(9)}  ${rows.padStart(12)}  started ${when(s.startedAt)}`);
      out.push(`        call: ${term(s.call)}`);
      if (s.error) out.push(`        ${errorLabel(s.status)}: ${term(s.error)}`);
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

/** What to do after this apply, in one sentence (Markdown). */
function nextStep(a: ApplySummary): string {
  if (a.status === 'done') return `Every step is done. ${mdCode('gppart plan')} shows whether anything is left (steps deferred by max_steps_per_table, a later period).`;
  if (a.status === 'running') return 'The apply is still running.';
  return `Not every step was done; a step that did not commit changed nothing. ${mdCode('gppart plan')} proposes the remaining steps again.`;
}

/** `gppart show --apply ID --format markdown`: the apply as a ticket's closing note. */
export function renderApplyMarkdown(apply: ApplySummary, steps: JournalStep[], snapshots: TableSnapshots[], server: ServerInfo): string {
  const out: string[] = [`# gppart apply ${apply.id}: ${mdProse(apply.status)}`, ''];
  out.push('| | |', '|---|---|');
  out.push(`| Database | ${mdCellCode(server.database)} at ${mdCellCode(server.identity)} (${mdCell(server.version)}) |`);
  out.push(`| Started | ${mdCell(when(apply.startedAt))} |`);
  out.push(`| Finished | ${mdCell(when(apply.finishedAt))} |`);
  out.push(`| By | ${mdCellCode(apply.user)}${apply.client ? ` from ${mdCellCode(apply.client)}` : ''} |`);
  out.push(`| Planned for (now) | ${mdCellCode(apply.now ?? '-')} |`);
  out.push(`| Policy hash | ${mdCellCode(apply.policyHash ?? '-')} |`);
  out.push(`| Plan hash | ${mdCellCode(apply.planHash ?? '-')} (the ticket's plan hash when it applied a reviewed plan file) |`);
  out.push('', '## Outcome', '', `**${mdProse(`Steps: ${stepCounts(apply)}. Rows: ${applyRows(apply)}.`)}**`, '', nextStep(apply));
  out.push('', '| table | step | kind | status | rows | seconds |', '|---|---:|---|---|---:|---:|');
  for (const s of steps) {
    out.push(
      `| ${mdCellCode(s.table)} | ${s.stepNo} | ${mdCell(s.kind)} | ${s.status === 'done' ? 'done' : `**${mdCell(s.status)}**`} | ${s.rows === null ? '-' : formatCount(s.rows)} | ${s.seconds === null ? '-' : s.seconds.toFixed(2)} |`,
    );
  }
  const remarks = steps.filter((s) => s.error);
  if (remarks.length) {
    out.push('', '## Failures, interruptions and skips', '');
    for (const s of remarks) out.push(`- ${mdCode(s.table)} step ${s.stepNo} (${mdProse(s.kind)}), ${errorLabel(s.status)}: ${mdProse(s.error!)}`);
  }
  out.push('', '## Layout before → after');
  for (const t of tablesOf(steps, snapshots)) {
    out.push('', `### ${mdCode(t)}`);
    const diff = snapshotDiff(snapshots.find((s) => s.table === t));
    if (diff) out.push('', mdProse(diff.heading), '', ...mdBlock('diff', diff.lines));
    const mine = steps.filter((s) => s.table === t);
    if (mine.length) out.push('', 'Calls:', '', ...mdBlock('sql', mine.flatMap((s) => [`-- step ${s.stepNo}: ${s.status}`, `${s.call};`])));
  }
  return out.join('\n') + '\n';
}
