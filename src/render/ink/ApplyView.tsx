// Live progress of an apply for a person at a terminal: finished steps scroll up as permanent
// lines (<Static>, so a long apply is never redrawn), each with its outcome, and for a step not
// done the reason (failed, interrupted and rolled back, skipped, deferred); the running step has a
// spinner, its elapsed time and, while it waits for a lock, who holds it; the progress bar counts
// done steps apart from failed and skipped ones; the final summary names the apply's id. Lines use
// the terminal's whole width and wrap under themselves.
import { useEffect, useState } from 'react';
import { Box, Static, Text } from 'ink';
import type { Plan, StepKind } from '../../plan/model.js';
import { boundFormat, stepHeadline } from '../text.js';
import { Columns, Hanging, StepSymbol, Wrapped } from './PlanView.js';
import { term } from '../escape.js';
import { formatCount, formatDuration } from '../numbers.js';
import { rowEffect } from '../volume.js';

export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'interrupted' | 'skipped' | 'deferred';

export interface ApplyStepState {
  table: string;
  kind: StepKind;
  headline: string;
  status: StepStatus;
  /** Epoch ms when the step started (for the running clock). */
  startedAt?: number;
  ms?: number;
  rows?: number;
  /** Why it failed, was interrupted, skipped or deferred. */
  error?: string;
  /** While the running step waits for a lock: since when (epoch ms) and who holds it. */
  lockWait?: { since: number; holders: string };
}

export interface ApplyViewState {
  applyId: number | null;
  steps: ApplyStepState[];
  /** Set once SIGINT/SIGTERM arrived: the running step is being cancelled. */
  interrupting?: string;
  /** The apply's status and the words it ends with (src/render/apply-summary.ts). */
  final?: { status: string; lines: string[] };
}

/** The steps in the order the executor runs them (tables with steps, in plan order). */
export function initialApplyState(plan: Plan): ApplyViewState {
  return {
    applyId: null,
    steps: plan.tables.flatMap((t) => t.steps.map((s) => ({ table: t.table, kind: s.kind, headline: stepHeadline(s, boundFormat(t)), status: 'pending' as const }))),
  };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function seconds(ms: number): string {
  return formatDuration(ms / 1000);
}

/** Done steps green, failed and interrupted red, skipped and deferred yellow, the rest grey. */
export function ProgressBar({ steps, width = 30 }: { steps: ApplyStepState[]; width?: number }) {
  const total = steps.length;
  const n = (...s: StepStatus[]) => steps.filter((x) => s.includes(x.status)).length;
  const done = n('done');
  const bad = n('failed', 'interrupted');
  const skipped = n('skipped', 'deferred');
  const cells = (k: number) => (total ? Math.round((k / total) * width) : 0);
  const [g, r, y] = [cells(done), cells(bad), cells(skipped)];
  const rest = Math.max(0, width - g - r - y);
  const parts = [`${done}/${total} step(s) done`];
  if (n('failed')) parts.push(`${n('failed')} failed`);
  if (n('interrupted')) parts.push(`${n('interrupted')} interrupted`);
  if (n('skipped')) parts.push(`${n('skipped')} skipped`);
  if (n('deferred')) parts.push(`${n('deferred')} deferred`);
  return (
    <Text>
      <Text color="green">{'█'.repeat(g)}</Text>
      <Text color="red">{'█'.repeat(r)}</Text>
      <Text color="yellow">{'█'.repeat(y)}</Text>
      <Text dimColor>{'░'.repeat(rest)}</Text> {parts.join(', ')}
    </Text>
  );
}

const MARK: Record<Exclude<StepStatus, 'pending' | 'running'>, { mark: string; color: string; label: string }> = {
  done: { mark: '✔', color: 'green', label: '' },
  failed: { mark: '✘', color: 'red', label: 'FAILED (rolled back)' },
  interrupted: { mark: '✘', color: 'red', label: 'INTERRUPTED' },
  skipped: { mark: '-', color: 'yellow', label: 'skipped' },
  deferred: { mark: '…', color: 'yellow', label: 'deferred' },
};

function label(n: number, total: number, kind: StepKind) {
  return (
    <Text>
      [{String(n).padStart(String(total).length)}/{total}] <StepSymbol kind={kind} />
    </Text>
  );
}

function FinishedLine({ s, n, total }: { s: ApplyStepState; n: number; total: number }) {
  const m = MARK[s.status as keyof typeof MARK];
  const width = 2 * String(total).length + 4 + 9;
  const outcome =
    s.status === 'done'
      ? `${seconds(s.ms ?? 0)}, ${formatCount(s.rows ?? 0)} rows ${rowEffect(s.kind)}`
      : s.ms !== undefined && (s.status === 'failed' || s.status === 'interrupted')
        ? `after ${seconds(s.ms)}`
        : '';
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        <Text color={m.color}>{m.mark}</Text>
      </Box>
      <Hanging width={width} label={label(n, total, s.kind)}>
        <Wrapped text={`${term(s.table)}: ${s.headline}`} indent={2 + width} />
        {outcome ? <Text dimColor>{outcome}</Text> : null}
        {s.status !== 'done' ? <Wrapped text={`${m.label}${s.error ? `: ${term(s.error)}` : ''}`} indent={2 + width} color={m.color} /> : null}
      </Hanging>
    </Box>
  );
}

