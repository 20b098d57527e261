// Who a backend waits for: read from a second connection while a step runs, so apply can say
// "waiting 12 s for a lock held by pid 4242 (psql, user bob, idle in transaction …)" instead of a
// silent spinner, and cancel the step on Ctrl-C. pg_locks joined to itself works on PostgreSQL
// 12+ and on Greenplum 6 (PostgreSQL 9.4, no pg_blocking_pids()); it names every session holding a
// granted lock on the object the backend waits for.
import type pg from 'pg';

export interface LockHolder {
  pid: number;
  applicationName: string;
  user: string;
  /** pg_stat_activity.state: active, idle in transaction, … */
  state: string | null;
  /** When its transaction began. */
  xactStart: string | null;
  /** Its current or last statement, cut to 200 characters. */
  query: string | null;
  /** The relation the wait is on, when it is one. */
  relation: string | null;
  /** The lock it holds. */
  mode: string;
}

/** The backend's process id (on Greenplum 6, the master's). */
export async function backendPid(client: pg.ClientBase): Promise<number> {
  const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return r.rows[0]!.pid;
}

/** The sessions holding what `pid` waits for; empty when it waits for no lock. */
export async function lockHolders(monitor: pg.ClientBase, pid: number): Promise<LockHolder[]> {
  const r = await monitor.query<{
    pid: number;
    application_name: string | null;
    usename: string | null;
    state: string | null;
    xact_start: string | null;
    query: string | null;
    relation: string | null;
    mode: string;
  }>(
    `SELECT DISTINCT h.pid, a.application_name, a.usename, a.state, a.xact_start::text AS xact_start,
            left(a.query, 200) AS query, w.relation::regclass::text AS relation, h.mode
     FROM pg_locks w
     JOIN pg_locks h ON h.granted AND h.pid <> w.pid
          AND h.locktype = w.locktype
          AND h.database IS NOT DISTINCT FROM w.database
          AND h.relation IS NOT DISTINCT FROM w.relation
          AND h.page IS NOT DISTINCT FROM w.page
          AND h.tuple IS NOT DISTINCT FROM w.tuple
          AND h.virtualxid IS NOT DISTINCT FROM w.virtualxid
          AND h.transactionid IS NOT DISTINCT FROM w.transactionid
          AND h.classid IS NOT DISTINCT FROM w.classid
          AND h.objid IS NOT DISTINCT FROM w.objid
          AND h.objsubid IS NOT DISTINCT FROM w.objsubid
     JOIN pg_stat_activity a ON a.pid = h.pid
     WHERE w.pid = $1 AND NOT w.granted
     ORDER BY h.pid`,
    [pid],
  );
  return r.rows.map((x) => ({
    pid: x.pid,
    applicationName: x.application_name ?? '',
    user: x.usename ?? '?',
    state: x.state,
    xactStart: x.xact_start,
    query: x.query,
    relation: x.relation,
    mode: x.mode,
  }));
}

/** Asks the server to cancel `pid`'s running statement (its transaction then rolls back). */
export async function cancelBackend(monitor: pg.ClientBase, pid: number): Promise<boolean> {
  const r = await monitor.query<{ ok: boolean }>('SELECT pg_cancel_backend($1) AS ok', [pid]);
  return r.rows[0]?.ok === true;
}
