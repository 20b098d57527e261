// Greenplum 6 (and Arenadata DB 6, open-gpdb 6): legacy partitioning catalogs pg_partition /
// pg_partition_rule, PostgreSQL 9.4 underneath. See docs/greenplum6.md.
import type pg from 'pg';
import type { ActualPartition, ActualTable, KeyType, PartitionNaming, QualifiedName, Step, StorageKind } from '../plan/model.js';
import { fitName, MAX_IDENTIFIER_BYTES } from '../plan/target.js';
import { renderFunctionCall, UnsupportedTableError, type DialectDriver, type IntrospectionResult } from './dialect.js';
import { keyStatsOf } from './postgres.js';
import { analyzeAfterStep } from './stats.js';
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
 * one row per level-0 rule otherwise, ordered by request then DEFAULT last then parruleord, so the
 * position of a non-default row among its table's is its rank (`FOR (RANK(n))`,
 * pg_partitions.partitionrank).
 *
 * - Everything about the requested table itself is computed once per table (`parent`, OFFSET 0 so
 *   it is not pulled up): the first version computed "is it a child partition" in a correlated
 *   subquery for every partition row (2.6 s at 5,000 partitions).
 * - Tables are found with to_regclass() (no lock, by index), rules through `paroid = ANY(…)`.
 * - bounds are pg_get_expr(node tree, parchildrelid), exactly the text of
 *   pg_partitions.partitionrangestart/end ('2024-01-01'::date).
 * - levels counts the non-template pg_partition rows of the root: 2+ means subpartitioned.
 * - int2vector subscripts start at 0, so paratts[0] is the (first) key column.
 * - options are the relation's reloptions (appendonly, orientation, compresstype, …) as text.
 * - The DEFAULT's key statistics come from pg_stats (pg_statistic is for superusers), once per
 *   table; on a catalog of 25,000 partitions with stale catalog statistics that one lookup costs
 *   ~0.2 s (the view's joins over pg_attribute follow the stale estimates).
 * - taken_names: relations sharing the table's name prefix that are not partitions, which new
 *   partitions' child tables must not be named like.
 */
export const GREENPLUM6_INTROSPECT_SQL = `
WITH req AS (
  SELECT i AS ord, ($1::text[])[i] AS req_schema, ($2::text[])[i] AS req_name,
         pg_catalog.to_regclass((pg_catalog.quote_ident(($1::text[])[i]) || '.' || pg_catalog.quote_ident(($2::text[])[i]))::cstring)::oid AS relid
  FROM generate_series(1, coalesce(array_upper($1::text[], 1), 0)) AS i
), parent AS (
  -- Once per requested table, each lookup by oid or key (catalog statistics are often stale, so
  -- the planner is not trusted to find index paths on its own).
  SELECT r.ord, r.req_schema, r.req_name, r.relid, (r.cls).relkind::text AS relkind,
         pg_catalog.pg_get_userbyid((r.cls).relowner)::text AS owner,
         (SELECT t.spcname::text FROM pg_catalog.pg_tablespace t WHERE t.oid = (r.cls).reltablespace) AS parent_tablespace,
         array_to_string((r.cls).reloptions, ',') AS parent_options,
         (SELECT count(*) FROM pg_catalog.pg_partition x WHERE x.parrelid = r.relid AND NOT x.paristemplate) AS levels,
         -- Only for a name that is not itself partitioned: is it a child of another table?
         CASE WHEN r.paroid IS NULL THEN
           (SELECT pc.relname::text FROM pg_catalog.pg_class pc WHERE pc.oid = (
              SELECT pp0.parrelid FROM pg_catalog.pg_partition pp0 WHERE pp0.oid = (
                SELECT min(pr0.paroid) FROM pg_catalog.pg_partition_rule pr0 WHERE pr0.parchildrelid = r.relid))) END AS partition_of,
         r.paroid, (r.par).parkind::text AS parkind, (r.par).parnatts AS key_count,
         (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.relid AND a.attnum = ((r.par).paratts)[0]) AS key_column,
         (SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.relid AND a.attnum = ((r.par).paratts)[0]) AS key_type,
         -- Relations that are not partitions but share the table's first 12 characters, where the
         -- child tables of new partitions start: an index range scan on relname.
         (SELECT array_agg(o.relname::text ORDER BY o.relname) FROM pg_catalog.pg_class o
           WHERE o.relnamespace = (r.cls).relnamespace
             AND o.relname >= left(r.req_name, 12)::name AND o.relname < (left(r.req_name, 12) || chr(1114111))::name
             AND o.relname <> r.req_name AND o.relkind <> 'i'
             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_partition_rule x WHERE x.parchildrelid = o.oid)) AS taken_names,
         -- The DEFAULT's key statistics: they let a plan count the DEFAULT's rows in a range (a
         -- split's, or those older than retention) instead of saying "up to all of them".
         (SELECT ARRAY[s.null_frac::text, s.most_common_vals::text, s.most_common_freqs::text, s.histogram_bounds::text]
            FROM pg_catalog.pg_partition_rule dr
            JOIN pg_catalog.pg_class dc ON dc.oid = dr.parchildrelid
            JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
            JOIN pg_catalog.pg_stats s ON s.schemaname = dn.nspname AND s.tablename = dc.relname
             AND s.attname = (SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.relid AND a.attnum = ((r.par).paratts)[0])
           WHERE dr.paroid = r.paroid AND dr.parparentrule = 0 AND dr.parisdefault) AS key_stats
  FROM (
    SELECT q.*, (SELECT c FROM pg_catalog.pg_class c WHERE c.oid = q.relid) AS cls,
           (SELECT x FROM pg_catalog.pg_partition x WHERE x.parrelid = q.relid AND x.parlevel = 0 AND NOT x.paristemplate) AS par,
           (SELECT x.oid FROM pg_catalog.pg_partition x WHERE x.parrelid = q.relid AND x.parlevel = 0 AND NOT x.paristemplate) AS paroid
    FROM req q OFFSET 0
  ) r
  OFFSET 0
), rules AS (
  -- The requested tables' rules only, through the paroid index, never the whole catalog.
  SELECT * FROM pg_catalog.pg_partition_rule
  WHERE parparentrule = 0 AND paroid = ANY (ARRAY(
    SELECT x.oid FROM pg_catalog.pg_partition x WHERE x.parrelid = ANY (ARRAY(SELECT relid FROM req)) AND x.parlevel = 0 AND NOT x.paristemplate))
)
SELECT p.req_schema, p.req_name, p.relid IS NOT NULL AS found, p.relkind, p.owner, p.parent_tablespace,
       p.parent_options, p.levels, p.partition_of, p.parkind, p.key_count, p.key_column, p.key_type, p.taken_names,
       cn.nspname::text AS child_schema, cc.relname::text AS child_name,
       pr.parname::text AS partition_name,
       pr.parisdefault AS is_default,
       pg_catalog.pg_get_expr(pr.parrangestart, pr.parchildrelid) AS range_start,
       pr.parrangestartincl AS start_inclusive,
       pg_catalog.pg_get_expr(pr.parrangeend, pr.parchildrelid) AS range_end,
       pr.parrangeendincl AS end_inclusive,
       cts.spcname::text AS tablespace,
       cc.relstorage::text AS relstorage,
       array_to_string(cc.reloptions, ',') AS options,
       cc.reltuples AS reltuples,
       cc.relpages::bigint * ${GREENPLUM6_BLOCK_SIZE} AS bytes,
       CASE WHEN pr.parisdefault THEN (p.key_stats)[1]::float8 END AS key_null_frac,
       CASE WHEN pr.parisdefault THEN (p.key_stats)[2] END AS key_mcv,
       CASE WHEN pr.parisdefault THEN (p.key_stats)[3]::float8[] END AS key_mcv_freq,
       CASE WHEN pr.parisdefault THEN (p.key_stats)[4] END AS key_histogram
FROM parent p
LEFT JOIN rules pr ON pr.paroid = p.paroid
LEFT JOIN pg_catalog.pg_class cc ON cc.oid = pr.parchildrelid
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace
LEFT JOIN pg_catalog.pg_tablespace cts ON cts.oid = cc.reltablespace
ORDER BY p.ord, pr.parisdefault, pr.parruleord`;

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
       array_to_string(c.reloptions, ',') AS options,
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
  /** reloptions of the requested table, comma-separated (NULL when it has none). */
  parent_options?: string | null;
  levels: string | number | null;
  partition_of: string | null;
  parkind: string | null;
  key_count: string | number | null;
  key_column: string | null;
  key_type: string | null;
  child_schema: string | null;
  child_name: string | null;
  partition_name: string | null;
  is_default: boolean | string | null;
  range_start: string | null;
  start_inclusive: boolean | string | null;
  range_end: string | null;
  end_inclusive: boolean | string | null;
  tablespace: string | null;
  relstorage: string | null;
  /** reloptions of the child, comma-separated (NULL when it has none). */
  options?: string | null;
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
  // Rows come in parruleord order, DEFAULT last: a non-default row's position is its rank.
  let rank = 0;
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
    base.options = normalizeOptions(row.options);
    // EVERY-generated partitions have no name; keep the property absent rather than empty.
    if (row.partition_name) base.partitionName = row.partition_name;
    if (isDefault) {
      defaultPartition = { ...base, ...keyStatsOf(row, keyType) };
      continue;
    }
    base.rank = ++rank;
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
    options: normalizeOptions(head.parent_options),
    ...(head.taken_names?.length ? { takenNames: head.taken_names } : {}),
  };
}

