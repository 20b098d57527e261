// The gppart schema's bookkeeping: applies, journal, snapshots and the per-table advisory lock.
// Same SQL on every dialect (Greenplum 6 has advisory locks and these tables too).
import type pg from 'pg';
import { sqlIdent, sqlLiteral, stepTransactionSql } from './dialect.js';
import type { ApplySummary, PastApply, StepKind, Throughput } from '../plan/model.js';

/** Arbitrary first half of the advisory lock key, so gppart's locks never meet another tool's. */
const LOCK_CLASS = 0x67707074; // 'gppt'

/** Second half of the key: a stable 31-bit hash of "schema.table". */
export function tableLockKey(table: string): [number, number] {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(table, 'utf8')) {
    h ^= ch;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [LOCK_CLASS, h & 0x7fffffff];
}

export interface LockHolder {
  pid: number;
  applicationName: string;
  user: string;
  client: string | null;
  since: string;
}

/** Takes the table's session-level advisory lock without waiting; on failure says who holds it. */
export async function tryLockTable(client: pg.ClientBase, table: string): Promise<{ ok: true } | { ok: false; holder: LockHolder | null }> {
  const [k1, k2] = tableLockKey(table);
  const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [k1, k2]);
  if (r.rows[0]!.ok) return { ok: true };
  const h = await client.query<{ pid: number; application_name: string; usename: string; client_addr: string | null; backend_start: string }>(
    `SELECT a.pid, a.application_name, a.usename, host(a.client_addr) AS client_addr, a.backend_start::text AS backend_start
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     LIMIT 1`,
    [k1, k2],
  );
  const row = h.rows[0];
  return {
    ok: false,
    holder: row
      ? { pid: row.pid, applicationName: row.application_name, user: row.usename, client: row.client_addr, since: row.backend_start }
      : null,
  };
}

export async function unlockTable(client: pg.ClientBase, table: string): Promise<void> {
  const [k1, k2] = tableLockKey(table);
  await client.query('SELECT pg_advisory_unlock($1::int, $2::int)', [k1, k2]);
}

export async function isInstalled(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>(`SELECT to_regclass('gppart.journal') IS NOT NULL AS ok`);
  return r.rows[0]!.ok;
}

export interface ApplyRecord {
  toolVersion: string;
  policyHash: string;
  planHash: string;
  now: string;
  client: string;
  /** The policy file's text, so the next plan can show what changed in it since. */
  policyText: string;
}

export async function beginApply(client: pg.ClientBase, rec: ApplyRecord): Promise<number> {
  const r = await client.query<{ id: string }>(
    `INSERT INTO gppart.applies (started_at, status, client, tool_version, policy_hash, plan_hash, now_value, policy_text)
     VALUES (now(), 'running', $1, $2, $3, $4, $5, $6) RETURNING id`,
    [rec.client, rec.toolVersion, rec.policyHash, rec.planHash, rec.now, rec.policyText],
  );
  const id = Number(r.rows[0]!.id);
  // Makes a concurrent apply's "locked by" message name this apply.
  await client.query(`SET application_name = ${sqlLiteral(`gppart apply ${id}`)}`);
  return id;
}

export async function finishApply(client: pg.ClientBase, id: number, status: 'done' | 'failed' | 'partial' | 'interrupted'): Promise<void> {
  await client.query(`UPDATE gppart.applies SET finished_at = now(), status = $2 WHERE id = $1`, [id, status]);
}

export async function saveSnapshot(client: pg.ClientBase, applyId: number, phase: 'before' | 'after', table: string, state: unknown): Promise<void> {
  await client.query(`INSERT INTO gppart.snapshots (apply_id, phase, table_name, state) VALUES ($1, $2, $3, $4)`, [
    applyId,
    phase,
    table,
    JSON.stringify(state),
  ]);
}

/** Written and committed before the step's transaction starts, so a killed step stays visible as "started". */
export async function journalStart(client: pg.ClientBase, applyId: number, table: string, stepNo: number, kind: string, call: string): Promise<number> {
  const r = await client.query<{ id: string }>(
    `INSERT INTO gppart.journal (apply_id, table_name, step_no, kind, call, status, started_at)
     VALUES ($1, $2, $3, $4, $5, 'started', clock_timestamp()) RETURNING id`,
    [applyId, table, stepNo, kind, call],
  );
  return Number(r.rows[0]!.id);
}

/** Runs inside the step's transaction: the step and its "done" row commit together or not at all. */
export async function journalDone(client: pg.ClientBase, journalId: number, rows: number): Promise<void> {
  await client.query(`UPDATE gppart.journal SET status = 'done', rows = $2, finished_at = clock_timestamp() WHERE id = $1`, [journalId, rows]);
}

/** Marks a step that has not committed as failed; false when its row already says done. */
export async function journalFailed(client: pg.ClientBase, journalId: number, error: string): Promise<boolean> {
  const r = await client.query(`UPDATE gppart.journal SET status = 'failed', error = $2, finished_at = clock_timestamp() WHERE id = $1 AND status = 'started'`, [
    journalId,
    error,
  ]);
  return (r.rowCount ?? 0) > 0;
}

