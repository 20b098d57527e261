// Live progress of an apply for a person at a terminal: finished steps scroll up as permanent
// lines (<Static>, so a long apply is never redrawn), the running step has a spinner and its
// elapsed time, an overall progress bar follows, and the final summary names the apply's id.
import { useEffect, useState } from 'react';
import { Box, Static, Text } from 'ink';
import type { Plan, StepKind } from '../../plan/model.js';
import { formatCount, stepHeadline } from '../text.js';
import { StepSymbol } from './PlanView.js';
import { term } from '../escape.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed';

export interface ApplyStepState {
  table: string;
  kind: StepKind;
  headline: string;
  status: StepStatus;
  /** Epoch ms when the step started (for the running clock). */
  startedAt?: number;
  ms?: number;
  rows?: number;
  error?: string;
}

export interface ApplyViewState {
  applyId: number | null;
  steps: ApplyStepState[];
  final?: { status: 'done' | 'failed' | 'partial'; done: number; failed: number; skipped: number; rows: number };
}

/** The steps in the order the executor runs them (tables with steps, in plan order). */
export function initialApplyState(plan: Plan): ApplyViewState {
  return {
    applyId: null,
    steps: plan.tables.flatMap((t) => t.steps.map((s) => ({ table: t.table, kind: s.kind, headline: stepHeadline(s), status: 'pending' as const }))),
  };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

export function ProgressBar({ done, total, width = 30 }: { done: number; total: number; width?: number }) {
  const filled = total ? Math.round((done / total) * width) : width;
  return (
    <Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text> {done}/{total} step(s)
    </Text>
  );
}

function FinishedLine({ s, n, total }: { s: ApplyStepState; n: number; total: number }) {
  const mark = s.status === 'done' ? <Text color="green">✔</Text> : <Text color="red">✘</Text>;
  return (
    <Box flexDirection="column">
      <Text>
        {mark} [{n}/{total}] <StepSymbol kind={s.kind} /> {term(s.table)}: {shorten(s.headline, 48)}{' '}
        <Text dimColor>
          {seconds(s.ms ?? 0)}
          {s.status === 'done' ? `, ${formatCount(s.rows ?? 0)} rows` : ''}
        </Text>
      </Text>
      {s.error ? <Text color="red">{'    '}FAILED: {term(s.error)}</Text> : null}
    </Box>
  );
}

export interface ApplyViewProps {
  state: ApplyViewState;
  /** For tests: a fixed clock and no ticking. */
  clock?: () => number;
}

export function ApplyView({ state, clock }: ApplyViewProps) {
  const [tick, setTick] = useState(0);
  const running = state.steps.findIndex((s) => s.status === 'running');
  useEffect(() => {
    if (clock || running < 0) return;
    const timer = setInterval(() => setTick((t) => t + 1), 100);
    return () => clearInterval(timer);
  }, [clock, running]);
  const now = (clock ?? Date.now)();
  const total = state.steps.length;
  const finished = state.steps.map((s, i) => ({ s, n: i + 1 })).filter((x) => x.s.status === 'done' || x.s.status === 'failed');
  // The header is the first permanent line, so finished steps (also permanent) print below it.
  const permanent: Array<{ key: string; s?: ApplyStepState; n?: number }> =
    state.applyId === null ? [] : [{ key: 'header' }, ...finished.map((x) => ({ key: `step${x.n}`, ...x }))];
  const current = running >= 0 ? state.steps[running]! : null;
  return (
    <Box flexDirection="column">
      <Static items={permanent}>
        {(x) =>
          x.s ? (
            <FinishedLine key={x.key} s={x.s} n={x.n!} total={total} />
          ) : (
            <Text key={x.key} bold>
              apply {state.applyId}: {total} step(s)
            </Text>
          )
        }
      </Static>
      {current ? (
        <Text>
          <Text color="cyan">{SPINNER[tick % SPINNER.length]}</Text> [{running + 1}/{total}] <StepSymbol kind={current.kind} /> {term(current.table)}:{' '}
          {shorten(current.headline, 48)} <Text dimColor>{seconds(now - (current.startedAt ?? now))}</Text>
        </Text>
      ) : null}
      <ProgressBar done={finished.length} total={total} />
      {state.final ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold color={state.final.status === 'done' ? 'green' : 'red'}>
            Apply {state.applyId} {state.final.status}: {state.final.done} step(s) done, {state.final.failed} failed, {state.final.skipped} skipped;{' '}
            {formatCount(state.final.rows)} rows moved or removed.
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}