/**
 * reloptions text ("appendonly=true,orientation=column,compresstype=zstd") in the form of
 * ActualPartition.options: pairs sorted by key, keys lower-cased, ", " between; '' for none.
 */
export function normalizeOptions(text: string | null | undefined): string {
  if (!text) return '';
  const pairs = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? p.toLowerCase() : `${p.slice(0, eq).trim().toLowerCase()}=${p.slice(eq + 1).trim()}`;
    });
  return pairs.sort().join(', ');
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
FROM pg_catalog.pg_partition_rule pr
JOIN pg_catalog.pg_class c ON c.oid = pr.parchildrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE pr.paroid = (SELECT x.oid FROM pg_catalog.pg_partition x
                    WHERE x.parrelid = pg_catalog.to_regclass((pg_catalog.quote_ident($1) || '.' || pg_catalog.quote_ident($2))::cstring)::oid
                      AND x.parlevel = 0 AND NOT x.paristemplate)
  AND pr.parparentrule = 0 AND c.relstorage <> 'x'
  AND ((pr.parisdefault AND $4::boolean) OR pr.parname = ANY ($3::text[]) OR c.relname = ANY ($3::text[]))
ORDER BY pr.parisdefault, pr.parruleord`;

/**
 * Greenplum 6 never analyzes a table by itself after gppart's steps (the row-writing step
 * functions turn gp_autostats_mode_in_functions off for their call, 046; there is no autovacuum):
 * without this, new partitions and a re-created DEFAULT keep reltuples = 0, the next plan says
 * "~0 rows" and Greenplum's own planner has nothing to go on.
 */
async function analyzeCreated(client: pg.ClientBase, table: QualifiedName, step: Step, lockTimeoutMs: number): Promise<void> {
  if (step.kind !== 'split' && step.kind !== 'merge' && step.kind !== 'move') return;
  const names = step.produces.filter((p) => !p.isDefault).flatMap((p) => (p.partitionName ? [p.name, p.partitionName] : [p.name]));
  const withDefault = step.reads.some((r) => r.isDefault);
  const found = await client.query<{ schema: string; name: string }>(GREENPLUM6_CREATED_SQL, [table.schema, table.name, names, withDefault]);
  await analyzeAfterStep(client, found.rows, lockTimeoutMs);
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
