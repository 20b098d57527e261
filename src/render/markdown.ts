// A plan as a Markdown document to paste into a change ticket, complete on its own: who generated
// it and when, what changed in the policy since the last apply, a summary table, the risks a
// reviewer signs off on, the space each tablespace needs, every step with what it does to rows,
// who waits for it and for roughly how long, what undoing it takes and its exact call (never
// abbreviated), the layout diff per table, and how to close the ticket.
import { createTwoFilesPatch } from 'diff';
import type { Plan, ReviewContext, Step, StepKind, TablePlan } from '../plan/model.js';
import { STEP_KINDS, SUMMARY_KINDS } from '../plan/model.js';
import { boundFormat, createsDefault, stepHeadline, stepVolume, summaryLine, tableFacts } from './text.js';
import { layoutChanged, layoutDiff, layoutDiffLines, layoutHeading } from './layout-diff.js';
import { markdownTimeline } from './mermaid.js';
import { mdBlock as block, mdCell as cell, mdCellCode as cellCode, mdCode as code, mdProse as prose } from './escape.js';
import { stepImpact } from './impact.js';
import { formatBytes, formatCount, formatDuration } from './numbers.js';
import { spaceByTablespace } from './space.js';
import { rowEffect, volumeOf } from './volume.js';

export interface MarkdownOptions {
  planHash: string;
  renderCall: (s: Step) => string;
  /** The policy the plan was made from (its text is diffed against the last apply's). */
  policy: { file: string; text: string };
  /** Who, when and the journal's history; absent for a plan file written before gppart kept it. */
  context?: ReviewContext;
}

function sum(steps: Step[], f: (s: Step) => number): number {
  return steps.reduce((n, s) => n + f(s), 0);
}

function riskNotes(plan: Plan): string[] {
  const notes: string[] = [];
  for (const t of plan.tables) {
    const drops = t.steps.filter((s) => s.kind === 'drop');
    const unloads = t.steps.filter((s) => s.kind === 'unload');
    if (drops.length) {
      notes.push(
        `**DROP** ${code(t.table)}: ${drops.length} partition drop(s) delete ~${formatCount(sum(drops, (s) => s.estimatedRows))} rows (~${formatBytes(sum(drops, (s) => s.estimatedBytes))}) permanently: ${drops
          .flatMap((s) => s.reads.map((r) => code(r.name)))
          .join(', ')}.`,
      );
    }
    if (unloads.length) {
      notes.push(
        `**UNLOAD** ${code(t.table)}: ${unloads.length} partition(s) (~${formatCount(sum(unloads, (s) => s.estimatedRows))} rows, ~${formatBytes(sum(unloads, (s) => s.estimatedBytes))}) are written to ` +
          `${[...new Set(unloads.map((s) => (s.archive ? `s3://${s.archive.bucket}/` : 'S3')))].map(code).join(', ')} and ` +
          `${unloads.every((s) => s.archive?.then === 'external') ? 'replaced by external partitions over the objects (PXF)' : 'removed from the database'}.`,
      );
    }
    if (t.steps.length && t.lock.mode === 'exclusive') {
      notes.push(`**Exclusive lock** ${code(t.table)}: each step takes ACCESS EXCLUSIVE on the table (lock timeout ${t.lock.timeoutMs} ms); readers and writers wait while a step runs.`);
    }
    for (const s of t.steps.filter((x) => x.kind === 'purge' || x.kind === 'detach')) {
      notes.push(`**${s.kind.toUpperCase()}** ${code(t.table)}: ${prose(stepHeadline(s, boundFormat(t)))}.`);
    }
    const moved = t.steps.filter((s) => rowEffect(s.kind) === 'moved' && !createsDefault(s));
    if (moved.length) {
      notes.push(
        `**Volume** ${code(t.table)}: ${moved.length} step(s) rewrite ~${formatCount(sum(moved, (s) => s.estimatedRows))} rows (~${formatBytes(sum(moved, (s) => s.estimatedBytes))}), each in one transaction.`,
      );
    }
    if (t.deferred) notes.push(`**Deferred** ${code(t.table)}: ${t.deferred} more step(s) are left for a later run by max_steps_per_table.`);
    for (const w of t.warnings) notes.push(`**Warning** ${code(t.table)}: ${prose(w)}`);
  }
  return notes;
}

/** What undoing a committed step takes. A step that fails or is interrupted rolls back by itself. */
function rollbackNote(step: Step): string {
  if (createsDefault(step)) return 'drop the new, empty DEFAULT partition by hand if it is not wanted';
  switch (step.kind) {
    case 'split':
    case 'merge':
    case 'move':
      return 'the rows stay in the table: another layout is one policy change and apply away';
    case 'drop':
    case 'purge':
      return '**cannot be undone**: the rows are deleted; only a backup brings them back';
    case 'detach':
      return 'the rows are kept as a table of their own; attaching it back is done by hand';
    case 'unload':
      return 'the rows leave the database for S3; bringing them back is a restore from the archive';
  }
}

