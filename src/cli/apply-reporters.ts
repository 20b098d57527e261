// How apply tells what happens, one reporter per audience: the live Ink view for a person at a
// terminal, plain lines for a pipe or a log, JSON events for CI (--format json). Each gets the
// executor's events, lock waits seen from the monitor connection, the interrupt, and the end.
import type { ApplyListener, ApplyResult, StepEvent } from '../apply/executor.js';
import { holdersText, type LockWait } from '../apply/lock-watch.js';
import type { Plan } from '../plan/model.js';
import { countSteps, finalLine, interruptLines, rowsOf, type FinishedStep } from '../render/apply-summary.js';
import { eventLine } from '../render/events.js';
import type { LiveApplyView } from '../render/ink/live.js';
import type { ApplyStepState, ApplyViewState } from '../render/ink/ApplyView.js';
import { boundFormat, formatCount, KIND_SYMBOL, stepHeadline } from '../render/text.js';
import { formatDuration } from '../render/numbers.js';
import { rowEffect } from '../render/volume.js';
import { term } from '../render/escape.js';

export interface ApplyEnd {
  result: ApplyResult;
  /** What happened to every step, in the order they ran. */
  steps: FinishedStep[];
  /** The signal that interrupted the apply, if one did. */
  signal: string | null;
  /** Lines that follow the summary (budget, snapshots, the re-plan). */
  notes: string[];
  converged: boolean;
  remaining: string;
  ms: number;
}

export interface ApplyReporter {
  listener: ApplyListener;
  lockWait(e: StepEvent, wait: LockWait | null, previous: LockWait | null): void;
  interrupting(signal: string, applyId: number | null, running: StepEvent | null): void;
  finished(end: ApplyEnd): Promise<void>;
  /** Releases the terminal after an error, below the last frame. */
  abandon(): Promise<void>;
}

type Say = (text: string) => void;

/** Every step's words, in the order the executor runs them. */
export function stepWords(plan: Plan): Array<{ table: string; headline: string }> {
  return plan.tables.flatMap((t) => t.steps.map((s) => ({ table: t.table, headline: stepHeadline(s, boundFormat(t)) })));
}

function endLines(end: ApplyEnd): string[] {
  const { result } = end;
  const lines = [finalLine(result.applyId, result.status, end.steps)];
  if (end.signal) lines.push(...interruptLines(result.applyId, end.signal, end.steps));
  return lines;
}

export function textReporter(plan: Plan, say: Say, warn: Say): ApplyReporter {
  const words = stepWords(plan);
  const at = (e: StepEvent) => `  [${e.index}/${e.total}] ${KIND_SYMBOL[e.step.kind]} ${e.step.kind} ${term(e.table)}`;
  return {
    listener: {
      onStart: (id, total) => say(`\napply ${id}: ${total} step(s)`),
      onStepStart: (e) => say(`${at(e)}: ${words[e.index - 1]?.headline ?? stepHeadline(e.step)} …`),
      onStepDone: (e) => say(`${at(e)}: done in ${formatDuration(e.ms / 1000)}, ${formatCount(e.rows)} rows ${rowEffect(e.step.kind)}`),
      onStepFailed: (e) => warn(`${at(e)}: FAILED after ${formatDuration(e.ms / 1000)} and rolled back: ${term(e.error)}`),
      onStepInterrupted: (e) => warn(`${at(e)}: INTERRUPTED after ${formatDuration(e.ms / 1000)}: ${term(e.error)}`),
      onStepSkipped: (e) => say(`${at(e)}: ${e.deferred ? 'deferred' : 'skipped'}: ${term(e.reason)}`),
    },
    lockWait(e, wait, previous) {
      if (wait) say(`${at(e)}: waiting for a lock held by ${holdersText(wait.holders)}`);
      else if (previous) say(`${at(e)}: got its lock after ${formatDuration((Date.now() - previous.since) / 1000)}`);
    },
    interrupting(signal, _id, running) {
      warn(
        running
          ? `\n${signal} received: cancelling ${term(running.table)} step ${running.index}/${running.total} (${running.step.kind}); it rolls back and no further step starts. ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again exits at once (the server rolls the step back all the same).`
          : `\n${signal} received: no further step starts.`,
      );
    },
    async finished(end) {
      const [first, ...rest] = endLines(end);
      say(`\n${first}`);
      for (const l of [...rest, ...end.notes]) say(l);
    },
    async abandon() {},
  };
}

