// Plan files (`plan --out`, `apply PLANFILE`, `show`): the Plan document itself, plus the policy text
// it was computed from (so apply can re-plan without the original file) and a hash over both.
// The hash only tells a careless edit: anyone can compute it again. So a plan file is data, never
// code: every step's call must be the one its kind and partitions call for (callFor), every step
// must be one the embedded policy can ask for at the plan's `now`, and apply runs only the steps it
// derives itself from that policy and the live database (planFileDifference), never the file's.
import { writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import { isDestructiveKind, STEP_KINDS, type Plan, type ProcedureCall, type ReviewContext, type Step, type TablePlan } from '../plan/model.js';
import { canonicalJson, canonicalSha256 } from '../plan/plan.js';
import { callFor, storageArgIndex, StepShapeError } from '../plan/call.js';
import { keyToLiteral, literalToKey } from '../plan/keys.js';
import { targetLayout } from '../plan/target.js';
import { parsePolicyText } from '../policy/load.js';
import { formatIssue, PolicyError, type Policy, type TablePolicy } from '../policy/types.js';
import { printable } from '../util/printable.js';
import { parseNow, WorkflowError } from './planning.js';
import { FileTooLargeError, formatBytes, readFileLimited } from '../util/read-limited.js';
import { schemaValidator } from '../util/schema-validator.js';

export interface PlanFile extends Plan {
  planHash: string;
  policy: { file: string; text: string };
  /** For the reviewer (gppart show --format markdown): who made it, when, and the journal's history. Not hashed; apply ignores it. */
  context?: ReviewContext;
}

/** "tables[0].steps[2].call.name" from ajv's "/tables/0/steps/2/call/name". */
function jsonPath(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${out ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`;
  return out || '(top level)';
}

function describeSchemaError(e: ErrorObject): string {
  const at = jsonPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `${at}: missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at}: ${e.message ?? 'is not valid'}`;
  }
}

/** Checks a parsed plan file's shape against schemas/plan.schema.json; returns the first problem, or null. */
export function planFileProblem(doc: unknown): string | null {
  const validate = schemaValidator('plan');
  if (validate(doc)) return null;
  const errors = validate.errors ?? [];
  // anyOf reports every branch; the deepest path is the most useful single line.
  const best = [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
  return best ? describeSchemaError(best) : 'does not match the plan schema';
}

/** Over the plan and its policy text; never the review context, which is not part of the plan. */
function hashOf(plan: Plan, policy: { file: string; text: string }): string {
  const { context: _c, ...bare } = plan as Plan & { context?: unknown };
  return canonicalSha256({ plan: bare, policyText: policy.text });
}

function stripFileFields(doc: PlanFile): Plan {
  const { planHash: _h, policy: _p, context: _c, ...plan } = doc;
  return plan;
}

export function toPlanFile(plan: Plan, policy: { file: string; text: string }, context?: ReviewContext): PlanFile {
  return { ...plan, planHash: hashOf(plan, policy), policy, ...(context ? { context } : {}) };
}

export function writePlanFile(path: string, doc: PlanFile): void {
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
}

/** A plan file that passed every check a file can pass without a database. */
export interface LoadedPlanFile {
  doc: PlanFile;
  plan: Plan;
  /** The embedded policy, restricted to the tables the plan covers. */
  policy: Policy;
}

/** Far above any real plan; parsing and checking a plan file takes tens of times its size in memory. */
const MAX_PLAN_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Reads and checks a plan file: its shape, its hash, its embedded policy, and every step against
 * its own data and that policy. Any problem is one line naming the file (and the step).
 */
export function readPlanFile(path: string): LoadedPlanFile {
  const where = printable(path);
  let raw: string;
  try {
    raw = readFileLimited(path, MAX_PLAN_FILE_BYTES).toString('utf8');
  } catch (err) {
    if (err instanceof FileTooLargeError) {
      throw new WorkflowError(`${where}: the plan file ${err.size === null ? 'holds more than' : 'is'} ${formatBytes(err.size ?? err.maxBytes)}; gppart reads plan files of up to ${formatBytes(MAX_PLAN_FILE_BYTES)} (plan fewer tables at a time with --target)`);
    }
    const code = (err as NodeJS.ErrnoException).code;
    throw new WorkflowError(`${where}: cannot read the plan file: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : printable((err as Error).message)}`);
  }
  let doc: PlanFile;
  try {
    doc = JSON.parse(raw) as PlanFile;
  } catch (err) {
    throw new WorkflowError(`${where}: not a gppart plan file: ${printable((err as Error).message)}`);
  }
  if (!doc || typeof doc !== 'object' || doc.formatVersion !== 1 || !Array.isArray(doc.tables) || typeof doc.planHash !== 'string' || !doc.policy) {
    throw new WorkflowError(`${where}: not a gppart plan file (format version 1 expected)`);
  }
  const problem = planFileProblem(doc);
  if (problem) throw new WorkflowError(`${where}: not a valid gppart plan file: ${printable(problem)}`);
  const expected = hashOf(stripFileFields(doc), doc.policy);
  if (expected !== doc.planHash) {
    throw new WorkflowError(`${where}: the plan file was modified after it was written (plan hash ${doc.planHash.slice(0, 12)}… does not match its content ${expected.slice(0, 12)}…); run gppart plan --out again`);
  }
  const policyHash = createHash('sha256').update(doc.policy.text).digest('hex');
  if (policyHash !== doc.policyHash) {
    throw new WorkflowError(`${where}: the embedded policy does not match the plan's policy hash`);
  }
  const plan = stripFileFields(doc);
  const policy = checkPlanData(where, plan, doc.policy);
  return { doc, plan, policy };
}

