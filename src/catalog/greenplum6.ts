// Greenplum 6 (and Arenadata DB 6, open-gpdb 6): legacy partitioning catalogs pg_partition /
// pg_partition_rule, PostgreSQL 9.4 underneath. See docs/greenplum6.md.
import type pg from 'pg';
import type { ActualPartition, ActualTable, KeyType, PartitionNaming, QualifiedName, Step, StorageKind } from '../plan/model.js';
import { fitName, MAX_IDENTIFIER_BYTES } from '../plan/target.js';
import { renderFunctionCall, sqlIdent, UnsupportedTableError, type DialectDriver, type IntrospectionResult } from './dialect.js';
import { keyStatsOf } from './postgres.js';
import { Greenplum6BoundError, greenplum6Range, keyTypeFromFormatType } from './greenplum6-bounds.js';

/**
 * GP6's default block size. relpages counts blocks of this size, so relpages × 32768 is the size
 * the planner believes the relation has (as of its last ANALYZE/VACUUM). pg_relation_size() would
 * be exact, but on GP6 every call dispatches to all segments: thousands of partitions means
 * thousands of dispatches inside one query.
 */
export const GREENPLUM6_BLOCK_SIZE = 32768;

/**
 * One query for all requested tables, straight on the catalogs. $1 = schemas, $2 = names (text[],
 * same length). One row per requested table that has no partition rules (or does not exist) and
 * one row per level-0 rule otherwise, ordered by request then DEFAULT last then parruleord.
 *
 * - rank is row_number() over the non-default rules by parruleord: the same numbers as
 *   pg_partitions.partitionrank, i.e. what `FOR (RANK(n))` addresses.
 * - bounds are pg_get_expr(node tree, parchildrelid), exactly the text of
 *   pg_partitions.partitionrangestart/end ('2024-01-01'::date).
 * - levels counts the non-template pg_partition rows of the root: 2+ means subpartitioned.
 * - int2vector subscripts start at 0, so paratts[0] is the (first) key column.
 */
export const GREENPLUM6_INTROSPECT_SQL = `
WITH req AS (
  SELECT i AS ord, ($1::text[])[i] AS req_schema, ($2::text[])[i] AS req_name
  FROM generate_series(1, coalesce(array_upper($1::text[], 1), 0)) AS i
), taken AS (
  -- Relations that are not partitions but share the table's first 12 characters, where the child
  -- tables of new partitions start: an index range scan on relname, once per requested table.
  SELECT r.ord, array_agg(o.relname::text ORDER BY o.relname) AS names
  FROM req r
  JOIN pg_catalog.pg_namespace tn ON tn.nspname = r.req_schema
  JOIN pg_catalog.pg_class o ON o.relnamespace = tn.oid
   AND o.relname >= left(r.req_name, 12)::name AND o.relname < (left(r.req_name, 12) || chr(1114111))::name
  WHERE o.relname <> r.req_name AND o.relkind <> 'i'
    AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule x WHERE x.parchildrelid = o.oid)
  GROUP BY r.ord
), default_stats AS (
  -- The DEFAULT's key statistics, once per table: they let a plan count the DEFAULT's rows in a
  -- range (a split's, or those older than retention) instead of saying "up to all of them".
  SELECT r.ord, s.null_frac::float8 AS null_frac, s.most_common_vals::text AS mcv,
         s.most_common_freqs::float8[] AS mcv_freq, s.histogram_bounds::text AS histogram
  FROM req r
  JOIN pg_catalog.pg_namespace n ON n.nspname = r.req_schema
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.req_name
  JOIN pg_catalog.pg_partition pp ON pp.parrelid = c.oid AND pp.parlevel = 0 AND NOT pp.paristemplate
  JOIN pg_catalog.pg_partition_rule pr ON pr.paroid = pp.oid AND pr.parparentrule = 0 AND pr.parisdefault
  JOIN pg_catalog.pg_class dc ON dc.oid = pr.parchildrelid
  JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
  JOIN pg_catalog.pg_attribute ka ON ka.attrelid = c.oid AND ka.attnum = pp.paratts[0]
  JOIN pg_catalog.pg_stats s ON s.schemaname = dn.nspname AND s.tablename = dc.relname AND s.attname = ka.attname
)
SELECT r.req_schema,
       r.req_name,
       c.oid IS NOT NULL AS found,
       c.relkind::text AS relkind,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       pts.spcname::text AS parent_tablespace,
       (SELECT count(*) FROM pg_catalog.pg_partition x
         WHERE x.parrelid = c.oid AND NOT x.paristemplate) AS levels,
       (SELECT pc.relname::text FROM pg_catalog.pg_partition_rule pr0
          JOIN pg_catalog.pg_partition pp0 ON pp0.oid = pr0.paroid
          JOIN pg_catalog.pg_class pc ON pc.oid = pp0.parrelid
         WHERE pr0.parchildrelid = c.oid LIMIT 1) AS partition_of,
       pp.parkind::text AS parkind,
       pp.parnatts AS key_count,
       a.attname::text AS key_column,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS key_type,
       cn.nspname::text AS child_schema,
       cc.relname::text AS child_name,
       pr.parname::text AS partition_name,
       CASE WHEN pr.parisdefault THEN NULL
            ELSE row_number() OVER (PARTITION BY pr.paroid, pr.parisdefault ORDER BY pr.parruleord) END AS partition_rank,
       pr.parisdefault AS is_default,
       pg_catalog.pg_get_expr(pr.parrangestart, pr.parchildrelid) AS range_start,
       pr.parrangestartincl AS start_inclusive,
       pg_catalog.pg_get_expr(pr.parrangeend, pr.parchildrelid) AS range_end,
       pr.parrangeendincl AS end_inclusive,
       cts.spcname::text AS tablespace,
       cc.relstorage::text AS relstorage,
       cc.reltuples AS reltuples,
       cc.relpages::bigint * ${GREENPLUM6_BLOCK_SIZE} AS bytes,
       tk.names AS taken_names,
       CASE WHEN pr.parisdefault THEN ds.null_frac END AS key_null_frac,
       CASE WHEN pr.parisdefault THEN ds.mcv END AS key_mcv,
       CASE WHEN pr.parisdefault THEN ds.mcv_freq END AS key_mcv_freq,
       CASE WHEN pr.parisdefault THEN ds.histogram END AS key_histogram
FROM req r
LEFT JOIN taken tk ON tk.ord = r.ord
LEFT JOIN default_stats ds ON ds.ord = r.ord
LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = r.req_schema
LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = r.req_name
LEFT JOIN pg_catalog.pg_tablespace pts ON pts.oid = c.reltablespace
LEFT JOIN pg_catalog.pg_partition pp ON pp.parrelid = c.oid AND pp.parlevel = 0 AND NOT pp.paristemplate
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = pp.paratts[0]
LEFT JOIN pg_catalog.pg_partition_rule pr ON pr.paroid = pp.oid AND pr.parparentrule = 0
LEFT JOIN pg_catalog.pg_class cc ON cc.oid = pr.parchildrelid
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace
LEFT JOIN pg_catalog.pg_tablespace cts ON cts.oid = cc.reltablespace
ORDER BY r.ord, pr.parisdefault, pr.parruleord`;