/** A remark on a finished step (its status stays), e.g. that its statistics could not be gathered. */
export async function journalNote(client: pg.ClientBase, journalId: number, note: string): Promise<void> {
  await client.query(`UPDATE gppart.journal SET error = $2 WHERE id = $1`, [journalId, note]);
}

/** A step cancelled by an interrupt (SIGINT/SIGTERM) and rolled back. */
export async function journalInterrupted(client: pg.ClientBase, journalId: number, message: string): Promise<void> {
  await client.query(`UPDATE gppart.journal SET status = 'interrupted', error = $2, finished_at = clock_timestamp() WHERE id = $1 AND status = 'started'`, [journalId, message]);
}

/**
 * A step not run, with why: skipped (an earlier step of its table failed, or an interrupt) or
 * deferred (the run's budget was spent; the next run goes on).
 */
export async function journalNotRun(
  client: pg.ClientBase,
  applyId: number,
  step: { table: string; stepNo: number; kind: string; call: string },
  status: 'skipped' | 'deferred',
  reason: string,
): Promise<void> {
  await client.query(
    `INSERT INTO gppart.journal (apply_id, table_name, step_no, kind, call, status, started_at, finished_at, error)
     VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp(), clock_timestamp(), $7)`,
    [applyId, step.table, step.stepNo, step.kind, step.call, status, reason],
  );
}

/** BEGIN with the step's lock settings; the caller runs the call, then COMMIT or ROLLBACK. */
export async function beginStep(
  client: pg.ClientBase,
  lock: { mode: 'shared' | 'exclusive'; timeoutMs: number },
  table: { schema: string; name: string },
): Promise<void> {
  for (const statement of stepTransactionSql('', lock, table).begin) await client.query(statement);
}

/** Runs a rendered step call and returns the bigint the function returns. */
export async function runCall(client: pg.ClientBase, sql: string): Promise<number> {
  const r = await client.query(sql);
  const row = r.rows[0] as Record<string, unknown> | undefined;
  const v = row ? Object.values(row)[0] : 0;
  return Number(v ?? 0);
}

export async function countRows(client: pg.ClientBase, schema: string, name: string, keyColumn: string): Promise<{ rows: number; keySum: string }> {
  const r = await client.query<{ n: string; s: string | null }>(
    `SELECT count(*) AS n, sum(extract(epoch FROM ${sqlIdent(keyColumn)}))::text AS s FROM ${sqlIdent(schema)}.${sqlIdent(name)}`,
  );
  return { rows: Number(r.rows[0]!.n), keySum: r.rows[0]!.s ?? '0' };
}

// The journal is counted per apply in a subquery and joined, rather than grouping the join by
// a.id: Greenplum 6's planner cannot sort for that GROUP BY once a WHERE pins the id ("could not
// retrieve tle for sort-from-groupcols").
const APPLIES_SQL = `
  SELECT a.id, a.started_at::text AS started_at, a.finished_at::text AS finished_at,
         -- "running" with no session left to run it: the process was killed or lost its connection.
         -- Only this database's sessions: apply ids are per database, pg_stat_activity is not.
         CASE WHEN a.status = 'running' AND NOT EXISTS (
                SELECT 1 FROM pg_stat_activity sa
                 WHERE sa.datname = current_database() AND sa.application_name = 'gppart apply ' || a.id)
              THEN 'interrupted' ELSE a.status END AS status,
         a.db_user, a.client,
         a.policy_hash, a.plan_hash, a.now_value,
         coalesce(j.done, 0) AS done, coalesce(j.failed, 0) AS failed, coalesce(j.skipped, 0) AS skipped,
         coalesce(j.deferred, 0) AS deferred, coalesce(j.interrupted, 0) AS interrupted, coalesce(j.started, 0) AS started
  FROM gppart.applies a
  LEFT JOIN (
    SELECT apply_id,
           sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done,
           sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
           sum(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS skipped,
           sum(CASE WHEN status = 'deferred' THEN 1 ELSE 0 END) AS deferred,
           sum(CASE WHEN status = 'interrupted' THEN 1 ELSE 0 END) AS interrupted,
           sum(CASE WHEN status = 'started' THEN 1 ELSE 0 END) AS started
    FROM gppart.journal GROUP BY apply_id
  ) j ON j.apply_id = a.id`;

function applySummary(x: Record<string, string | null>, rowsByKind: Record<string, number>): ApplySummary {
  return {
    id: Number(x.id),
    startedAt: x.started_at!,
    finishedAt: x.finished_at,
    status: x.status!,
    user: x.db_user!,
    client: x.client,
    policyHash: x.policy_hash,
    planHash: x.plan_hash,
    now: x.now_value,
    stepsDone: Number(x.done),
    stepsFailed: Number(x.failed),
    stepsSkipped: Number(x.skipped),
    stepsDeferred: Number(x.deferred),
    stepsInterrupted: Number(x.interrupted),
    stepsStarted: Number(x.started),
    rowsByKind,
  };
}

