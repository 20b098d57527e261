// `gppart apply --format json`: one JSON object per line on stdout, as things happen, for CI logs
// and pipelines (the shape of Terraform's machine-readable UI). Every event has `event` and `time`
// (ISO); schemas/apply-events.schema.json is the contract; docs/events.md explains each event.
import type { Plan, Step } from '../plan/model.js';
import type { LockHolder } from '../catalog/lock-waits.js';
import { boundFormat, stepHeadline, summaryLine } from './text.js';
import type { RowEffect, RowVolume } from './volume.js';
import { replaceUnprintable } from '../util/printable.js';

interface StepRef {
  applyId: number;
  /** 1-based position among all steps of the apply. */
  index: number;
  total: number;
  table: string;
  kind: Step['kind'];
}

export type ApplyEvent = { time: string } & (
  | {
      event: 'plan';
      planHash: string;
      policyHash: string;
      now: string;
      database: string;
      dialect: string;
      summary: string;
      steps: Array<{ index: number; table: string; kind: Step['kind']; headline: string; estimatedRows: number; estimatedBytes: number; destructive: boolean }>;
    }
  | { event: 'apply_started'; applyId: number; total: number }
  | (StepRef & { event: 'step_started'; headline: string; estimatedRows: number; call: string })
  | (StepRef & { event: 'lock_wait'; since: string; holders: LockHolder[] })
  | (StepRef & { event: 'lock_wait_over'; waitedMs: number })
  | (StepRef & { event: 'step_done'; rows: number; effect: RowEffect; ms: number })
  | (StepRef & { event: 'step_failed'; ms: number; error: string; sqlstate?: string })
  | (StepRef & { event: 'step_interrupted'; ms: number; error: string })
  | (StepRef & { event: 'step_skipped'; reason: string })
  | (StepRef & { event: 'step_deferred'; reason: string })
  | { event: 'interrupt'; signal: string; applyId: number | null }
  | {
      event: 'apply_finished';
      applyId: number;
      status: string;
      steps: { done: number; failed: number; interrupted: number; skipped: number; deferred: number };
      rows: RowVolume;
      ms: number;
      snapshotFiles: string[];
      /** True when a new plan has no steps: the partitions match the policy. */
      converged: boolean;
      /** The new plan's summary line. */
      remaining: string;
    }
  | { event: 'error'; message: string }
);

/** Distributes Omit over the union, so each event keeps its own fields. */
type WithoutTime<T> = T extends unknown ? Omit<T, 'time'> : never;

/**
 * One line of output: the event with its time. Values stay exact (JSON.parse gives them back as
 * they were); every character that could move a terminal's cursor, reorder text or break the line
 * in a log viewer is written as a \\uXXXX escape, which JSON.stringify leaves raw for some.
 */
export function eventLine(e: WithoutTime<ApplyEvent>, clock: () => Date = () => new Date()): string {
  const { event, ...rest } = e;
  const json = JSON.stringify({ event, time: clock().toISOString(), ...rest });
  return replaceUnprintable(json, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function planEvent(plan: Plan, planHash: string): WithoutTime<ApplyEvent> {
  let index = 0;
  return {
    event: 'plan',
    planHash,
    policyHash: plan.policyHash,
    now: plan.now,
    database: plan.server.database,
    dialect: plan.server.dialect,
    summary: summaryLine(plan),
    steps: plan.tables.flatMap((t) =>
      t.steps.map((s) => ({
        index: ++index,
        table: t.table,
        kind: s.kind,
        headline: stepHeadline(s, boundFormat(t)),
        estimatedRows: s.estimatedRows,
        estimatedBytes: s.estimatedBytes,
        destructive: s.destructive,
      })),
    ),
  };
}

