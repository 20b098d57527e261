// The SQL of archive and restore on the client path: locks, counts, COPY statements, the
// finishing functions, and the gppart.archives catalog. Dialect differences are passed in.
import type pg from 'pg';
import { renderFunctionCall, sqlIdent } from './dialect.js';
import type { Dialect } from '../plan/model.js';

/** A column as archive writes and restore reads it: name and the type PostgreSQL prints for it. */
export interface ArchiveColumn {
  name: string;
  /** format_type(): "numeric(12,2)", "timestamp with time zone", "text", … */
  type: string;
  /** pg_type.typname of the base type: "numeric", "timestamptz", "_int4", … */
  typname: string;
  notNull: boolean;
}

const qualified = (schema: string, name: string) => `${sqlIdent(schema)}.${sqlIdent(name)}`;

/**
 * The parent's columns in their order, without dropped and (PostgreSQL 12+) generated ones: what
 * COPY writes out and reads back. Greenplum 6 (9.4) has no attgenerated.
 */
export async function archiveColumns(client: pg.ClientBase, dialect: Dialect, schema: string, table: string): Promise<ArchiveColumn[]> {
  const generated = dialect === 'greenplum6' ? '' : `AND a.attgenerated = ''`;
  const r = await client.query<{ name: string; type: string; typname: string; notnull: boolean }>(
    `SELECT a.attname::text AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            t.typname::text AS typname, a.attnotnull AS notnull
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ${generated}
      ORDER BY a.attnum`,
    [schema, table],
  );
  return r.rows.map((x) => ({ name: x.name, type: x.type, typname: x.typname, notNull: x.notnull }));
}

/**
 * The locks of an unload, before the first row is read: other DDL on the parent waits, the
 * partition's writers wait, its readers and every other partition go on.
 */
export function unloadLockSql(table: { schema: string; name: string }, partition: { schema: string; name: string }): string[] {
  return [
    `LOCK TABLE ONLY ${qualified(table.schema, table.name)} IN SHARE UPDATE EXCLUSIVE MODE`,
    `LOCK TABLE ${qualified(partition.schema, partition.name)} IN SHARE MODE`,
  ];
}

/** Session settings that make COPY's text exact and the same everywhere (floats round-trip, ISO dates in UTC). */
export const COPY_SETTINGS_SQL = [`SET LOCAL extra_float_digits = 3`, `SET LOCAL DateStyle = 'ISO, YMD'`, `SET LOCAL TimeZone = 'UTC'`, `SET LOCAL IntervalStyle = 'postgres'`, `SET LOCAL bytea_output = 'hex'`];

