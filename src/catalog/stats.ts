// The server's own tuple counters, for `npm run bench`: how many rows a reorganisation really wrote.
import type pg from 'pg';
import { sqlIdent } from './dialect.js';

/**
 * Makes this session's pending statistics visible to others: PostgreSQL 15+ flushes them when
 * the statement after pg_stat_force_next_flush() ends; older servers flush within a second.
 */
export async function flushStats(client: pg.ClientBase): Promise<void> {
  const r = await client.query<{ n: string }>(`SELECT current_setting('server_version_num') AS n`);
  if (Number(r.rows[0]!.n) >= 150000) {
    await client.query('SELECT pg_stat_force_next_flush()');
    await client.query('SELECT 1');
  } else {
    await new Promise((res) => setTimeout(res, 1500));
  }
}

/** n_tup_ins of each partition of schema.table (by child oid), read fresh. */
export async function partitionInsertCounts(client: pg.ClientBase, schema: string, table: string): Promise<Map<number, number>> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  const r = await client.query<{ oid: number; n: string }>(
    `SELECT i.inhrelid::int8 AS oid, coalesce(s.n_tup_ins, 0) AS n
     FROM pg_inherits i LEFT JOIN pg_stat_user_tables s ON s.relid = i.inhrelid
     WHERE i.inhparent = $1::regclass`,
    [`${sqlIdent(schema)}.${sqlIdent(table)}`],
  );
  return new Map(r.rows.map((x) => [Number(x.oid), Number(x.n)]));
}

/**
 * ANALYZE each relation in a transaction of its own, under `lockTimeoutMs`, after the step that
 * changed it committed: never inside a step, whose rollback would leave ANALYZE's in-place
 * reltuples behind. Failures are swallowed: only estimates are at stake.
 */
export async function analyzeAfterStep(client: pg.ClientBase, relations: ReadonlyArray<{ schema: string; name: string }>, lockTimeoutMs: number): Promise<void> {
  for (const r of relations) {
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '${Math.max(1, Math.floor(lockTimeoutMs))}ms'`);
      await client.query(`ANALYZE ${sqlIdent(r.schema)}.${sqlIdent(r.name)}`);
      await client.query('COMMIT');
    } catch {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  }
}
