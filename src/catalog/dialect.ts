// One driver per dialect behind a small interface, as in Atlas and Kysely: adding a dialect adds a
// file here and a folder in sql/, and never touches the planner or the executor.
import type pg from 'pg';
import type { ActualTable, Dialect, PartitionNaming, ProcedureCall, QualifiedName, Step } from '../plan/model.js';
import { hasUnprintable, replaceUnprintable } from '../util/printable.js';

/** A table that cannot be managed, with the reason (printed as `schema.table: reason`). */
export class UnsupportedTableError extends Error {
  constructor(
    public readonly table: QualifiedName,
    reason: string,
  ) {
    super(`${table.schema}.${table.name}: ${reason}`);
    this.name = 'UnsupportedTableError';
  }
}

export type IntrospectionResult = { ok: true; table: ActualTable } | { ok: false; error: UnsupportedTableError };

export interface DialectDriver {
  readonly dialect: Dialect;
  /** Folder under sql/ holding this dialect's migrations. */
  readonly sqlFolder: 'postgres' | 'greenplum6';
  /**
   * Reads every requested table's partitions with one catalog query per run (not one per
   * partition or per table). Keys of the result are "schema.table".
   */
  introspect(client: pg.ClientBase, tables: QualifiedName[]): Promise<Map<string, IntrospectionResult>>;
  /** How this server names the partitions a step creates (the planner allocates names with it). */
  readonly naming: PartitionNaming;
  /** The SQL text of a step's call, with every argument as a quoted literal (for --format sql and the journal). */
  renderCall(call: ProcedureCall): string;
  /**
   * Gathers statistics on what a step created, after its COMMIT (docs/architecture.md: an ANALYZE
   * inside a step that may roll back would leave tables looking empty to every query plan). Each
   * ANALYZE waits for its lock at most `lockTimeoutMs`. Absent where the step functions analyze
   * their new tables themselves (PostgreSQL).
   */
  analyzeCreated?(client: pg.ClientBase, table: QualifiedName, step: Step, lockTimeoutMs: number): Promise<void>;
}

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

/**
 * Quote a SQL string literal the way PostgreSQL's quote_literal does. The text never holds a raw
 * control or invisible character (printable()'s set): those become E'' escapes, so a call shown in
 * a terminal, a ticket or a psql script reads as exactly what runs, and a newline in a name can
 * never end a `--` comment or start a psql meta-command.
 */
export function sqlLiteral(value: string): string {
  const escaped = value.replace(/'/g, "''");
  if (!value.includes('\\') && !hasUnprintable(value)) return `'${escaped}'`;
  // Backslashes are literal in '…' only while standard_conforming_strings is on; E'…' with them
  // doubled means the same under either setting (and on Greenplum 6, where it may be off).
  return `E'${replaceUnprintable(escaped.replace(/\\/g, '\\\\'), (c) => (c.charCodeAt(0) < 0x80 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`))}'`;
}

/**
 * Quote an identifier the way PostgreSQL's quote_ident does (always quoted: never wrong). Raw
 * characters are kept: this text is also what `::regclass` input reads. SQL that is shown or
 * written to a script uses sqlIdentPrintable.
 */
export function sqlIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** sqlIdent, but a name with control or invisible characters is written U&"…" with \XXXX escapes. */
export function sqlIdentPrintable(name: string): string {
  if (!hasUnprintable(name)) return sqlIdent(name);
  return `U&"${replaceUnprintable(name.replace(/\\/g, '\\\\').replace(/"/g, '""'), (c) => `\\${hex(c, 4)}`)}"`;
}

/** `SELECT gppart.fn('a', ARRAY['b']::text[], NULL)` — the same text in every dialect. */
export function renderFunctionCall(call: ProcedureCall): string {
  const args = call.args.map((a) => {
    if (a === null) return 'NULL';
    if (Array.isArray(a)) return a.length === 0 ? `'{}'::text[]` : `ARRAY[${a.map((e) => (e === null ? 'NULL' : sqlLiteral(e))).join(', ')}]::text[]`;
    return sqlLiteral(a);
  });
  const [schema, fn] = call.name.split('.');
  return `SELECT ${sqlIdent(schema!)}.${sqlIdent(fn!)}(${args.join(', ')})`;
}

/**
 * The statements of one step's transaction, as apply runs them and as `--format sql` prints them:
 * the policy's lock timeout, an ACCESS EXCLUSIVE lock on the parent for lock.mode exclusive, the call.
 */
export function stepTransactionSql(
  callSql: string,
  lock: { mode: 'shared' | 'exclusive'; timeoutMs: number },
  table: { schema: string; name: string },
): { begin: string[]; call: string; commit: string } {
  const begin = ['BEGIN', `SET LOCAL lock_timeout = '${Math.max(0, Math.floor(lock.timeoutMs))}ms'`];
  // ONLY: locking the parent already stops every query through it; locking each of thousands of
  // partitions as well would only exhaust the lock table (max_locks_per_transaction).
  if (lock.mode === 'exclusive') begin.push(`LOCK TABLE ONLY ${sqlIdentPrintable(table.schema)}.${sqlIdentPrintable(table.name)} IN ACCESS EXCLUSIVE MODE`);
  return { begin, call: callSql, commit: 'COMMIT' };
}
