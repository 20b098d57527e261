// The plan use case: policy + database → Plan. Shared by `plan`, `apply` and the demo.
import { createHash } from 'node:crypto';
import { driverFor } from '../catalog/drivers.js';
import type { DialectDriver } from '../catalog/dialect.js';
import { serverInfo, type Session } from '../catalog/connection.js';
import { listTablespaces } from '../catalog/state-store.js';
import type { ActualTable, Plan, QualifiedName, ServerInfo } from '../plan/model.js';
import { buildPlan } from '../plan/plan.js';
import type { Policy } from '../policy/types.js';
import { formatTableName, parseTableName } from '../policy/table-name.js';
import { TOOL_VERSION } from '../version.js';
import { partitionRefs } from '../apply/snapshot.js';
import { printable } from '../util/printable.js';

export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export { DEFAULT_POLICY_FILE, loadPolicyFile, type LoadedPolicy } from './policy-file.js';

const NOW_SHAPE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A `now` (from --now or a plan file) checked field by field, so a typo says which field is wrong
 * rather than planning for another day. `label` names where it came from in the message.
 */
export function parseNow(text: string, label = '--now'): string {
  const bad = (why: string) => new WorkflowError(`${label} ${printable(text)}: ${why}`);
  if (text === '') throw new WorkflowError(`${label} is empty: give a date YYYY-MM-DD or an ISO timestamp such as 2026-01-31T06:00Z`);
  const m = NOW_SHAPE.exec(text);
  if (!m) throw bad('expected a date YYYY-MM-DD or an ISO timestamp YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]');
  const [, y, mo, d, hh, mi, ss, offset, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1) throw bad('year 0000 does not exist (years start at 0001)');
  if (month < 1 || month > 12) throw bad(`month ${mo} is not a month (01–12)`);
  const days = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > days) throw bad(`day ${d} is not a day of ${MONTHS[month - 1]} ${y} (01–${days})`);
  if (hh !== undefined && Number(hh) > 23) throw bad(`hour ${hh} is not an hour (00–23)`);
  if (mi !== undefined && Number(mi) > 59) throw bad(`minute ${mi} is not a minute (00–59)`);
  if (ss !== undefined && Number(ss) > 59) throw bad(`second ${ss} is not a second (00–59)`);
  if (oh !== undefined && (Number(oh) > 15 || Number(om) > 59)) throw bad(`${offset} is not a UTC offset (-15:00 to +15:00)`);
  return text;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Today unless --now says otherwise; validated so a typo never silently plans for another day. */
export function resolveNow(flag: string | undefined, clock: () => Date = () => new Date()): string {
  if (flag === undefined) return clock().toISOString().slice(0, 16) + 'Z';
  return parseNow(flag);
}

/** The calendar date of a `now` (its own date, whatever its offset) and whether that is today (UTC). */
export function nowVersusToday(now: string, clock: () => Date = () => new Date()): { date: string; today: string; isToday: boolean } {
  const date = now.slice(0, 10);
  const today = clock().toISOString().slice(0, 10);
  return { date, today, isToday: date === today };
}

/**
 * Restricts a policy to the --target tables, each read exactly as the policy's `table:` is
 * (unquoted parts fold to lower case, "quoted" parts are verbatim, no schema means public). An
 * unknown or misspelt target is an error naming what the policy has, never an empty plan.
 */
export function selectTables(policy: Policy, targets: string[] | undefined): Policy {
  if (!targets || targets.length === 0) return policy;
  const key = (schema: string, name: string) => JSON.stringify([schema, name]);
  const known = new Map(policy.tables.map((t) => [key(t.table.schema, t.table.name), t]));
  const wanted = new Set<string>();
  for (const text of targets) {
    const shown = printable(text);
    if (text.trim() === '') throw new WorkflowError('--target is empty: give a table of the policy as schema.table');
    const parsed = parseTableName(text);
    const found = parsed.ok ? known.get(key(parsed.value.schema, parsed.value.name)) : undefined;
    if (found) {
      wanted.add(key(found.table.schema, found.table.name));
      continue;
    }
    const hint = suggestTarget(policy, text, parsed.ok ? parsed.value : null);
    if (!parsed.ok) throw new WorkflowError(`--target ${shown}: ${printable(parsed.message)}${hint}`);
    throw new WorkflowError(`--target ${shown}: ${printable(formatTableName(parsed.value))} is not a table of ${printable(policy.file)}${hint}`);
  }
  return { ...policy, tables: policy.tables.filter((t) => wanted.has(key(t.table.schema, t.table.name))) };
}