export async function countRows(client: pg.ClientBase, schema: string, name: string): Promise<number> {
  const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(schema, name)}`);
  return Number(r.rows[0]!.n);
}

/** On-disk size of the partition, to size upload parts (one call for one relation). */
export async function relationBytes(client: pg.ClientBase, schema: string, name: string): Promise<number> {
  const r = await client.query<{ b: string }>(`SELECT pg_catalog.pg_total_relation_size($1::regclass) AS b`, [qualified(schema, name)]);
  return Number(r.rows[0]!.b);
}

function columnList(columns: ArchiveColumn[]): string {
  return columns.map((c) => sqlIdent(c.name)).join(', ');
}

/** csv: RFC 4180 with a header line, NULL as an empty unquoted field; text: PostgreSQL's own text format. */
export function copyOutSql(schema: string, name: string, columns: ArchiveColumn[], format: 'csv' | 'text'): string {
  const opts = format === 'csv' ? ' WITH (FORMAT csv, HEADER true)' : '';
  return `COPY (SELECT ${columnList(columns)} FROM ${qualified(schema, name)}) TO STDOUT${opts}`;
}

export function copyInSql(schema: string, name: string, columns: ArchiveColumn[], format: 'csv' | 'text'): string {
  const opts = format === 'csv' ? ' WITH (FORMAT csv, HEADER true)' : '';
  return `COPY ${qualified(schema, name)} (${columnList(columns)}) FROM STDIN${opts}`;
}

export interface UnloadFinish {
  table: { schema: string; name: string };
  partition: { schema: string; name: string; from: string; to: string };
  location: string;
  format: string;
  rows: number;
  manifest: string;
  applyId: number | null;
}

/** The finishing call of a client-path unload, with every argument a quoted literal (journal and execution alike). */
export function unloadFinishSql(f: UnloadFinish): string {
  return renderFunctionCall({
    name: 'gppart.unload_finish',
    args: [f.table.schema, f.table.name, f.partition.schema, f.partition.name, f.partition.from, f.partition.to, f.location, f.format, String(f.rows), f.manifest, f.applyId === null ? null : String(f.applyId)],
  });
}

export function restorePrepareSql(table: { schema: string; name: string }, name: string, from: string, to: string): string {
  return renderFunctionCall({ name: 'gppart.restore_prepare', args: [table.schema, table.name, name, from, to] });
}

export function restoreFinishSql(table: { schema: string; name: string }, name: string, from: string, to: string, archiveId: number, applyId: number | null): string {
  return renderFunctionCall({ name: 'gppart.restore_finish', args: [table.schema, table.name, name, from, to, String(archiveId), applyId === null ? null : String(applyId)] });
}

/** One row of gppart.archives. */
export interface ArchiveRecord {
  id: number;
  event: 'archived' | 'restored';
  archiveId: number | null;
  applyId: number | null;
  tableSchema: string;
  tableName: string;
  partitionSchema: string;
  partitionName: string;
  keyType: string;
  from: string;
  to: string;
  location: string;
  format: string;
  via: string;
  rows: number;
  bytes: number | null;
  at: string;
  user: string;
  manifest: unknown;
}

export async function hasArchiveCatalog(client: pg.ClientBase): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>(`SELECT to_regclass('gppart.archives') IS NOT NULL AS ok`);
  return r.rows[0]!.ok;
}

/** The table's archive records, oldest first (all of them when table is null). */
export async function listArchives(client: pg.ClientBase, table: { schema: string; name: string } | null): Promise<ArchiveRecord[]> {
  if (!(await hasArchiveCatalog(client))) return [];
  const r = await client.query(
    `SELECT id, event, archive_id, apply_id, table_schema, table_name, partition_schema, partition_name, key_type,
            range_start, range_end, location, format, via, rows, bytes, at::text AS at, db_user, manifest
       FROM gppart.archives
      WHERE ($1::text IS NULL OR (table_schema = $1 AND table_name = $2))
      ORDER BY id`,
    [table?.schema ?? null, table?.name ?? null],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    event: x.event,
    archiveId: x.archive_id === null ? null : Number(x.archive_id),
    applyId: x.apply_id === null ? null : Number(x.apply_id),
    tableSchema: x.table_schema,
    tableName: x.table_name,
    partitionSchema: x.partition_schema,
    partitionName: x.partition_name,
    keyType: x.key_type,
    from: x.range_start,
    to: x.range_end,
    location: x.location,
    format: x.format,
    via: x.via,
    rows: Number(x.rows),
    bytes: x.bytes === null ? null : Number(x.bytes),
    at: x.at,
    user: x.db_user,
    manifest: x.manifest,
  }));
}

/** Archives whose latest event is 'archived' (not restored since). */
export function currentArchives(records: ArchiveRecord[]): ArchiveRecord[] {
  const restored = new Set(records.filter((r) => r.event === 'restored').map((r) => r.archiveId));
  return records.filter((r) => r.event === 'archived' && !restored.has(r.id));
}

export async function relationExists(client: pg.ClientBase, schema: string, name: string): Promise<boolean> {
  const r = await client.query(
    `SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  return r.rows.length > 0;
}