/**
 * The same information through the pg_partitions view, kept for the benchmark only: the view
 * computes pg_get_partition_rule_def() and two window functions for every partition of every
 * table in the database before the WHERE applies, which takes seconds on clusters with tens of
 * thousands of partitions. Returns only tables that have partitions; the driver does not use it.
 */
export const GREENPLUM6_INTROSPECT_VIA_VIEW_SQL = `
SELECT p.schemaname::text AS req_schema, p.tablename::text AS req_name,
       p.partitionschemaname::text AS child_schema, p.partitiontablename::text AS child_name,
       p.partitionname::text AS partition_name, p.partitionrank AS partition_rank,
       p.partitionisdefault AS is_default, p.partitiontype, p.partitionlevel,
       p.partitionrangestart AS range_start, p.partitionstartinclusive AS start_inclusive,
       p.partitionrangeend AS range_end, p.partitionendinclusive AS end_inclusive,
       p.partitiontablespace::text AS tablespace, c.relstorage::text AS relstorage,
       c.reltuples, c.relpages::bigint * ${GREENPLUM6_BLOCK_SIZE} AS bytes
FROM pg_catalog.pg_partitions p
JOIN pg_catalog.pg_namespace n ON n.nspname = p.partitionschemaname
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = p.partitiontablename
WHERE (p.schemaname::text, p.tablename::text) IN (
  SELECT ($1::text[])[i], ($2::text[])[i] FROM generate_series(1, coalesce(array_upper($1::text[], 1), 0)) AS i)
ORDER BY p.schemaname, p.tablename, p.partitionisdefault, p.partitionposition`;