function RunningLine({ s, n, total, now, tick }: { s: ApplyStepState; n: number; total: number; now: number; tick: number }) {
  const width = 2 * String(total).length + 4 + 9;
  const wait = s.lockWait ? `; waiting ${seconds(now - s.lockWait.since)} for a lock held by ${s.lockWait.holders}` : '';
  return (
    <Box>
      <Box width={2} flexShrink={0}>
        <Text color="cyan">{SPINNER[tick % SPINNER.length]}</Text>
      </Box>
      <Hanging width={width} label={label(n, total, s.kind)}>
        <Wrapped text={`${term(s.table)}: ${s.headline}`} indent={2 + width} />
        <Wrapped text={`running ${seconds(now - (s.startedAt ?? now))}${wait}`} indent={2 + width} dim={!s.lockWait} color={s.lockWait ? 'yellow' : undefined} />
      </Hanging>
    </Box>
  );
}

export interface ApplyViewProps {
  state: ApplyViewState;
  /** For tests: a fixed clock and no ticking. */
  clock?: () => number;
  /** The terminal's width. */
  columns?: number;
}

const FINISHED: StepStatus[] = ['done', 'failed', 'interrupted', 'skipped', 'deferred'];

export function ApplyView({ state, clock, columns = 100 }: ApplyViewProps) {
  const [tick, setTick] = useState(0);
  const running = state.steps.findIndex((s) => s.status === 'running');
  useEffect(() => {
    if (clock || running < 0) return;
    const timer = setInterval(() => setTick((t) => t + 1), 100);
    return () => clearInterval(timer);
  }, [clock, running]);
  const now = (clock ?? Date.now)();
  const total = state.steps.length;
  const finished = state.steps.map((s, i) => ({ s, n: i + 1 })).filter((x) => FINISHED.includes(x.s.status));
  // The header is the first permanent line, so finished steps (also permanent) print below it.
  const permanent: Array<{ key: string; s?: ApplyStepState; n?: number }> =
    state.applyId === null ? [] : [{ key: 'header' }, ...finished.map((x) => ({ key: `step${x.n}`, ...x }))];
  const current = running >= 0 ? state.steps[running]! : null;
  const f = state.final;
  return (
    <Columns.Provider value={columns}>
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
        {current ? <RunningLine s={current} n={running + 1} total={total} now={now} tick={tick} /> : null}
        {state.interrupting && !f ? <Wrapped text={state.interrupting} indent={0} color="yellow" /> : null}
        <ProgressBar steps={state.steps} />
        {f ? (
          <Box flexDirection="column" marginTop={1}>
            {f.lines.map((l, i) => (
              <Wrapped key={i} bold={i === 0} indent={0} color={i > 0 ? undefined : f.status === 'done' ? 'green' : f.status === 'partial' ? 'yellow' : 'red'} text={l} />
            ))}
          </Box>
        ) : null}
      </Box>
    </Columns.Provider>
  );
}