function durationOf(plan: Plan, t: TablePlan, steps: Step[], o: MarkdownOptions): string {
  if (!o.context) return 'unknown';
  const secs = steps.map((s) => stepImpact(s, t, plan.server.dialect, o.context!.throughput).seconds);
  const known = secs.filter((x): x is number => x !== null);
  const unknown = steps.filter((s, i) => secs[i] === null && s.estimatedRows > 0).length;
  if (!known.length) return unknown ? 'unknown' : 'moments';
  return `~${formatDuration(known.reduce((a, b) => a + b, 0))}${unknown ? ` + ${unknown} step(s) unknown` : ''}`;
}

function headerTable(plan: Plan, o: MarkdownOptions): string[] {
  const out = ['| | |', '|---|---|'];
  out.push(`| Database | ${cellCode(plan.server.database)} at ${cellCode(plan.server.identity)} |`);
  out.push(`| Server | ${cell(plan.server.version)} (dialect ${cellCode(plan.server.dialect)}) |`);
  out.push(`| Planned for (now) | ${cellCode(plan.now)} |`);
  out.push(
    o.context
      ? `| Generated | ${cell(o.context.generatedAt)} by ${cellCode(o.context.generatedBy)} |`
      : '| Generated | not recorded (a plan file written before gppart kept it) |',
  );
  out.push(`| Policy | ${cellCode(o.policy.file)}, hash ${cellCode(plan.policyHash)} |`);
  out.push(`| Plan hash | ${cellCode(o.planHash)} |`);
  out.push(`| gppart | ${cell(plan.toolVersion)} |`);
  return out;
}

function summaryTable(plan: Plan, o: MarkdownOptions): string[] {
  const out: string[] = [];
  // Kinds every plan has a column for, and the others only when the plan has such steps.
  const kinds = STEP_KINDS.filter((k) => SUMMARY_KINDS.includes(k) || plan.summary[k]);
  const volumes = plan.tables.map((t) => ({
    rows: volumeOf(t.steps.map((s) => ({ kind: s.kind, rows: s.estimatedRows }))),
    bytes: volumeOf(t.steps.map((s) => ({ kind: s.kind, rows: s.estimatedBytes }))),
  }));
  // Rows that leave the table but are not deleted (archived to S3, detached as tables): a column of their own when there are any.
  const kept = volumes.some((v) => v.rows.archived + v.rows.detached > 0);
  out.push(`| table | ${kinds.join(' | ')} | rows moved | rows deleted |${kept ? ' rows archived or detached |' : ''} bytes moved | bytes deleted | estimated time |`);
  out.push(`|---|${kinds.map(() => '---:').join('|')}|---:|---:|${kept ? '---:|' : ''}---:|---:|---:|`);
  for (const [i, t] of plan.tables.entries()) {
    const n = (k: StepKind) => t.steps.filter((s) => s.kind === k).length;
    const { rows, bytes } = volumes[i]!;
    out.push(
      `| ${cellCode(t.table)} | ${kinds.map((k) => n(k)).join(' | ')} | ~${formatCount(rows.moved)} | ~${formatCount(rows.deleted)} |${kept ? ` ~${formatCount(rows.archived + rows.detached)} |` : ''} ~${formatBytes(bytes.moved)} | ~${formatBytes(bytes.deleted)} | ${durationOf(plan, t, t.steps, o)} |`,
    );
  }
  return out;
}

function policyChanges(plan: Plan, o: MarkdownOptions): string[] {
  const last = o.context?.lastApply;
  if (!o.context) return ['Not known: this plan file was written without the journal context (gppart plan --out of an older gppart).'];
  if (!last) return ['No apply that changed these tables is recorded in this database: the whole policy is new to them.'];
  const was = `apply ${last.id} (${last.startedAt}, ${last.status})`;
  if (last.policyHash === plan.policyHash) return [`Unchanged since ${prose(was)}: same policy hash.`];
  if (last.policyText === null) return [`Changed since ${prose(was)} (policy hash ${code(last.policyHash ?? '-')}), which did not record its policy text (it ran before gppart kept it).`];
  const patch = createTwoFilesPatch(`apply ${last.id}`, o.policy.file, last.policyText, o.policy.text, undefined, undefined, { context: 3 });
  const lines = patch.split('\n').filter((l) => !l.startsWith('====')).filter((l, i, a) => l !== '' || i < a.length - 1);
  return [`Changed since ${prose(was)}, policy hash ${code(last.policyHash ?? '-')}:`, '', ...block('diff', lines)];
}