/** Rows of the done steps of these applies, per apply and kind. */
async function rowsByKind(client: pg.ClientBase, ids: number[]): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>(ids.map((id) => [id, {}]));
  if (!ids.length) return out;
  const r = await client.query<{ apply_id: string; kind: string; rows: string }>(
    `SELECT apply_id, kind, sum(rows) AS rows FROM gppart.journal
     WHERE apply_id = ANY($1::bigint[]) AND status = 'done' GROUP BY apply_id, kind`,
    [ids],
  );
  for (const x of r.rows) out.get(Number(x.apply_id))![x.kind] = Number(x.rows ?? 0);
  return out;
}

async function summaries(client: pg.ClientBase, rows: Array<Record<string, string | null>>): Promise<ApplySummary[]> {
  const kinds = await rowsByKind(
    client,
    rows.map((x) => Number(x.id)),
  );
  return rows.map((x) => applySummary(x, kinds.get(Number(x.id)) ?? {}));
}

export async function listApplies(client: pg.ClientBase, limit: number): Promise<ApplySummary[]> {
  const r = await client.query(`${APPLIES_SQL} ORDER BY a.id DESC LIMIT $1`, [limit]);
  return summaries(client, r.rows);
}

export async function applyDetails(client: pg.ClientBase, id: number) {
  const journal = await client.query(
    `SELECT step_no, table_name, kind, call, status, rows, started_at::text AS started_at, finished_at::text AS finished_at,
            extract(epoch FROM finished_at - started_at) AS seconds, error
     FROM gppart.journal WHERE apply_id = $1 ORDER BY id`,
    [id],
  );
  const snaps = await client.query(`SELECT phase, table_name, state FROM gppart.snapshots WHERE apply_id = $1 ORDER BY table_name, phase`, [id]);
  return { journal: journal.rows, snapshots: snaps.rows };
}

/** One apply with its step counts (as listApplies gives them), or null when there is no such id. */
export async function getApply(client: pg.ClientBase, id: number): Promise<ApplySummary | null> {
  const r = await client.query(`${APPLIES_SQL} WHERE a.id = $1`, [id]);
  return r.rows[0] ? (await summaries(client, r.rows))[0]! : null;
}

/** Done steps per kind that a throughput is measured over: the latest ones, as the machine is now. */
const THROUGHPUT_STEPS = 20;

/**
 * Rows per second of the latest done steps of each kind that moved or removed rows, from the
 * journal (each step's time from its journal row to its commit). Empty when nothing was done yet.
 */
export async function pastThroughput(client: pg.ClientBase): Promise<Throughput> {
  const r = await client.query<{ kind: string; steps: string; rows: string; seconds: string }>(
    `SELECT kind, count(*) AS steps, sum(rows) AS rows, sum(seconds) AS seconds
     FROM (SELECT kind, rows, extract(epoch FROM finished_at - started_at) AS seconds,
                  row_number() OVER (PARTITION BY kind ORDER BY id DESC) AS n
           FROM gppart.journal
           WHERE status = 'done' AND rows > 0 AND finished_at > started_at) j
     WHERE n <= $1
     GROUP BY kind`,
    [THROUGHPUT_STEPS],
  );
  const out: Throughput = {};
  for (const x of r.rows) {
    const seconds = Number(x.seconds);
    if (seconds > 0) out[x.kind as StepKind] = { rowsPerSecond: Number(x.rows) / seconds, steps: Number(x.steps) };
  }
  return out;
}

/**
 * The latest apply that changed something (done or partial) in any of these tables ("schema.table"),
 * with the policy it ran with; null when there is none. Other policies' applies on other tables
 * of the same database are not this policy's history.
 */
export async function lastApply(client: pg.ClientBase, tables: string[]): Promise<PastApply | null> {
  const r = await client.query<{ id: string; started_at: string; status: string; policy_hash: string | null; policy_text: string | null }>(
    // Through row_to_json: a schema gppart older than migration 070 has no policy_text column yet.
    `SELECT id, started_at::text AS started_at, status, policy_hash, row_to_json(a)->>'policy_text' AS policy_text
     FROM gppart.applies a
     WHERE status IN ('done', 'partial')
       AND EXISTS (SELECT 1 FROM gppart.journal j WHERE j.apply_id = a.id AND j.status = 'done' AND j.table_name = ANY($1::text[]))
     ORDER BY id DESC LIMIT 1`,
    [tables],
  );
  const x = r.rows[0];
  return x ? { id: Number(x.id), startedAt: x.started_at, status: x.status, policyHash: x.policy_hash, policyText: x.policy_text } : null;
}

/** Names of the tablespaces that exist, so a plan never proposes a step that must fail on one. */
export async function listTablespaces(client: pg.ClientBase): Promise<Set<string>> {
  const r = await client.query<{ spcname: string }>('SELECT spcname FROM pg_tablespace');
  return new Set(r.rows.map((x) => x.spcname));
}
