// How one step of a plan is carried out, per kind. The executor owns the transaction (BEGIN with
// the lock settings, the journal row, COMMIT or ROLLBACK); a runner does the work in between.
// Today's steps are one function call (sqlCallRunner); an unload on the client path streams rows to
// object storage first (unload-runner.ts).
import type { DialectDriver } from '../catalog/dialect.js';
import type { Session } from '../catalog/connection.js';
import { runCall } from '../catalog/state-store.js';
import type { Step, TablePlan } from '../plan/model.js';
import type { ObjectStore } from '../s3/object-store.js';

export interface StepContext {
  session: Session;
  driver: DialectDriver;
  table: TablePlan;
  step: Step;
  applyId: number;
  toolVersion: string;
  /** The object store, created on first use (only unloads need one). */
  objectStore(): ObjectStore;
}

export interface StepRunner {
  /** What the journal records as the step's call, written before the step starts. */
  journalText(ctx: StepContext): string;
  /** Runs inside the step's open transaction and returns the rows it moved, removed or archived. */
  run(ctx: StepContext): Promise<number>;
  /**
   * After the transaction did not commit: undo what the step did outside the database. `outcome`
   * is 'rolled-back' when the database certainly changed nothing, 'unknown' when COMMIT itself
   * failed (then nothing outside may be undone: it may be all that is left of the data).
   */
  afterFailure?(ctx: StepContext, outcome: 'rolled-back' | 'unknown'): Promise<void>;
}

/** One stored-function call: every kind but a client-path unload. */
export const sqlCallRunner: StepRunner = {
  journalText: (ctx) => ctx.driver.renderCall(ctx.step.call),
  run: (ctx) => runCall(ctx.session.client, ctx.driver.renderCall(ctx.step.call)),
};

/** The runner of a step. The unload runner (and its encoders) is loaded only when a plan needs it. */
export async function runnerFor(step: Step): Promise<StepRunner> {
  if (step.kind === 'unload' && step.archive?.via === 'client') return (await import('./unload-runner.js')).unloadRunner();
  return sqlCallRunner;
}
