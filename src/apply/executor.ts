// Runs a plan: lock → stale check → snapshot → one transaction per step with its journal row →
// snapshot → re-plan. Dialect-free: SQL comes from the driver and the state store.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialectDriver } from '../catalog/dialect.js';
import { openSession, type Session } from '../catalog/connection.js';
import {
  beginApply,
  beginStep,
  finishApply,
  isInstalled,
  journalDone,
  journalFailed,
  journalNote,
  journalInterrupted,
  journalNotRun,
  journalStart,
  saveSnapshot,
  tryLockTable,
  unlockTable,
  type LockHolder,
} from '../catalog/state-store.js';
import type { ActualTable, Plan, Step, TablePlan } from '../plan/model.js';
import { fingerprint } from '../plan/fingerprint.js';
import { describeLayoutChange, snapshotOf } from './snapshot.js';
import { outdatedMigrations } from '../catalog/migrations.js';
import { printable } from '../util/printable.js';
import { analyzeAfterStep } from '../catalog/stats.js';
import type { ObjectStore } from '../s3/object-store.js';
import { runnerFor, type StepContext } from './step-runner.js';

export class ApplyError extends Error {
  /**
   * refused: acting could be wrong, a person must decide; busy: another apply holds a table, try
   * later; failed: the apply stopped part way (its session was ended by the server).
   */
  constructor(message: string, readonly reason: 'refused' | 'busy' | 'failed' = 'refused') {
    super(message);
    this.name = 'ApplyError';
  }
}

/** Thrown inside a step's transaction when an interrupt came before its call started. */
class StepInterrupted extends Error {
  constructor() {
    super('interrupted before the call started');
    this.name = 'StepInterrupted';
  }
}

export interface StepEvent {
  table: string;
  /** 1-based position among all steps of the apply. */
  index: number;
  total: number;
  step: Step;
}

export interface ApplyListener {
  onStart?(applyId: number, total: number): void;
  /** `call`: what the journal records the step runs. */
  onStepStart?(e: StepEvent & { call: string }): void;
  onStepDone?(e: StepEvent & { rows: number; ms: number }): void;
  onStepFailed?(e: StepEvent & { error: string; ms: number; sqlstate?: string }): void;
  /** The step was cancelled by an interrupt (opts.signal) and rolled back. */
  onStepInterrupted?(e: StepEvent & { error: string; ms: number }): void;
  /** The step was not run; deferred: the run's budget was spent (the next run goes on). */
  onStepSkipped?(e: StepEvent & { reason: string; deferred: boolean }): void;
}

export interface StepOutcome {
  table: string;
  kind: Step['kind'];
  /**
   * skipped: an earlier step of the table failed, or the apply was interrupted first; deferred:
   * the run's budget was spent first; interrupted: cancelled while running, rolled back.
   */
  status: 'done' | 'failed' | 'interrupted' | 'skipped' | 'deferred';
  rows: number;
  ms: number;
  error?: string;
  /** The SQLSTATE of a failed step's error, when the server gave one. */
  sqlstate?: string;
}

/** Per-run limits: no step starts once one is reached; a running step is never interrupted. */
export interface ApplyBudget {
  maxSteps?: number;
  maxDurationMs?: number;
}

export interface ApplyResult {
  applyId: number;
  status: 'done' | 'failed' | 'partial' | 'interrupted';
  outcomes: StepOutcome[];
  /** Which budget left steps for the next run. */
  stoppedBy?: 'max-steps' | 'max-duration';
  /** The re-plan after the last step; empty when the database converged. */
  replan: Plan;
  snapshotFiles: string[];
}