/** A row of GREENPLUM6_INTROSPECT_SQL as node-pg returns it (bigint as string, char as text). */
export interface Greenplum6CatalogRow {
  req_schema: string;
  req_name: string;
  found: boolean | string | null;
  relkind: string | null;
  owner: string | null;
  parent_tablespace: string | null;
  levels: string | number | null;
  partition_of: string | null;
  parkind: string | null;
  key_count: string | number | null;
  key_column: string | null;
  key_type: string | null;
  child_schema: string | null;
  child_name: string | null;
  partition_name: string | null;
  partition_rank: string | number | null;
  is_default: boolean | string | null;
  range_start: string | null;
  start_inclusive: boolean | string | null;
  range_end: string | null;
  end_inclusive: boolean | string | null;
  tablespace: string | null;
  relstorage: string | null;
  reltuples: string | number | null;
  bytes: string | number | null;
  taken_names?: string[] | null;
  key_null_frac?: number | null;
  key_mcv?: string | null;
  key_mcv_freq?: number[] | null;
  key_histogram?: string | null;
}

function bool(v: boolean | string | null | undefined): boolean {
  return v === true || v === 't' || v === 'true';
}

function num(v: string | number | null | undefined): number {
  if (v === null || v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export function storageKind(relstorage: string | null): StorageKind {
  switch (relstorage) {
    case 'h':
      return 'heap';
    case 'a':
      return 'ao_row';
    case 'c':
      return 'ao_column';
    case 'x':
      return 'external';
    default:
      return 'other';
  }
}

export function tableKey(t: QualifiedName): string {
  return `${t.schema}.${t.name}`;
}

/**
 * Turns the catalog rows into one result per requested table. Pure, so it is tested on rows
 * shaped exactly as Greenplum 6 returns them.
 */
export function mapGreenplum6Rows(
  rows: readonly Greenplum6CatalogRow[],
  requested: readonly QualifiedName[],
): Map<string, IntrospectionResult> {
  const byTable = new Map<string, Greenplum6CatalogRow[]>();
  for (const row of rows) {
    const key = `${row.req_schema}.${row.req_name}`;
    let list = byTable.get(key);
    if (!list) byTable.set(key, (list = []));
    list.push(row);
  }
  const out = new Map<string, IntrospectionResult>();
  for (const table of requested) {
    const key = tableKey(table);
    const tableRows = byTable.get(key) ?? [];
    try {
      out.set(key, { ok: true, table: mapTable(table, tableRows) });
    } catch (e) {
      if (e instanceof UnsupportedTableError) out.set(key, { ok: false, error: e });
      else if (e instanceof Greenplum6BoundError) out.set(key, { ok: false, error: new UnsupportedTableError(table, e.message) });
      else throw e;
    }
  }
  return out;
}

function mapTable(table: QualifiedName, rows: Greenplum6CatalogRow[]): ActualTable {
  const unsupported = (reason: string) => new UnsupportedTableError(table, reason);
  const head = rows[0];
  if (!head || !bool(head.found)) throw unsupported('table not found');
  if (head.relkind !== null && head.relkind !== 'r') throw unsupported('not a table');
  if (head.parkind === null) {
    if (head.partition_of) throw unsupported(`is a partition of ${head.partition_of}; name the partitioned table instead`);
    throw unsupported('table is not partitioned');
  }
  if (num(head.levels) > 1) throw unsupported('multi-level (subpartitioned) tables are not supported yet');
  if (head.parkind === 'l') throw unsupported('list partitioning is not supported (only range partitioning on a date or timestamp key)');
  if (head.parkind !== 'r') throw unsupported(`partitioning kind '${head.parkind}' is not supported (only range)`);
  if (num(head.key_count) !== 1) throw unsupported('partitioned on more than one column; gppart needs a single key column');
  if (!head.key_column || !head.key_type) throw unsupported('partition key column not found in the catalog');
  const keyType: KeyType | null = keyTypeFromFormatType(head.key_type);
  if (!keyType) {
    throw unsupported(`partition key ${head.key_column} is of type ${head.key_type}; only date, timestamp and timestamptz are supported`);
  }

  const partitions: ActualPartition[] = [];
  let defaultPartition: ActualPartition | null = null;
  for (const row of rows) {
    if (row.child_name === null || row.child_schema === null) continue;
    const isDefault = bool(row.is_default);
    const base: ActualPartition = {
      table: { schema: row.child_schema, name: row.child_name },
      isDefault,
      tablespace: row.tablespace,
      storage: storageKind(row.relstorage),
      rowEstimate: Math.max(0, Math.round(num(row.reltuples))),
      bytes: Math.max(0, num(row.bytes)),
    };
    // EVERY-generated partitions have no name; keep the property absent rather than empty.
    if (row.partition_name) base.partitionName = row.partition_name;
    if (isDefault) {
      defaultPartition = { ...base, ...keyStatsOf(row, keyType) };
      continue;
    }
    if (row.partition_rank !== null) base.rank = num(row.partition_rank);
    base.range = greenplum6Range(
      {
        start: row.range_start,
        startInclusive: bool(row.start_inclusive),
        end: row.range_end,
        endInclusive: bool(row.end_inclusive),
      },
      keyType,
      row.child_name,
    );
    partitions.push(base);
  }
  partitions.sort((a, b) => a.range!.from - b.range!.from);
  for (let i = 1; i < partitions.length; i++) {
    const prev = partitions[i - 1]!;
    const cur = partitions[i]!;
    if (cur.range!.from < prev.range!.to) {
      throw unsupported(`partitions ${prev.table.name} and ${cur.table.name} overlap`);
    }
  }
  return {
    table,
    keyColumn: head.key_column,
    keyType,
    partitions,
    defaultPartition,
    owner: head.owner ?? '',
    tablespace: head.parent_tablespace,
    ...(head.taken_names?.length ? { takenNames: head.taken_names } : {}),
  };
}

/** What Greenplum 6 puts between the table name and the partition name in a child table's name. */
const CHILD_INFIX = '_1_prt_';

/**
 * Greenplum 6 names the child table of partition `name` `<table>_1_prt_<name>`, cutting the table
 * part (whole characters) so that the whole fits 63 bytes. Partition names therefore leave the
 * table name out (`p2024_01`, not `orders_p2024_01`, which would repeat it), and must leave at
 * least one byte of it: longer ones make Greenplum build a broken name and fail the statement.
 */
export const GREENPLUM6_NAMING: PartitionNaming = {
  argument(_table, suffix) {
    const name = suffix.replace(/^_+/, '') || 'p';
    return Buffer.byteLength(CHILD_INFIX + name, 'utf8') < MAX_IDENTIFIER_BYTES ? name : null;
  },
  relation: (table, argument) => fitName(table, CHILD_INFIX + argument),
};
/**
 * The child tables a committed step created or rewrote, found in the catalog by partition name (what
 * split and merge were given; Greenplum forms, and may shorten, the child's own name) or child name
 * (what a move names), plus the DEFAULT when $4.
 */
export const GREENPLUM6_CREATED_SQL = `
SELECT n.nspname::text AS schema, c.relname::text AS name
FROM pg_catalog.pg_class p
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_catalog.pg_partition pp ON pp.parrelid = p.oid AND pp.parlevel = 0 AND NOT pp.paristemplate
JOIN pg_catalog.pg_partition_rule pr ON pr.paroid = pp.oid AND pr.parparentrule = 0
JOIN pg_catalog.pg_class c ON c.oid = pr.parchildrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE pn.nspname = $1 AND p.relname = $2
  AND c.relstorage <> 'x'
  AND ((pr.parisdefault AND $4::boolean) OR pr.parname = ANY ($3::text[]) OR c.relname = ANY ($3::text[]))
ORDER BY pr.parisdefault, pr.parruleord`;

/**
 * Greenplum 6 never analyzes a table by itself after gppart's steps (autostats is off inside
 * functions, and there is no autovacuum): without this, new partitions and a re-created DEFAULT keep
 * reltuples = 0, the next plan says "~0 rows" and Greenplum's own planner has nothing to go on.
 */
async function analyzeCreated(client: pg.ClientBase, table: QualifiedName, step: Step, lockTimeoutMs: number): Promise<string[]> {
  if (step.kind === 'drop' || step.kind === 'unload') return [];
  const names = step.produces.filter((p) => !p.isDefault).map((p) => p.name);
  const withDefault = step.reads.some((r) => r.isDefault);
  const found = await client.query<{ schema: string; name: string }>(GREENPLUM6_CREATED_SQL, [table.schema, table.name, names, withDefault]);
  const analyzed: string[] = [];
  for (const child of found.rows) {
    const rel = `${sqlIdent(child.schema)}.${sqlIdent(child.name)}`;
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = '${Math.max(0, Math.floor(lockTimeoutMs))}ms'`);
      await client.query(`ANALYZE ${rel}`);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    analyzed.push(rel);
  }
  return analyzed;
}

export function greenplum6Driver(): DialectDriver {
  return {
    dialect: 'greenplum6',
    sqlFolder: 'greenplum6',
    naming: GREENPLUM6_NAMING,
    async introspect(client: pg.ClientBase, tables: QualifiedName[]) {
      if (tables.length === 0) return new Map();
      const res = await client.query<Greenplum6CatalogRow>(GREENPLUM6_INTROSPECT_SQL, [
        tables.map((t) => t.schema),
        tables.map((t) => t.name),
      ]);
      return mapGreenplum6Rows(res.rows, tables);
    },
    renderCall: renderFunctionCall,
    analyzeCreated,
  };
}
