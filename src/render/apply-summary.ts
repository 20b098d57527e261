// What an apply says when it ends, in words shared by the Ink view and the text output: counts
// (only what happened), rows moved apart from rows deleted, and after an interrupt what finished,
// what was rolled back, what was not run, and what to run next (as Terraform does on Ctrl-C).
import type { Plan, StepKind } from '../plan/model.js';
import { printable } from '../util/printable.js';
import { term } from './escape.js';
import { summaryLine } from './text.js';
import { volumeOf, volumeText, type RowVolume } from './volume.js';

/** One step's outcome as the executor reports it, with the words the plan gave the step. */
export interface FinishedStep {
  table: string;
  kind: StepKind;
  headline: string;
  status: 'done' | 'failed' | 'interrupted' | 'skipped' | 'deferred';
  rows: number;
  error?: string;
}

export interface StepCounts {
  done: number;
  failed: number;
  interrupted: number;
  skipped: number;
  deferred: number;
}

export function countSteps(steps: readonly FinishedStep[]): StepCounts {
  const n = (s: FinishedStep['status']) => steps.filter((x) => x.status === s).length;
  return { done: n('done'), failed: n('failed'), interrupted: n('interrupted'), skipped: n('skipped'), deferred: n('deferred') };
}

export function rowsOf(steps: readonly FinishedStep[]): RowVolume {
  return volumeOf(steps.filter((s) => s.status === 'done'));
}

/** "Apply 7 partial: 3 step(s) done, 1 failed, 2 skipped; 9,270 rows moved, 37,959 deleted." */
export function finalLine(applyId: number, status: string, steps: readonly FinishedStep[]): string {
  const c = countSteps(steps);
  const more = [c.failed && `${c.failed} failed`, c.interrupted && `${c.interrupted} interrupted`, c.skipped && `${c.skipped} skipped`, c.deferred && `${c.deferred} deferred`]
    .filter(Boolean)
    .map((x) => `, ${x}`)
    .join('');
  return `Apply ${applyId} ${status}: ${c.done} step(s) done${more}; ${volumeText(rowsOf(steps))}.`;
}

/** The numbers of the steps, "sales.orders #1-3, #5": a compact list for a sentence. */
function stepList(steps: Array<{ table: string; n: number }>): string {
  const byTable = new Map<string, number[]>();
  for (const s of steps) byTable.set(s.table, [...(byTable.get(s.table) ?? []), s.n]);
  return [...byTable]
    .map(([table, ns]) => {
      const runs: string[] = [];
      for (let i = 0; i < ns.length; ) {
        let j = i;
        while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
        runs.push(j > i ? `#${ns[i]}-${ns[j]}` : `#${ns[i]}`);
        i = j + 1;
      }
      return `${term(table)} ${runs.join(', ')}`;
    })
    .join('; ');
}

/** After SIGINT/SIGTERM: what finished, what was rolled back, what was not run, what next. */
export function interruptLines(applyId: number, signal: string, steps: readonly FinishedStep[]): string[] {
  // Steps are numbered within their table, as plans and the journal number them.
  const numbered = steps.map((s, i) => ({ ...s, n: steps.slice(0, i + 1).filter((x) => x.table === s.table).length }));
  const done = numbered.filter((s) => s.status === 'done');
  const rolledBack = numbered.filter((s) => s.status === 'interrupted' || s.status === 'failed');
  const notRun = numbered.filter((s) => s.status === 'skipped' || s.status === 'deferred');
  const out = [`Interrupted by ${signal}.`];
  out.push(
    done.length
      ? `  Finished and committed before it: ${done.length} step(s), ${stepList(done)} (${volumeText(rowsOf(done))}); they stay done.`
      : '  No step had finished: nothing was changed.',
  );
  for (const s of rolledBack) {
    out.push(`  Rolled back: ${term(s.table)} #${s.n} (${s.kind}: ${s.headline}): ${s.status === 'interrupted' ? 'cancelled' : 'failed'}; the table is as it was before this step.`);
  }
  if (notRun.length) out.push(`  Not run: ${notRun.length} step(s), ${stepList(notRun)}.`);
  out.push(`  Apply ${applyId} is recorded as interrupted (gppart show --apply ${applyId}). Run gppart plan to see what is left, then gppart apply again.`);
  return out;
}

/** What follows the steps: the limit that stopped the run (as typed: "--max-steps 3"), the snapshots, and whether a new plan is empty. */
export function applyNotes(
  result: { applyId: number; outcomes: ReadonlyArray<{ status: string }>; stoppedBy?: string; replan: Plan; snapshotFiles: string[] },
  limit: string | null,
  converged: boolean,
): string[] {
  const notes: string[] = [];
  if (result.stoppedBy) {
    const deferred = result.outcomes.filter((o) => o.status === 'deferred').length;
    notes.push(`Stopped by ${limit ?? result.stoppedBy}: ${deferred} step(s) left for the next run.`);
  }
  notes.push(`Snapshots: ${result.snapshotFiles.map(printable).join(', ')} (and gppart.snapshots, apply ${result.applyId})`);
  if (converged) {
    notes.push('A new plan is empty: the partitions match the policy.');
    return notes;
  }
  notes.push(`\nThe database does not yet match the policy; a new plan has:\n${summaryLine(result.replan)}`);
  for (const t of result.replan.tables) {
    if (t.deferred) notes.push(`  ${printable(t.table)}: ${t.deferred} step(s) deferred by max_steps_per_table`);
  }
  return notes;
}

/** Before the question: what is destructive, and a now that is not today. */
export function confirmationWarnings(destructive: number, otherDay: string | null): string[] {
  const out: string[] = [];
  if (destructive) out.push(`This plan has ${destructive} destructive step(s): data will be removed from the database.`);
  if (otherDay) out.push(`\nWARNING: ${otherDay}.`);
  return out;
}

/** Terraform's question; only "yes" is accepted. */
export function confirmationQuestion(now: string, otherDay: boolean): string {
  return otherDay
    ? `\nDo you want to perform these steps, planned for ${printable(now)} rather than today? Only 'yes' will be accepted.\nEnter 'yes' to apply: `
    : `\nDo you want to perform these steps? Only 'yes' will be accepted.\nEnter 'yes' to apply: `;
}

/** Why an apply for another day goes on, or null when its now is today. */
export function otherDayNote(now: string, today: string, isToday: boolean): string | null {
  return isToday ? null : `now ${printable(now)} is not today (${today}): the steps are what the policy asks of that date, not of today`;
}
