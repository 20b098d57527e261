// A plan as a Markdown document to paste into a change ticket: who/what/when in a header, a summary
// table, every step with its exact procedure call (never abbreviated), the layout diff, and the
// risks a reviewer must sign off on (drops, unloads, exclusive locks, volume moved).
import type { Plan, Step, StepKind, TablePlan } from '../plan/model.js';
import { STEP_KINDS, SUMMARY_KINDS, isDestructiveKind } from '../plan/model.js';
import { boundFormat, formatBytes, formatCount, stepHeadline, summaryLine } from './text.js';
import { layoutChanged, layoutDiff, layoutDiffLines, layoutHeading } from './layout-diff.js';
import { mdBlock as block, mdCell as cell, mdCellCode as cellCode, mdCode as code, mdProse as prose } from './escape.js';

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
        `**UNLOAD** ${code(t.table)}: ${unloads.length} partition(s) (~${formatCount(sum(unloads, (s) => s.estimatedRows))} rows, ~${formatBytes(sum(unloads, (s) => s.estimatedBytes))}) are written to S3 and removed from the database.`,
      );
    }
    if (t.steps.length && t.lock.mode === 'exclusive') {
      notes.push(`**Exclusive lock** ${code(t.table)}: each step takes ACCESS EXCLUSIVE on the table (lock timeout ${t.lock.timeoutMs} ms); readers and writers wait while a step runs.`);
    }
    for (const s of t.steps.filter((x) => x.kind === 'purge' || x.kind === 'detach')) {
      notes.push(`**${s.kind.toUpperCase()}** ${code(t.table)}: ${prose(stepHeadline(s))}.`);
    }
    const moved = t.steps.filter((s) => !isDestructiveKind(s.kind));
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

function tableSection(t: TablePlan, renderCall: (s: Step) => string): string[] {
  const out: string[] = ['', `### ${code(t.table)}`, ''];
  out.push(`Key ${code(t.keyColumn)} (${t.keyType}), lock ${t.lock.mode} (timeout ${t.lock.timeoutMs} ms), fingerprint ${code(t.fingerprint)}.`);
  if (!t.steps.length) {
    out.push('', 'No changes.');
    return out;
  }
  for (const [i, s] of t.steps.entries()) {
    out.push('', `${i + 1}. **${s.kind}**${s.destructive ? ' (destructive)' : ''}: ${prose(stepHeadline(s, boundFormat(t)))}`);
    out.push(`   - moves ~${formatCount(s.estimatedRows)} rows, ~${formatBytes(s.estimatedBytes)}`);
    out.push(`   - why: ${prose(s.reason)}`);
    out.push('', ...block('sql', [renderCall(s) + ';']).map((l) => `   ${l}`));
  }
  const f = boundFormat(t);
  const d = layoutDiff(t.layoutBefore, t.layoutAfter, f, { rows: true });
  if (layoutChanged(d)) {
    out.push('', layoutHeading(d, { rows: true }, 'Partition layout, before → after'), '');
    out.push(...block('diff', layoutDiffLines(d, f, { rows: true }).map((l) => `${l.op} ${l.text}`)));
  }
  return out;
}

export function renderPlanMarkdown(plan: Plan, planHash: string, renderCall: (s: Step) => string): string {
  const out: string[] = [`# gppart plan: ${prose(plan.server.database)}`, ''];
  out.push('| | |', '|---|---|');
  out.push(`| Database | ${cellCode(plan.server.database)} at ${cellCode(plan.server.identity)} |`);
  out.push(`| Server | ${cell(plan.server.version)} (dialect ${cellCode(plan.server.dialect)}) |`);
  out.push(`| Planned for (now) | ${cellCode(plan.now)} |`);
  out.push(`| Policy hash | ${cellCode(plan.policyHash)} |`);
  out.push(`| Plan hash | ${cellCode(planHash)} |`);
  out.push(`| gppart | ${cell(plan.toolVersion)} |`);
  out.push('', '## Summary', '', `**${summaryLine(plan)}**`, '');
  const kinds = STEP_KINDS.filter((k) => SUMMARY_KINDS.includes(k) || plan.summary[k]);
  out.push(`| table | ${kinds.join(' | ')} | rows moved | bytes moved |`);
  out.push(`|---|${kinds.map(() => '---:').join('|')}|---:|---:|`);
  for (const t of plan.tables) {
    const n = (k: StepKind) => t.steps.filter((s) => s.kind === k).length;
    out.push(
      `| ${cellCode(t.table)} | ${kinds.map((k) => n(k)).join(' | ')} | ~${formatCount(sum(t.steps, (s) => s.estimatedRows))} | ~${formatBytes(sum(t.steps, (s) => s.estimatedBytes))} |`,
    );
  }
  const notes = riskNotes(plan);
  out.push('', '## Risks', '');
  if (notes.length) out.push(...notes.map((n) => `- ${n}`));
  else out.push('None: the plan has no steps.');
  out.push('', '## Steps');
  for (const t of plan.tables) out.push(...tableSection(t, renderCall));
  out.push(
    '',
    '---',
    '',
    `Each step runs as one transaction. Apply exactly this plan with ${code('gppart apply PLANFILE')}; it is refused if a table changed since it was made (plan hash ${code(planHash.slice(0, 12))}).`,
  );
  return out.join('\n') + '\n';
}