export interface ApplyOptions {
  session: Session;
  driver: DialectDriver;
  plan: Plan;
  /** Introspects the given tables again (same driver and session). */
  reintrospect(tables: TablePlan[]): Promise<Map<string, ActualTable>>;
  /** Computes the plan again for the same policy and now. */
  replan(): Promise<Plan>;
  stateDir: string;
  /** sql/<dialect>: the functions the plan calls must be installed at this version. */
  migrationsDir: string;
  listener?: ApplyListener;
  client: string;
  toolVersion: string;
  planHash: string;
  budget?: ApplyBudget;
  /** Opens the object store for unload steps (default: S3 from the environment), once per apply. */
  objectStore?: () => ObjectStore;
  /** The policy file's text, recorded with the apply (the next plan's ticket diffs against it). */
  policyText: string;
  /**
   * Aborted on SIGINT/SIGTERM (its reason names the signal): no further step starts, and a step
   * that then fails (the caller cancels its statement) is recorded as interrupted, not failed.
   */
  signal?: AbortSignal;
}

function holderText(table: string, h: LockHolder | null): string {
  if (!h) return `${table} is locked by another gppart apply (its session could not be identified)`;
  const who = h.applicationName || 'another session';
  return `${table} is locked by ${who} (pid ${h.pid}, user ${h.user}${h.client ? ` from ${h.client}` : ''}, connected since ${h.since}); try again when it has finished`;
}

/** Which budget, if any, forbids starting another step. */
function budgetSpent(budget: ApplyBudget | undefined, started: number, elapsedMs: number): ApplyResult['stoppedBy'] {
  if (budget?.maxSteps !== undefined && started >= budget.maxSteps) return 'max-steps';
  if (budget?.maxDurationMs !== undefined && elapsedMs >= budget.maxDurationMs) return 'max-duration';
  return undefined;
}

/**
 * Refuses to run while schema gppart is missing or older than this gppart's migrations, so a plan
 * never calls functions older than the ones it was made for. apply asks this before it shows the
 * plan, and the executor again before it runs anything.
 */
export async function checkMigrations(client: Session['client'], migrationsDir: string, database: string): Promise<void> {
  const outdated = await outdatedMigrations(client, migrationsDir);
  if (outdated.length) {
    throw new ApplyError(
      (await isInstalled(client))
        ? `schema gppart in database ${printable(database)} is older than this gppart (${outdated.map(printable).join(', ')} not applied, or changed since); run gppart init first`
        : `schema gppart is not installed in database ${printable(database)}; run gppart init first`,
    );
  }
}

/**
 * Refuses a plan whose tables are no longer what it was computed from (fingerprints differ), naming
 * what changed. apply asks this before it shows the plan; the executor asks again under the
 * tables' advisory locks, which is the check that counts.
 */
export function checkNotStale(tables: TablePlan[], current: Map<string, ActualTable>): void {
  const stale: string[] = [];
  for (const t of tables) {
    const actual = current.get(t.table);
    if (!actual) {
      stale.push(`${printable(t.table)}: no longer found`);
      continue;
    }
    if (fingerprint(actual) !== t.fingerprint) {
      stale.push(`${printable(t.table)} changed since the plan was made:\n${describeLayoutChange(t, actual)}`);
    }
  }
  if (stale.length) throw new ApplyError(`the plan is stale; run gppart plan again.\n${stale.join('\n')}`);
}