/** "; did you mean sales.orders?" for a target that names a policy table loosely (other case, no schema, unquoted). */
function suggestTarget(policy: Policy, text: string, parsed: QualifiedName | null): string {
  const lower = (s: string) => s.toLowerCase();
  const candidates = policy.tables.map((t) => t.table).filter((q) => {
    const raw = `${q.schema}.${q.name}`;
    if (raw === text || lower(raw) === lower(text) || lower(q.name) === lower(text)) return true;
    if (!parsed) return false;
    return lower(q.name) === lower(parsed.name) && (parsed.schema === 'public' || lower(q.schema) === lower(parsed.schema));
  });
  const names = [...new Set(candidates.map((q) => printable(formatTableName(q))))];
  if (names.length) return `; did you mean ${names.slice(0, 3).join(' or ')}?`;
  const all = policy.tables.map((t) => printable(formatTableName(t.table)));
  return all.length <= 5 ? ` (it has ${all.join(', ') || 'no tables'})` : '';
}

export interface IntrospectedDatabase {
  server: ServerInfo;
  driver: DialectDriver;
  actual: Map<string, ActualTable>;
}

/** The tables' actual state with a driver already chosen: apply's checks before and after its steps. */
export async function readTables(session: Session, driver: DialectDriver, tables: QualifiedName[]): Promise<Map<string, ActualTable>> {
  const { actual, problems } = await introspectTables(session, driver, tables);
  if (problems.length) throw new WorkflowError(problems.map((p) => printable(p.message)).join('\n'));
  return actual;
}

async function introspectTables(
  session: Session,
  driver: DialectDriver,
  tables: QualifiedName[],
): Promise<{ actual: Map<string, ActualTable>; problems: Array<{ table: QualifiedName; message: string }> }> {
  const results = await driver.introspect(session.client, tables);
  const actual = new Map<string, ActualTable>();
  const problems: Array<{ table: QualifiedName; message: string }> = [];
  for (const t of tables) {
    const key = `${t.schema}.${t.name}`;
    const r = results.get(key);
    if (!r) problems.push({ table: t, message: `${key}: not introspected` });
    else if (!r.ok) problems.push({ table: t, message: r.error.message });
    else actual.set(key, r.table);
  }
  return { actual, problems };
}

export interface PlanRun extends IntrospectedDatabase {
  plan: Plan;
}

/** Every tablespace the policy names must exist: otherwise apply would fail halfway through. */
export function checkTablespaces(policy: Policy, existing: Set<string>, database: string): void {
  const missing: string[] = [];
  for (const [ti, t] of policy.tables.entries()) {
    const where = `${policy.file}:${t.pos.line}:${t.pos.col} tables[${ti}]`;
    if (t.tablespace !== null && !existing.has(t.tablespace)) missing.push(printable(`${where}.tablespace: tablespace "${t.tablespace}" does not exist in database ${database}`));
    for (const [bi, b] of t.layout.entries()) {
      if (b.tablespace !== null && b.tablespace !== t.tablespace && !existing.has(b.tablespace)) {
        missing.push(printable(`${where}.layout[${bi}].tablespace: tablespace "${b.tablespace}" does not exist in database ${database}`));
      }
    }
  }
  if (missing.length) throw new WorkflowError(missing.join('\n'));
}

/** The server and the actual state of every table of the policy; a table that cannot be read is an error naming where the policy names it. */
export async function introspectPolicy(session: Session, policy: Policy): Promise<IntrospectedDatabase> {
  const server = await serverInfo(session);
  const driver = driverFor(server.dialect);
  const { actual, problems } = await introspectTables(session, driver, policy.tables.map((t) => t.table));
  if (problems.length) {
    // Where the policy names the table, so the reader knows which entry to fix.
    const at = (q: QualifiedName) => {
      const i = policy.tables.findIndex((t) => t.table.schema === q.schema && t.table.name === q.name);
      const t = policy.tables[i];
      return t ? `${printable(policy.file)}:${t.pos.line}:${t.pos.col} tables[${i}].table: ` : '';
    };
    throw new WorkflowError(problems.map((p) => `${at(p.table)}${printable(p.message)}`).join('\n'));
  }
  return { server, driver, actual };
}

export async function computePlan(session: Session, policy: Policy, now: string): Promise<PlanRun> {
  // One session runs its queries in turn: the tablespace list waits behind the others, not after them.
  const [db, tablespaces] = await Promise.all([introspectPolicy(session, policy), listTablespaces(session.client)]);
  checkTablespaces(policy, tablespaces, db.server.database);
  const plan = buildPlan({ policy, actual: db.actual, server: db.server, now, toolVersion: TOOL_VERSION, naming: db.driver.naming });
  for (const t of plan.tables) {
    const a = db.actual.get(t.table);
    if (a) t.partitionsBefore = partitionRefs(a);
  }
  const blocking = plan.tables.flatMap((t) => (t.blocking ?? []).map((b) => printable(`${t.table}: ${b}`)));
  if (blocking.length) throw new WorkflowError(blocking.join('\n'));
  return { ...db, plan };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
