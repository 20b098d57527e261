// Plain-text plan, in the spirit of `terraform plan`: what a scheduler's log or a pipe gets. It is
// the complete plan: every step with what it does to rows, who waits for it, why and its call,
// and the whole layout diff (only runs of unchanged partitions are folded, with their count).
// Colour only when asked (a TTY without NO_COLOR); the content is identical either way.
import { literalToDisplay, zoneNote, type BoundFormat } from '../plan/display.js';
import type { PartitionRef, Plan, Step, StepKind, TablePlan } from '../plan/model.js';
import { STEP_KINDS, SUMMARY_KINDS } from '../plan/model.js';
import { term } from './escape.js';
import { impactLine, stepImpact, type Throughput } from './impact.js';
import { layoutChanged, layoutDiff, layoutDiffLines, layoutHeading } from './layout-diff.js';
import { formatBytes, formatCount } from './numbers.js';
import { effectVerb } from './volume.js';

export { formatBytes, formatCount } from './numbers.js';

export interface TextOptions {
  color: boolean;
  /** Print each step's procedure call (default true). */
  showCalls?: boolean;
  /** Past rows per second per kind on this database, for duration estimates. */
  throughput?: Throughput;
}

export const KIND_SYMBOL: Record<StepKind, string> = { split: '+', merge: '~', move: '>', unload: '^', drop: '-', purge: 'x', detach: '/' };
const KIND_COLOR: Record<StepKind, number> = { split: 32, merge: 33, move: 36, unload: 35, drop: 31, purge: 31, detach: 31 };

function paint(on: boolean, code: number, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}

/** How a table's bounds print: its key type and the policy's zone. */
export function boundFormat(t: Pick<TablePlan, 'keyType' | 'timezone'>): BoundFormat {
  return { keyType: t.keyType, timezone: t.timezone ?? 'UTC' };
}

/** A partition for a line of text: name and bounds escaped (a plan file may hold anything). */
export function refText(r: PartitionRef, f?: BoundFormat): string {
  const b = (s: string | undefined) => term(s === undefined ? '?' : f ? literalToDisplay(f, s) : s);
  return r.isDefault ? `${term(r.name)} (DEFAULT)` : `${term(r.name)} [${b(r.from)}, ${b(r.to)})`;
}

function refsText(refs: PartitionRef[], f: BoundFormat | undefined, max = 4): string {
  if (refs.length <= max) return refs.map((r) => refText(r, f)).join(', ');
  return `${refs.slice(0, max - 1).map((r) => refText(r, f)).join(', ')}, … ${refs.length - (max - 1)} more, ${refText(refs[refs.length - 1]!, f)}`;
}

/** default_partition: ensure's step: a split that reads nothing and makes only a DEFAULT. */
export function createsDefault(step: Step): boolean {
  return step.kind === 'split' && step.reads.length === 0 && step.produces.length > 0 && step.produces.every((p) => p.isDefault);
}

export function stepHeadline(step: Step, f?: BoundFormat): string {
  const target = (step.produces[0]?.tablespace ?? null) !== null ? ` in tablespace ${term(step.produces[0]!.tablespace!)}` : '';
  switch (step.kind) {
    case 'split': {
      const made = step.produces.filter((p) => !p.isDefault);
      const src = step.reads.find((r) => r.isDefault);
      if (createsDefault(step)) return `create DEFAULT partition ${term(step.produces[0]!.name)}`;
      return `${src ? `split ${term(src.name)} (DEFAULT)` : 'create'} → ${made.length} partition(s): ${refsText(made, f)}`;
    }
    case 'merge':
      return `merge ${refsText(step.reads, f)} → ${refsText(step.produces.filter((p) => !p.isDefault), f)}`;
    case 'move':
      return `move ${refsText(step.reads, f)}${target || ' to the default tablespace'}`;
    case 'unload': {
      const a = step.archive;
      if (!a) return `unload ${refsText(step.reads, f)} to S3`;
      const then = a.then === 'external' ? 'then an external partition reads them (PXF)' : 'then the partition is dropped';
      const objects = a.via === 'pxf' ? 'data/: one object per segment, written by PXF' : `${a.objects.map((o) => o.slice(a.folder.length)).join(', ')} + _manifest.json`;
      return `unload ${refsText(step.reads, f)} to ${term(`s3://${a.bucket}/${a.folder}`)} (${a.format}: ${term(objects)}), ${then}`;
    }
    case 'drop':
      return `drop ${refsText(step.reads, f)}`;
    case 'purge': {
      const before = String(step.call.args[4]);
      return `purge ${refsText(step.reads, f)}: delete ~${formatCount(step.estimatedRows)} rows older than ${term(f ? literalToDisplay(f, before) : before)}`;
    }
    case 'detach':
      return `detach ${refsText(step.reads, f)}, keep it as table ${step.produces[0] ? term(`${step.produces[0].schema}.${step.produces[0].name}`) : ''}`;
  }
}