export function inkReporter(live: LiveApplyView, say: Say): ApplyReporter {
  const set = (i: number, change: Partial<ApplyStepState>) =>
    live.update((st: ApplyViewState) => ({ ...st, steps: st.steps.map((s, j) => (j === i ? { ...s, ...change } : s)) }));
  return {
    listener: {
      onStart: (id) => live.update((st) => ({ ...st, applyId: id })),
      onStepStart: (e) => set(e.index - 1, { status: 'running', startedAt: Date.now() }),
      onStepDone: (e) => set(e.index - 1, { status: 'done', ms: e.ms, rows: e.rows, lockWait: undefined }),
      onStepFailed: (e) => set(e.index - 1, { status: 'failed', ms: e.ms, error: e.error, lockWait: undefined }),
      onStepInterrupted: (e) => set(e.index - 1, { status: 'interrupted', ms: e.ms, error: e.error, lockWait: undefined }),
      onStepSkipped: (e) => set(e.index - 1, { status: e.deferred ? 'deferred' : 'skipped', error: e.reason }),
    },
    lockWait(e, wait) {
      set(e.index - 1, { lockWait: wait ? { since: wait.since, holders: holdersText(wait.holders) } : undefined });
    },
    interrupting(signal, _id, running) {
      live.update((st) => ({
        ...st,
        interrupting: running
          ? `${signal} received: cancelling step ${running.index}/${running.total}; it rolls back and no further step starts. ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again exits at once (the server rolls it back all the same).`
          : `${signal} received: no further step starts.`,
      }));
    },
    async finished(end) {
      live.update((st) => ({ ...st, final: { status: end.result.status, lines: endLines(end) } }));
      await live.close();
      for (const l of end.notes) say(l);
    },
    async abandon() {
      await live.close();
    },
  };
}

export function jsonReporter(plan: Plan, say: Say): ApplyReporter {
  const words = stepWords(plan);
  let applyId = 0;
  const emit = (e: Parameters<typeof eventLine>[0]) => say(eventLine(e));
  const ref = (e: StepEvent) => ({ applyId, index: e.index, total: e.total, table: e.table, kind: e.step.kind });
  return {
    listener: {
      onStart: (id, total) => {
        applyId = id;
        emit({ event: 'apply_started', applyId: id, total });
      },
      onStepStart: (e) => emit({ event: 'step_started', ...ref(e), headline: words[e.index - 1]?.headline ?? stepHeadline(e.step), estimatedRows: e.step.estimatedRows, call: e.call }),
      onStepDone: (e) => emit({ event: 'step_done', ...ref(e), rows: e.rows, effect: rowEffect(e.step.kind), ms: e.ms }),
      onStepFailed: (e) => emit({ event: 'step_failed', ...ref(e), ms: e.ms, error: e.error, ...(e.sqlstate ? { sqlstate: e.sqlstate } : {}) }),
      onStepInterrupted: (e) => emit({ event: 'step_interrupted', ...ref(e), ms: e.ms, error: e.error }),
      onStepSkipped: (e) => emit({ event: e.deferred ? 'step_deferred' : 'step_skipped', ...ref(e), reason: e.reason }),
    },
    lockWait(e, wait, previous) {
      if (wait) emit({ event: 'lock_wait', ...ref(e), since: new Date(wait.since).toISOString(), holders: wait.holders });
      else if (previous) emit({ event: 'lock_wait_over', ...ref(e), waitedMs: Date.now() - previous.since });
    },
    interrupting(signal, id) {
      emit({ event: 'interrupt', signal, applyId: id });
    },
    async finished(end) {
      emit({
        event: 'apply_finished',
        applyId: end.result.applyId,
        status: end.result.status,
        steps: countSteps(end.steps),
        rows: rowsOf(end.steps),
        ms: end.ms,
        snapshotFiles: end.result.snapshotFiles,
        converged: end.converged,
        remaining: end.remaining,
      });
    },
    async abandon() {},
  };
}
