// The plan use case: policy + database → Plan. Shared by `plan`, `apply` and the demo.
import { createHash } from 'node:crypto';
import { driverFor } from '../catalog/drivers.js';
import type { DialectDriver } from '../catalog/dialect.js';
import { serverInfo, type Session } from '../catalog/connection.js';
import { listTablespaces } from '../catalog/state-store.js';
import type { ActualTable, Plan, QualifiedName, ServerInfo } from '../plan/model.js';
import { buildPlan } from '../plan/plan.js';
import type { Policy } from '../policy/types.js';
import { loadPolicyWithText } from '../policy/load.js';
import { TOOL_VERSION } from '../version.js';
import { partitionRefs } from '../apply/snapshot.js';

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export interface LoadedPolicy {
  policy: Policy;
  /** The file's text, embedded in plan files so `apply plan.json` can re-plan without it. */
  text: string;
}

export function loadPolicyFile(file: string): LoadedPolicy {
  return loadPolicyWithText(file);
}

/** Today unless --now says otherwise; validated so a typo never silently plans for another day. */
export function resolveNow(flag: string | undefined, clock: () => Date = () => new Date()): string {
  if (!flag) return clock().toISOString().slice(0, 16) + 'Z';
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(flag) || Number.isNaN(Date.parse(flag.slice(0, 10)))) {
    throw new WorkflowError(`--now ${flag}: expected a date YYYY-MM-DD or an ISO timestamp`);
  }
  const [y, m, d] = flag.slice(0, 10).split('-').map(Number);
  const dt = new Date(Date.UTC(y!, m! - 1, d!));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m! - 1 || dt.getUTCDate() !== d) {
    throw new WorkflowError(`--now ${flag}: no such date`);
  }
  return flag;
}

export function parseTargets(targets: string[] | undefined): Set<string> | null {
  if (!targets || targets.length === 0) return null;
  return new Set(targets.map((t) => (t.includes('.') ? t : `public.${t}`)));
}

export interface IntrospectedDatabase {
  server: ServerInfo;
  driver: DialectDriver;
  actual: Map<string, ActualTable>;
}

export async function introspect(session: Session, tables: QualifiedName[]): Promise<IntrospectedDatabase> {
  const server = await serverInfo(session);
  const driver = driverFor(server.dialect);
  return { server, driver, actual: await readTables(session, driver, tables) };
}

/** The tables' actual state with a driver already chosen: apply's checks before and after its steps. */
export async function readTables(session: Session, driver: DialectDriver, tables: QualifiedName[]): Promise<Map<string, ActualTable>> {
  const results = await driver.introspect(session.client, tables);
  const actual = new Map<string, ActualTable>();
  const problems: string[] = [];
  for (const t of tables) {
    const key = `${t.schema}.${t.name}`;
    const r = results.get(key);
    if (!r) problems.push(`${key}: not introspected`);
    else if (!r.ok) problems.push(r.error.message);
    else actual.set(key, r.table);
  }
  if (problems.length) throw new WorkflowError(problems.join('\n'));
  return actual;
}

export interface PlanRun extends IntrospectedDatabase {
  plan: Plan;
}

/** Restricts a policy to --target tables; an unknown target is an error, not an empty plan. */
export function selectTables(policy: Policy, targets: Set<string> | null): Policy {
  if (!targets) return policy;
  const known = new Set(policy.tables.map((t) => `${t.table.schema}.${t.table.name}`));
  for (const t of targets) {
    if (!known.has(t)) throw new WorkflowError(`--target ${t}: no such table in ${policy.file}`);
  }
  return { ...policy, tables: policy.tables.filter((t) => targets.has(`${t.table.schema}.${t.table.name}`)) };
}

/** Every tablespace the policy names must exist: otherwise apply would fail halfway through. */
export function checkTablespaces(policy: Policy, existing: Set<string>, database: string): void {
  const missing: string[] = [];
  for (const [ti, t] of policy.tables.entries()) {
    const where = `${policy.file}:${t.pos.line}:${t.pos.col} tables[${ti}]`;
    if (t.tablespace !== null && !existing.has(t.tablespace)) missing.push(`${where}.tablespace: tablespace "${t.tablespace}" does not exist in database ${database}`);
    for (const [bi, b] of t.layout.entries()) {
      if (b.tablespace !== null && b.tablespace !== t.tablespace && !existing.has(b.tablespace)) {
        missing.push(`${where}.layout[${bi}].tablespace: tablespace "${b.tablespace}" does not exist in database ${database}`);
      }
    }
  }
  if (missing.length) throw new WorkflowError(missing.join('\n'));
}

export async function computePlan(session: Session, policy: Policy, now: string): Promise<PlanRun> {
  const db = await introspect(
    session,
    policy.tables.map((t) => t.table),
  );
  checkTablespaces(policy, await listTablespaces(session.client), db.server.database);
  const plan = buildPlan({ policy, actual: db.actual, server: db.server, now, toolVersion: TOOL_VERSION });
  for (const t of plan.tables) {
    const actual = db.actual.get(t.table);
    if (actual) t.partitionsBefore = partitionRefs(actual);
  }
  const blocking = plan.tables.flatMap((t) => (t.blocking ?? []).map((b) => `${t.table}: ${b}`));
  if (blocking.length) throw new WorkflowError(blocking.join('\n'));
  return { ...db, plan };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