/** "moves ~9,270 rows, ~488.0 kB" / "deletes ~37,959 rows, ~1.9 MB" / for a new DEFAULT "no rows". */
export function stepVolume(step: Step): string {
  if (createsDefault(step)) return 'no rows: the new DEFAULT starts empty';
  return `${effectVerb(step.kind)} ~${formatCount(step.estimatedRows)} rows, ~${formatBytes(step.estimatedBytes)}`;
}

export function summaryLine(plan: Plan): string {
  const kinds = STEP_KINDS.filter((k) => SUMMARY_KINDS.includes(k) || plan.summary[k]);
  // Creating a DEFAULT is a split step in the model, but no split to the reader.
  const defaults = plan.tables.reduce((n, t) => n + t.steps.filter(createsDefault).length, 0);
  const parts = kinds.map((k) => `${(plan.summary[k] ?? 0) - (k === 'split' ? defaults : 0)} to ${k}`);
  if (defaults) parts.splice(1, 0, `${defaults} DEFAULT to create`);
  const total = kinds.reduce((n, k) => n + (plan.summary[k] ?? 0), 0);
  if (total === 0) return 'No changes. The partitions match the policy.';
  const deferred = plan.tables.reduce((n, t) => n + t.deferred, 0);
  return `Plan: ${parts.join(', ')}.${deferred ? ` (${deferred} more deferred by max_steps_per_table)` : ''}`;
}

export function headerLines(plan: Plan): string[] {
  return [term(`gppart ${plan.toolVersion} · ${plan.server.version} (${plan.server.dialect}) · ${plan.server.identity} · now ${plan.now}`)];
}

/** "key order_date date, lock shared (timeout 5000 ms)[, dates are midnights in Europe/Berlin]". */
export function tableFacts(t: TablePlan): string {
  const zone = zoneNote(boundFormat(t));
  return `key ${term(t.keyColumn)} ${t.keyType}, lock ${t.lock.mode} (timeout ${t.lock.timeoutMs} ms)${zone ? `, ${term(zone)}` : ''}`;
}

function tableLines(plan: Plan, t: TablePlan, o: TextOptions, renderCall: (s: Step) => string): string[] {
  const f = boundFormat(t);
  const lines: string[] = [];
  lines.push('');
  lines.push(`${paint(o.color, 1, term(t.table))}  (${tableFacts(t)}, fingerprint ${t.fingerprint.slice(0, 12)})`);
  if (t.steps.length === 0) lines.push('  no changes');
  for (const [i, s] of t.steps.entries()) {
    const sym = paint(o.color, KIND_COLOR[s.kind], `${KIND_SYMBOL[s.kind]} ${s.kind.padEnd(6)}`);
    lines.push(`  ${String(i + 1).padStart(2)}. ${sym} ${stepHeadline(s, f)}`);
    lines.push(`        ${stepVolume(s)}${s.destructive ? paint(o.color, 31, '  DESTRUCTIVE') : ''}`);
    lines.push(`        ${impactLine(stepImpact(s, t, plan.server.dialect, o.throughput))}`);
    lines.push(`        why:  ${term(s.reason)}`);
    if (o.showCalls !== false) lines.push(`        call: ${abbreviateCall(term(renderCall(s)))}`);
  }
  if (t.deferred) lines.push(`  … ${t.deferred} more step(s) deferred by max_steps_per_table; they will be planned by the next run`);
  for (const w of t.warnings) lines.push(`  ${paint(o.color, 33, 'warning:')} ${term(w)}`);
  const d = layoutDiff(t.layoutBefore, t.layoutAfter, f, { rows: true });
  if (layoutChanged(d)) {
    lines.push(`  ${layoutHeading(d, { rows: true })}`);
    for (const l of layoutDiffLines(d, f, { rows: true })) {
      const text = `${l.op} ${l.text}`;
      lines.push(`  ${l.op === '+' ? paint(o.color, 32, text) : l.op === '-' ? paint(o.color, 31, text) : text}`);
    }
  }
  return lines;
}

/** Long calls (a split of 40 periods) would drown the plan; --format sql and json have them whole. */
export function abbreviateCall(sql: string, max = 200): string {
  return sql.length <= max ? sql : `${sql.slice(0, max - 1)}… (${sql.length} characters; --format sql shows it whole)`;
}

export function renderPlanText(plan: Plan, o: TextOptions, renderCall: (s: Step) => string): string {
  const lines = [...headerLines(plan)];
  for (const t of plan.tables) lines.push(...tableLines(plan, t, o, renderCall));
  lines.push('');
  lines.push(paint(o.color, 1, summaryLine(plan)));
  return lines.join('\n') + '\n';
}