export async function executePlan(opts: ApplyOptions): Promise<ApplyResult> {
  const runStart = performance.now();
  const { session, driver, plan } = opts;
  const client = session.client;
  await checkMigrations(client, opts.migrationsDir, plan.server.database);
  const tables = plan.tables.filter((t) => t.steps.length > 0);
  // The S3 SDK takes ~0.5 s to load: only an apply with an unload step pays for it.
  const defaultStore = tables.some((t) => t.steps.some((s) => s.kind === 'unload')) && !opts.objectStore
    ? (await import('../s3/s3-store.js')).s3ObjectStore
    : null;
  let openedStore: ObjectStore | null = null;
  const store = (): ObjectStore => (openedStore ??= (opts.objectStore ?? defaultStore ?? noObjectStore)());
  const locked: string[] = [];
  const release = async () => {
    for (const t of locked.splice(0)) await unlockTable(client, t).catch(() => undefined);
  };
  try {
    for (const t of tables) {
      const got = await tryLockTable(client, t.table);
      if (!got.ok) throw new ApplyError(holderText(t.table, got.holder), 'busy');
      locked.push(t.table);
    }

    // Under the locks, the tables can no longer change through gppart: check they are still
    // what the plan was computed from.
    const current = await opts.reintrospect(tables);
    checkNotStale(tables, current);

    const applyId = await beginApply(client, {
      toolVersion: opts.toolVersion,
      policyHash: plan.policyHash,
      planHash: opts.planHash,
      now: plan.now,
      client: opts.client,
      policyText: opts.policyText,
    });
    let finished = false;
    const outcomes: StepOutcome[] = [];
    try {
      const total = tables.reduce((n, t) => n + t.steps.length, 0);
      opts.listener?.onStart?.(applyId, total);

      const snapshotFiles: string[] = [];
      // The database name comes from the plan file: never let it climb out of --state-dir.
      const stateDir = join(opts.stateDir, plan.server.database.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_'));
      mkdirSync(stateDir, { recursive: true });
      const before: Record<string, unknown> = {};
      for (const t of tables) {
        const snap = snapshotOf(current.get(t.table)!);
        before[t.table] = snap;
        await saveSnapshot(client, applyId, 'before', t.table, snap);
      }
      const beforeFile = join(stateDir, `apply-${applyId}-before.json`);
      writeFileSync(beforeFile, JSON.stringify({ applyId, phase: 'before', now: plan.now, tables: before }, null, 2) + '\n');
      snapshotFiles.push(beforeFile);

      let index = 0;
      let started = 0;
      let stoppedBy: ApplyResult['stoppedBy'];
      for (const t of tables) {
        /** The step number of the table's step that did not complete, if any. */
        let failed = 0;
        for (const [i, step] of t.steps.entries()) {
          index++;
          const ev: StepEvent = { table: t.table, index, total, step };
          // Checked between steps only: a step once begun runs to its commit or rollback.
          stoppedBy ??= budgetSpent(opts.budget, started, performance.now() - runStart);
          const notRun = opts.signal?.aborted
            ? { status: 'skipped' as const, reason: `the apply was interrupted (${String(opts.signal.reason)}) before this step started` }
            : failed
              ? // Later steps of a table assume the earlier ones happened.
                { status: 'skipped' as const, reason: `step ${failed} of ${t.table} did not complete; later steps of a table assume the earlier ones happened` }
              : stoppedBy
                ? { status: 'deferred' as const, reason: `${stoppedBy === 'max-steps' ? `--max-steps ${opts.budget!.maxSteps}` : '--max-duration'} was reached; the next run goes on` }
                : null;
          if (notRun) {
            outcomes.push({ table: t.table, kind: step.kind, status: notRun.status, rows: 0, ms: 0, error: notRun.reason });
            await journalNotRun(client, applyId, { table: t.table, stepNo: i + 1, kind: step.kind, call: driver.renderCall(step.call) }, notRun.status, notRun.reason);
            opts.listener?.onStepSkipped?.({ ...ev, reason: notRun.reason, deferred: notRun.status === 'deferred' });
            continue;
          }
          started++;
          const runner = await runnerFor(step);
          const ctx: StepContext = { session, driver, table: t, step, applyId, toolVersion: opts.toolVersion, objectStore: store };
          const call = runner.journalText(ctx);
          const journalId = await journalStart(client, applyId, t.table, i + 1, step.kind, call);
          opts.listener?.onStepStart?.({ ...ev, call });
          const t0 = performance.now();
          let committing = false;
          try {
            await beginStep(client, t.lock, t);
            // An interrupt that came while the transaction began: nothing of the step has run yet.
            if (opts.signal?.aborted) throw new StepInterrupted();
            const rows = await runner.run(ctx);
            await journalDone(client, journalId, rows);
            committing = true;
            await client.query('COMMIT');
            const ms = performance.now() - t0;
            outcomes.push({ table: t.table, kind: step.kind, status: 'done', rows, ms });
            opts.listener?.onStepDone?.({ ...ev, rows, ms });
            // The DEFAULT's key statistics still count the purged rows: the next plan would
            // propose the purge again.
            if (step.kind === 'purge') await analyzeAfterStep(client, step.reads, t.lock.timeoutMs);
            // Statistics only after COMMIT: an ANALYZE inside a step that rolls back would still
            // have written its row counts. A failure here leaves the step done, with a note.
            await driver.analyzeCreated?.(client, t, step, t.lock.timeoutMs).catch(async (err) => {
              await journalNote(client, journalId, session.redact(`statistics not gathered after the step: ${stepErrorText(err)}`)).catch(() => undefined);
            });
          } catch (err) {
            // The session is lost only if it cannot even roll back: an error's words alone (an S3
            // upload's ECONNRESET, say) do not tell whose connection broke.
            const lost = await client.query('ROLLBACK').then(
              () => false,
              (rollbackErr: unknown) => sessionLost(err) || sessionLost(rollbackErr),
            );
            if (lost) {
              // Nothing more can be sent on this session, and its advisory locks went with it.
              const why = session.redact(stepErrorText(err));
              const outcome = await recordLostSession(session, applyId, journalId, `interrupted: the server ended gppart's session during the step (${why}); rolled back by the server`, outcomes.some((o) => o.status === 'done'));
              finished = true;
              // What the step left outside the database (an unload's objects) goes the way the step went.
              await runner.afterFailure?.(ctx, outcome === 'rolled-back' ? 'rolled-back' : 'unknown').catch(() => undefined);
              const left = total - index;
              const fate =
                outcome === 'committed'
                  ? 'the step had committed; '
                  : outcome === 'rolled-back'
                    ? 'the server rolled the step back, so it changed nothing; '
                    : `whether the step committed is not known (gppart show --apply ${applyId} says once the server is back); `;
              throw new ApplyError(
                `apply ${applyId} stopped at step ${index} of ${total} (${step.kind} ${t.table}), interrupted: the server ended gppart's session (${why}); ` +
                  `${fate}${left} later step(s) not run; run gppart plan again`,
                'failed',
              );
            }
            await runner.afterFailure?.(ctx, committing ? 'unknown' : 'rolled-back').catch(() => undefined);
            const ms = performance.now() - t0;
            const sqlstate = (err as { code?: unknown }).code;
            if (opts.signal?.aborted && (sqlstate === '57014' || err instanceof StepInterrupted)) {
              // Cancelled on the caller's interrupt: rolled back, like any failed step, but said so.
              const message = `cancelled by ${String(opts.signal.reason)} and rolled back: the table is as it was before this step`;
              await journalInterrupted(client, journalId, message).catch(() => undefined);
              outcomes.push({ table: t.table, kind: step.kind, status: 'interrupted', rows: 0, ms, error: message });
              opts.listener?.onStepInterrupted?.({ ...ev, error: message, ms });
            } else {
              const message = session.redact(stepErrorText(err));
              await journalFailed(client, journalId, message).catch(() => undefined);
              const code = typeof sqlstate === 'string' && /^[0-9A-Z]{5}$/.test(sqlstate) ? sqlstate : undefined;
              outcomes.push({ table: t.table, kind: step.kind, status: 'failed', rows: 0, ms, error: message, ...(code ? { sqlstate: code } : {}) });
              opts.listener?.onStepFailed?.({ ...ev, error: message, ms, ...(code ? { sqlstate: code } : {}) });
            }
            failed = i + 1;
          }
        }
      }

      const after = await opts.reintrospect(tables);
      const afterSnaps: Record<string, unknown> = {};
      for (const t of tables) {
        const a = after.get(t.table);
        if (!a) continue;
        const snap = snapshotOf(a);
        afterSnaps[t.table] = snap;
        await saveSnapshot(client, applyId, 'after', t.table, snap);
      }
      const afterFile = join(stateDir, `apply-${applyId}-after.json`);
      writeFileSync(afterFile, JSON.stringify({ applyId, phase: 'after', now: plan.now, tables: afterSnaps }, null, 2) + '\n');
      snapshotFiles.push(afterFile);

      const anyFailed = outcomes.some((o) => o.status === 'failed');
      const anyDone = outcomes.some((o) => o.status === 'done');
      const status: ApplyResult['status'] = opts.signal?.aborted ? 'interrupted' : anyFailed ? (anyDone ? 'partial' : 'failed') : stoppedBy ? 'partial' : 'done';
      await finishApply(client, applyId, status);
      finished = true;
      const replan = await opts.replan();
      return { applyId, status, outcomes, replan, snapshotFiles, ...(stoppedBy ? { stoppedBy } : {}) };
    } catch (err) {
      if (!finished && sessionLost(err)) {
        const why = session.redact(stepErrorText(err));
        await recordLostSession(session, applyId, null, '', outcomes.some((o) => o.status === 'done'));
        finished = true;
        throw new ApplyError(
          `apply ${applyId} stopped between steps: the server ended gppart's session (${why}); gppart history and show --apply ${applyId} say which steps were done; run gppart plan again`,
          'failed',
        );
      }
      throw err;
    } finally {
      // A lost connection or a crash between steps must not leave the apply "running" forever.
      if (!finished) await finishApply(client, applyId, 'failed').catch(() => undefined);
    }
  } finally {
    await release();
    (openedStore as ObjectStore | null)?.close();
  }
}

const noObjectStore = (): ObjectStore => {
  throw new ApplyError('no object store configured for this apply');
};

/** The server ended the session (pg_terminate_backend, a crash, a restart) or the network did. */
function sessionLost(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (e.code && ['57P01', '57P02', '57P03', '08000', '08003', '08006', 'ECONNRESET', 'EPIPE'].includes(e.code)) return true;
  return /Connection terminated|Client has encountered a connection error|Client was closed/.test(e.message ?? '');
}

/**
 * On a fresh session (the apply's own is gone): marks the step's journal row failed unless it had
 * committed (its "done" commits with the step), and finishes the apply. Says whether the step had
 * committed, as its journal row tells; 'unknown' when the server could not be asked. Best effort:
 * a server that cannot be reached leaves the apply to show as interrupted in gppart history.
 */
async function recordLostSession(session: Session, applyId: number, journalId: number | null, note: string, anyDone: boolean): Promise<'committed' | 'rolled-back' | 'unknown'> {
  let fresh: Session | undefined;
  let outcome: 'committed' | 'rolled-back' | 'unknown' = 'unknown';
  try {
    fresh = await openSession(session.source, 'gppart apply');
    if (journalId !== null) outcome = (await journalFailed(fresh.client, journalId, note)) ? 'rolled-back' : 'committed';
    await finishApply(fresh.client, applyId, anyDone || outcome === 'committed' ? 'partial' : 'failed');
    return outcome;
  } catch {
    return outcome;
  } finally {
    await fresh?.client.end().catch(() => undefined);
  }
}

function stepErrorText(err: unknown): string {
  const e = err as { message?: string; code?: string; detail?: string; hint?: string };
  let msg = e.message ?? String(err);
  if (e.code === '55P03') msg = `could not get the table's lock within the policy's lock.timeout (${msg}); nothing was changed, the step will be planned again`;
  if (e.detail) msg += ` (${e.detail})`;
  if (e.hint) msg += ` hint: ${e.hint}`;
  return msg;
}