function spaceSection(plan: Plan): string[] {
  const rows = spaceByTablespace(plan).filter((s) => s.written > 0 || s.freed > 0);
  if (!rows.length) return ['No step writes or frees space.'];
  const out = [
    'A step writes its new partitions while its sources still exist and frees them at its commit: before each step, its tablespace needs free space for what that step writes. ' +
      'Rows a split takes out of a DEFAULT are deleted there and stay as dead space until VACUUM.',
    '',
    '| tablespace | free space needed (largest step) | written in total | freed at commits | net change |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const s of rows) {
    const ub = s.upperBound ? '≤ ' : '~';
    const net = s.written - s.freed;
    out.push(`| ${cellCode(s.tablespace)} | ${ub}${formatBytes(s.largestStep)} | ${ub}${formatBytes(s.written)} | ~${formatBytes(s.freed)} | ${net < 0 ? '−' : '+'}${formatBytes(Math.abs(net))} |`);
  }
  if (rows.some((s) => s.upperBound)) out.push('', '≤: rows split out of a DEFAULT without key statistics: nobody can tell which new partitions they land in, so every tablespace counts them all.');
  return out;
}

/** One table's section, as blocks in order; each block is a list of lines (empty: nothing to say). */
type TableBlock = (plan: Plan, t: TablePlan, o: MarkdownOptions) => string[];

const factsBlock: TableBlock = (_plan, t) => ['', `${tableFacts(t)}, fingerprint ${code(t.fingerprint)}.`];

const stepsBlock: TableBlock = (plan, t, o) => {
  if (!t.steps.length) return ['', 'No changes.'];
  const out: string[] = [];
  for (const [i, s] of t.steps.entries()) {
    const impact = stepImpact(s, t, plan.server.dialect, o.context?.throughput);
    out.push('', `${i + 1}. **${s.kind}**${s.destructive ? ' (destructive)' : ''}: ${prose(stepHeadline(s, boundFormat(t)))}`);
    out.push(`   - ${prose(stepVolume(s))}`);
    out.push(`   - who waits: ${prose(impact.waits)}`);
    out.push(`   - how long: ${impact.estimate ? prose(impact.estimate) : s.estimatedRows > 0 ? 'no estimate: no past step of this kind in the journal of this database' : 'a moment'}`);
    out.push(`   - why: ${prose(s.reason)}`);
    out.push(`   - undo: ${rollbackNote(s)}`);
    out.push('', ...block('sql', [o.renderCall(s) + ';']).map((l) => `   ${l}`));
  }
  return out;
};

const layoutBlock: TableBlock = (_plan, t) => {
  const f = boundFormat(t);
  const d = layoutDiff(t.layoutBefore, t.layoutAfter, f, { rows: true });
  if (!layoutChanged(d)) return [];
  return ['', layoutHeading(d, { rows: true }, 'Partition layout, before → after'), '', ...block('diff', layoutDiffLines(d, f, { rows: true }).map((l) => `${l.op} ${l.text}`))];
};

/** The blocks of every table's section, in order. A new per-table block (a timeline picture) goes in this list. */
const TABLE_BLOCKS: TableBlock[] = [factsBlock, stepsBlock, layoutBlock];

function tableSection(plan: Plan, t: TablePlan, o: MarkdownOptions): string[] {
  return ['', `### ${code(t.table)}`, ...TABLE_BLOCKS.flatMap((b) => b(plan, t, o))];
}

export function renderPlanMarkdown(plan: Plan, o: MarkdownOptions): string {
  const out: string[] = [`# gppart plan: ${prose(plan.server.database)}`, ''];
  out.push(...headerTable(plan, o));
  out.push('', '## Summary', '', `**${summaryLine(plan)}**`, '');
  out.push(...summaryTable(plan, o));
  out.push('', '## Policy changes since the last apply of these tables', '', ...policyChanges(plan, o));
  const notes = riskNotes(plan);
  out.push('', '## Risks', '');
  if (notes.length) out.push(...notes.map((n) => `- ${n}`));
  else out.push('None: the plan has no steps.');
  out.push('', '## Space per tablespace', '', ...spaceSection(plan));
  out.push('', '## Steps');
  for (const t of plan.tables) out.push(...tableSection(plan, t, o), ...markdownTimeline(plan, t));
  out.push(
    '',
    '## Rollback',
    '',
    '- Each step is one transaction: a step that fails, times out on its lock or is interrupted (Ctrl-C) changes nothing, and the next plan proposes it again.',
    '- After a step has committed, splits, merges and moves keep every row in the table: a different layout is a policy change and another apply.',
    '- **Drops and purges cannot be undone**: their rows are deleted. Take or check a backup of the partitions listed under Risks before approving. A detached partition stays as a table of its own.',
    '',
    '---',
    '',
    `Apply exactly this plan with ${code('gppart apply PLANFILE')}; it is refused if a table changed since it was made (plan hash ${code(o.planHash.slice(0, 12))}). ` +
      `To close the ticket: ${code('gppart history')} for the apply's id, then ${code('gppart show --apply ID --format markdown')}.`,
  );
  return out.join('\n') + '\n';
}
