// The stages of `gppart apply` before anything runs, apart from the command that shows them: what
// the command line and the files alone can refuse (before connecting), then what the database can
// refuse (before the plan is shown or the question asked). Each refusal is an ApplyError or a
// WorkflowError, one line, and nothing has been changed when it is thrown.
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { serverInfo, type Session } from '../catalog/connection.js';
import { ApplyError, checkMigrations, checkNotStale, type ApplyBudget } from '../apply/executor.js';
import type { DialectDriver } from '../catalog/dialect.js';
import { isEmpty } from '../plan/plan.js';
import { isDestructiveKind, type Plan } from '../plan/model.js';
import type { Policy } from '../policy/types.js';
import { parseDuration } from '../policy/schedule.js';
import { printable } from '../util/printable.js';
import { PACKAGE_ROOT } from '../version.js';
import { computePlan, loadPolicyFile, nowVersusToday, resolveNow, selectTables, WorkflowError } from './planning.js';
import { planFileDifference, readPlanFile, toPlanFile, type LoadedPlanFile } from './planfile.js';

/** What the user asked of this apply, as the command line says it. */
export interface ApplyRequest {
  planfile?: string;
  config?: string;
  now?: string;
  target?: string[];
  autoApprove: boolean;
  allowDestroy: boolean;
  allowNowOverride: boolean;
}

/** The policy and now an apply works from: the command line's, or a plan file's. */
export interface ApplyInput {
  file: LoadedPlanFile | null;
  policy: Policy;
  /** The policy's file and text when it came from -c (a plan file carries its own). */
  policyText: { file: string; text: string } | null;
  now: string;
  when: ReturnType<typeof nowVersusToday>;
  /** The apply's now is not today and was chosen here, not reviewed in a plan file. */
  needsOverride: boolean;
}

/** Reads the policy or the plan file; refuses what needs no database. */
export function readApplyInput(req: ApplyRequest): ApplyInput {
  let file: LoadedPlanFile | null = null;
  let policy: Policy;
  let policyText: ApplyInput['policyText'] = null;
  let now: string;
  if (req.planfile) {
    const fixed = [req.config !== undefined && '-c', req.now !== undefined && '--now', req.target !== undefined && '--target'].filter(Boolean);
    if (fixed.length) throw new WorkflowError(`${fixed.join(', ')} cannot be combined with a PLANFILE: the plan already fixes its policy, tables and now`);
    file = readPlanFile(req.planfile);
    policy = file.policy;
    now = file.plan.now;
  } else {
    now = resolveNow(req.now);
    const loaded = loadPolicyFile(req.config);
    policy = selectTables(loaded.policy, req.target);
    policyText = { file: loaded.policy.file, text: loaded.text };
  }
  const when = nowVersusToday(now);
  // A reviewed plan file is applied later than it was made (a ticket approved next week, a DAG's
  // plan task just before midnight): only a `now` typed on this command line, or a plan made for
  // a date still to come, is the footgun that needs explicit intent.
  const needsOverride = !when.isToday && (file === null || when.date > when.today);
  if (needsOverride && req.autoApprove && !req.allowNowOverride) {
    throw new ApplyError(
      `this apply is for now ${printable(now)}, not today (${when.today}); under --auto-approve that needs --allow-now-override (without --auto-approve the question says so)`,
    );
  }
  return { file, policy, policyText, now, when, needsOverride };
}

/** The plan that will run: always derived by gppart itself, never a call read from a file. */
export interface PlanToApply {
  plan: Plan;
  planHash: string;
  driver: DialectDriver;
  migrationsDir: string;
  /** "table: kind" of each destructive step, for the question. */
  destructive: string[];
  empty: boolean;
}

/**
 * Plans against the database and refuses a plan file made for another database, a stale one, or
 * one whose steps are not what gppart derives.
 */
export async function planToApply(session: Session, input: ApplyInput, req: ApplyRequest): Promise<PlanToApply> {
  const { file } = input;
  if (file) await checkSameDatabase(session, file, req.planfile!);
  const derived = await computePlan(session, input.policy, input.now);
  if (file) {
    checkNotStale(file.plan.tables, derived.actual);
    const difference = planFileDifference(file.plan, derived.plan);
    if (difference) {
      throw new ApplyError(
        `${printable(req.planfile!)}: refused: ${difference}; it is not the plan gppart derives from its embedded policy for this database at its now, so it was edited or not made by gppart: run gppart plan --out again`,
      );
    }
  }
  const plan = derived.plan;
  const planHash = file ? file.doc.planHash : toPlanFile(plan, input.policyText!).planHash;
  const migrationsDir = join(PACKAGE_ROOT, 'sql', derived.driver.sqlFolder);
  // From the kind, which fixes the call: a step cannot declare itself harmless.
  const destructive = plan.tables.flatMap((t) => t.steps.filter((s) => isDestructiveKind(s.kind)).map((s) => `${printable(t.table)}: ${s.kind}`));
  return { plan, planHash, driver: derived.driver, migrationsDir, destructive, empty: isEmpty(plan) };
}

/** Refuses a plan that cannot run as asked: schema gppart missing or older than this gppart; destructive steps under --auto-approve without --allow-destroy. */
export async function refuseUnrunnable(session: Session, toApply: PlanToApply, req: ApplyRequest): Promise<void> {
  const { plan, destructive } = toApply;
  if (toApply.empty) return;
  await checkMigrations(session.client, toApply.migrationsDir, plan.server.database);
  if (req.autoApprove && destructive.length && !req.allowDestroy) {
    throw new ApplyError(
      `the plan has ${destructive.length} destructive step(s) (${destructive.slice(0, 3).join(', ')}${destructive.length > 3 ? ', …' : ''}); --auto-approve needs --allow-destroy to run them`,
    );
  }
}

async function checkSameDatabase(session: Session, file: LoadedPlanFile, path: string): Promise<void> {
  const made = file.plan.server;
  const server = await serverInfo(session);
  const otherDatabase = made.databaseId !== undefined && server.databaseId !== undefined && !sameDatabase(made.databaseId, server.databaseId);
  if (server.database !== made.database || server.dialect !== made.dialect || otherDatabase) {
    throw new ApplyError(
      printable(
        `${path} was made for database ${made.database} (${made.dialect}, id ${made.databaseId ?? '?'}) at ${made.identity}, ` +
          `not for ${server.database} (${server.dialect}, id ${server.databaseId ?? '?'}) at ${server.identity}`,
      ),
    );
  }
}

/** Same database oid, and the same cluster unless one side could not read its identifier. */
function sameDatabase(a: string, b: string): boolean {
  const [sa, oa] = a.split('/');
  const [sb, ob] = b.split('/');
  return oa === ob && (sa === '?' || sb === '?' || sa === sb);
}

/** --max-steps and --max-duration as the executor's budget. */
export function applyBudget(maxSteps: number | undefined, maxDuration: string | undefined): ApplyBudget {
  const budget: ApplyBudget = {};
  if (maxSteps !== undefined) budget.maxSteps = maxSteps;
  if (maxDuration !== undefined) {
    const d = parseDuration(maxDuration);
    if (!d.ok) throw new WorkflowError(`--max-duration ${d.message}`);
    budget.maxDurationMs = d.value.ms;
  }
  return budget;
}

/** Who runs the apply, as the journal records it. */
export function clientName(): string {
  return `${userInfo().username}@${hostname()}`;
}