/** The refusal of a plan file that does not hold together: one line, naming the file and what is wrong. */
function refused(where: string, what: string): WorkflowError {
  return new WorkflowError(`${where}: refused: ${what}; this is not a plan gppart made: run gppart plan --out again`);
}

/** A value of a plan file shown inside a message: JSON-quoted, escaped, cut short. */
function shown(v: unknown): string {
  const text = printable(JSON.stringify(v) ?? String(v));
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/**
 * What a plan file can be checked against without a database: its `now`, its embedded policy,
 * each table is one the policy manages, each step's call is the one its kind and partitions call
 * for (so what is shown is what would run, and the destroy guard sees what the call does), and
 * each step is one the policy can ask for at `now`. Returns the embedded policy for its tables.
 */
function checkPlanData(where: string, plan: Plan, embedded: { file: string; text: string }): Policy {
  parseNow(plan.now, `${where}: now`);
  let policy: Policy;
  try {
    policy = parsePolicyText(embedded.text, embedded.file);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : '';
    throw refused(where, `its embedded policy is not valid: ${printable(formatIssue(err.issues[0]!))}${more}`);
  }
  return checkPlanSteps(where, plan, policy);
}

/**
 * The checks of a plan against a parsed policy (exported for the planner's property tests: every
 * plan the planner makes passes them). Returns the policy restricted to the plan's tables.
 */
export function checkPlanSteps(where: string, plan: Plan, policy: Policy): Policy {
  const seen = new Set<string>();
  const planned: TablePolicy[] = [];
  const counts = Object.fromEntries(STEP_KINDS.map((k) => [k, 0])) as Plan['summary'];
  for (const t of plan.tables) {
    const label = printable(t.table);
    if (t.table !== `${t.schema}.${t.name}`) throw refused(where, `table ${shown(t.table)} is not its schema and name ${shown(`${t.schema}.${t.name}`)}`);
    const key = JSON.stringify([t.schema, t.name]);
    if (seen.has(key)) throw refused(where, `table ${label} appears twice`);
    seen.add(key);
    const tp = policy.tables.find((p) => p.table.schema === t.schema && p.table.name === t.name);
    if (!tp) throw refused(where, `table ${label} is not in its embedded policy`);
    planned.push(tp);
    if (t.lock.mode !== tp.lock.mode || t.lock.timeoutMs !== tp.lock.timeoutMs) {
      throw refused(where, `${label}: its lock settings ${shown(t.lock)} are not its embedded policy's ${shown(tp.lock)}`);
    }
    if (tp.maxStepsPerTable > 0 && t.steps.length > tp.maxStepsPerTable) {
      throw refused(where, `${label} has ${t.steps.length} steps; its embedded policy allows ${tp.maxStepsPerTable} per apply (max_steps_per_table)`);
    }
    const target = targetOf(where, tp, t, plan.now);
    for (const [i, step] of t.steps.entries()) {
      const at = `${label} step ${i + 1} (${step.kind})`;
      counts[step.kind]++;
      if (step.destructive !== isDestructiveKind(step.kind)) throw refused(where, `${at} is marked destructive: ${step.destructive}, but a ${step.kind} ${isDestructiveKind(step.kind) ? 'is' : 'is not'} destructive`);
      const callProblem = stepCallProblem(step, t);
      if (callProblem) throw refused(where, `${at}: ${callProblem}`);
      const policyProblem = stepPolicyProblem(step, t, tp, target);
      if (policyProblem) throw refused(where, `${at}: ${policyProblem}`);
    }
  }
  for (const k of STEP_KINDS) {
    if ((plan.summary[k] ?? 0) !== counts[k]) throw refused(where, `its summary counts ${plan.summary[k]} ${k} step(s), its tables have ${counts[k]}`);
  }
  return { ...policy, tables: planned };
}

/** Why a step's call is not the one its kind, table and partitions call for, or null. */
export function stepCallProblem(step: Step, table: TablePlan): string | null {
  const at = storageArgIndex(step);
  const storage = at === null ? null : step.call.args[at];
  if (storage !== null && storage !== undefined && typeof storage !== 'string') return `argument ${at! + 1} of its call is ${shown(storage)}, not text`;
  let derived: ProcedureCall;
  try {
    derived = callFor(step, { schema: table.schema, name: table.name }, storage ?? null);
  } catch (err) {
    if (err instanceof StepShapeError) return printable(err.message);
    throw err;
  }
  if (canonicalJson(derived) === canonicalJson(step.call)) return null;
  if (derived.name !== step.call.name) return `its call runs ${shown(step.call.name)}, but a ${step.kind} of these partitions runs ${derived.name}`;
  if (derived.args.length !== step.call.args.length) return `its call has ${step.call.args.length} argument(s), a ${step.kind} has ${derived.args.length}`;
  const i = derived.args.findIndex((a, k) => canonicalJson(a) !== canonicalJson(step.call.args[k]));
  return `argument ${i + 1} of its call is ${shown(step.call.args[i])}, but the step's table and partitions give ${shown(derived.args[i])}`;
}

interface TableTarget {
  /** JSON of [from, to, tablespace] of every partition the policy wants at `now`. */
  wanted: Set<string>;
  /** Retention's cut, as a key; null = keep forever. */
  dropBefore: number | null;
  /** archive.after's cut, as a key; null = no archive rule. */
  archiveBefore: number | null;
}

function targetOf(where: string, tp: TablePolicy, t: TablePlan, now: string): TableTarget {
  try {
    const layout = targetLayout(tp, t.keyType, now, t.name);
    const lit = (k: number) => keyToLiteral(t.keyType, k);
    return {
      wanted: new Set(layout.partitions.map((p) => JSON.stringify([lit(p.range.from), lit(p.range.to), p.tablespace]))),
      dropBefore: layout.dropBefore,
      archiveBefore: tp.archive
        ? targetLayout({ ...tp, layout: [], retention: { dropAfter: tp.archive.after, dropAfterText: tp.archive.afterText } }, t.keyType, now, t.name).dropBefore
        : null,
    };
  } catch (err) {
    throw refused(where, `${printable(t.table)}: its embedded policy has no layout at now ${shown(now)}: ${printable((err as Error).message)}`);
  }
}

/** Why the embedded policy could not have asked for this step at the plan's `now`, or null. */
function stepPolicyProblem(step: Step, t: TablePlan, tp: TablePolicy, target: TableTarget): string | null {
  const wanted = (r: Step['produces'][number]) => target.wanted.has(JSON.stringify([r.from, r.to, r.tablespace ?? null]));
  switch (step.kind) {
    case 'drop':
    case 'detach': {
      const r = step.reads[0]!;
      let end: number;
      try {
        end = literalToKey(t.keyType, r.to!);
      } catch {
        return `partition ${printable(r.name)} ends at ${shown(r.to)}, which is not a ${t.keyType} bound`;
      }
      const verb = step.kind === 'drop' ? 'drops' : 'detaches';
      if (target.dropBefore === null) return `its embedded policy has no retention, so it never ${verb} a partition`;
      if (end > target.dropBefore) return `its embedded policy keeps ${printable(r.name)} (retention ${verb} what ends by ${keyToLiteral(t.keyType, target.dropBefore)})`;
      const mode = tp.retention?.mode ?? 'drop';
      if (mode !== step.kind) return `its embedded policy's retention mode is ${mode}, not ${step.kind}`;
      if (step.kind === 'detach') {
        const into = tp.retention?.detachSchema ?? r.schema;
        if (step.produces[0]!.schema !== into) return `it keeps ${printable(r.name)} in schema ${printable(step.produces[0]!.schema)}; its embedded policy says ${printable(into)}`;
      }
      return null;
    }
    case 'purge': {
      if (tp.defaultExpiredRows !== 'purge') return 'its embedded policy does not purge the DEFAULT (default_partition expired_rows: warn)';
      if (target.dropBefore === null || step.call.args[4] !== keyToLiteral(t.keyType, target.dropBefore)) {
        return `it deletes the DEFAULT's rows before ${shown(step.call.args[4])}; its embedded policy's retention cut is ${target.dropBefore === null ? 'none' : keyToLiteral(t.keyType, target.dropBefore)}`;
      }
      return null;
    }
    case 'split':
    case 'merge':
    case 'move': {
      if (step.kind === 'split' && step.produces.length === 1 && step.produces[0]!.isDefault) {
        return tp.defaultPartition === 'ensure' ? null : `its embedded policy does not ask for a DEFAULT partition (default_partition: ${tp.defaultPartition})`;
      }
      const stray = step.produces.find((p) => !wanted(p));
      if (stray) return `it makes ${printable(stray.name)} [${shown(stray.from)}, ${shown(stray.to)}) in tablespace ${shown(stray.tablespace ?? null)}, which its embedded policy does not want at this now`;
      return null;
    }
    case 'unload': {
      if (!tp.archive) return 'its embedded policy has no archive rule, so it never unloads a partition';
      const r = step.reads[0]!;
      const cutoff = target.archiveBefore;
      let end: number;
      try {
        end = literalToKey(t.keyType, r.to!);
      } catch {
        return `partition ${printable(r.name)} ends at ${shown(r.to)}, which is not a ${t.keyType} bound`;
      }
      if (cutoff === null || end > cutoff) return `its embedded policy keeps ${printable(r.name)} in the database (archive.after ${printable(tp.archive.afterText)})`;
      const a = step.archive!;
      if (a.bucket !== tp.archive.bucket || a.format !== tp.archive.format || a.via !== tp.archive.via || (a.pxfServer ?? null) !== tp.archive.pxfServer || !a.folder.startsWith(tp.archive.prefix)) {
        return `it writes to s3://${printable(a.bucket)}/${printable(a.folder)} as ${shown(a.format)} via ${shown(a.via)}, which is not where its embedded policy archives`;
      }
      return null;
    }
    default:
      return `no plan has ${step.kind} steps`;
  }
}

/**
 * The first way a plan file's table plans differ from the ones gppart derives from the same policy,
 * `now` and database, or null when they are the same steps: kind, partitions read and produced, the
 * call, the lock settings. Row estimates and reasons may differ (statistics change); nothing else.
 */
export function planFileDifference(file: Plan, derived: Plan): string | null {
  for (const ft of file.tables) {
    const label = printable(ft.table);
    const dt = derived.tables.find((t) => t.schema === ft.schema && t.name === ft.name);
    if (!dt) return `${label}: gppart derives no plan for this table`;
    if (canonicalJson(ft.lock) !== canonicalJson(dt.lock)) return `${label}: the file's lock settings ${shown(ft.lock)} are not the policy's ${shown(dt.lock)}`;
    const counts = ft.steps.length === dt.steps.length ? '' : ` (the file has ${ft.steps.length} step(s), gppart derives ${dt.steps.length})`;
    for (let i = 0; i < Math.max(ft.steps.length, dt.steps.length); i++) {
      const f = ft.steps[i];
      const d = dt.steps[i];
      if (f && d && sameStep(f, d)) continue;
      if (f && d && canonicalJson(f.call.name) === canonicalJson(d.call.name) && sameStep({ ...f, call: d.call }, d)) {
        const k = d.call.args.findIndex((a, j) => canonicalJson(a) !== canonicalJson(f.call.args[j]));
        return `${label} step ${i + 1} (${f.kind}): argument ${k + 1} of its call is ${shown(f.call.args[k])} in the file, but gppart derives ${shown(d.call.args[k])}${counts}`;
      }
      return `${label} step ${i + 1} is ${f ? `"${describeStep(f)}"` : 'missing'} in the file, but gppart derives ${d ? `"${describeStep(d)}"` : 'no such step'}${counts}`;
    }
    if (ft.deferred !== dt.deferred) return `${label}: the file defers ${ft.deferred} step(s), gppart ${dt.deferred}`;
  }
  return null;
}

/** The same step for apply: kind, partitions read and produced, call. Not estimates or reasons. */
function sameStep(a: Step, b: Step): boolean {
  return (['kind', 'reads', 'produces', 'call', 'archive'] as const).every((k) => canonicalJson(a[k] ?? null) === canonicalJson(b[k] ?? null));
}

/** "merge orders_2025_07, orders_2025_08 → orders_p2025q3 (warm)": enough to tell two steps apart. */
function describeStep(s: Step): string {
  const ref = (r: Step['reads'][number]) => `${r.name}${r.isDefault ? ' (DEFAULT)' : ` [${r.from}, ${r.to})`}${r.tablespace ? ` in ${r.tablespace}` : ''}`;
  const list = (refs: Step['reads']) => (refs.length > 3 ? `${refs.slice(0, 2).map(ref).join(', ')}, … ${refs.length - 2} more` : refs.map(ref).join(', '));
  const text = `${s.kind} ${list(s.reads) || '(nothing)'}${s.produces.length ? ` → ${list(s.produces)}` : ''}`;
  const p = printable(text);
  return p.length > 160 ? `${p.slice(0, 159)}…` : p;
}
