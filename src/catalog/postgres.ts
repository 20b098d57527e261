// Declarative partitioning catalogs (pg_partitioned_table, relpartbound): PostgreSQL 12+, and
// Greenplum 7 / Cloudberry / WarehousePG, which inherit them.
import type pg from 'pg';
import type { ActualPartition, ActualTable, Dialect, KeyStats, KeyType, QualifiedName, StorageKind } from '../plan/model.js';
import { literalToKey } from '../plan/keys.js';
import { STANDARD_NAMING } from '../plan/names.js';
import { renderFunctionCall, UnsupportedTableError, type DialectDriver, type IntrospectionResult } from './dialect.js';

/**
 * One row per requested table (with no child columns) plus one per partition. Everything is
 * read in this single statement, so the cost is one round trip whatever the partition count.
 * Sizes come from relpages, not pg_relation_size(): a stat() per partition is what makes
 * catalog tools slow on tables with tens of thousands of partitions.
 * Bounds are deparsed with relid 0: they hold only constants, and pg_get_expr(…, child oid) would
 * take ACCESS SHARE on every partition, making plan (and a second apply) wait behind a running
 * step instead of failing fast on the advisory lock.
 */
export const POSTGRES_INTROSPECTION_SQL = `
WITH req AS (
  SELECT r.schema_name, r.table_name
  FROM unnest($1::text[], $2::text[]) AS r(schema_name, table_name)
), parent AS MATERIALIZED (
  SELECT req.schema_name, req.table_name, c.oid, c.relkind, c.relacl, pt.partstrat, pt.partnatts,
         pt.partattrs[0] AS key_attnum, pt.partdefid, pg_get_userbyid(c.relowner) AS owner,
         ts.spcname AS tablespace,
         (SELECT array_agg(format('%I on %s', fk.conname, fk.conrelid::regclass::text) ORDER BY fk.conname)
            FROM pg_constraint fk WHERE fk.contype = 'f' AND fk.confrelid = c.oid AND fk.conparentid = 0) AS referenced_by,
         (SELECT array_agg(DISTINCT pub.pubname::text ORDER BY pub.pubname::text)
            FROM pg_publication_tables pub
           WHERE pub.schemaname = req.schema_name
             AND (pub.tablename = req.table_name
                  OR pub.tablename IN (SELECT k.relname FROM pg_inherits ki JOIN pg_class k ON k.oid = ki.inhrelid WHERE ki.inhparent = c.oid))) AS published_in,
         -- Relations that are not partitions but share the table's first 12 characters, where new
         -- partition names start: an index range scan on relname, whatever the partition count.
         (SELECT array_agg(o.relname::text ORDER BY o.relname)
            FROM pg_class o
           WHERE o.relname >= left(req.table_name, 12)::name AND o.relname < (left(req.table_name, 12) || chr(1114111))::name
             AND o.relnamespace = n.oid AND o.oid <> c.oid AND NOT o.relispartition AND o.relkind NOT IN ('i', 'I')) AS taken_names
  FROM req
  LEFT JOIN pg_namespace n ON n.nspname = req.schema_name
  LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = req.table_name
  LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
  LEFT JOIN pg_tablespace ts ON ts.oid = c.reltablespace
), default_stats AS MATERIALIZED (
  -- The DEFAULT's key statistics, once per table, looked up by name through pg_stats' own
  -- indexes: OFFSET 0 keeps the planner from flattening the view into a join over every
  -- statistics row, which costs a second on a table with thousands of partitions.
  SELECT p.partdefid, s.null_frac, s.mcv, s.mcv_freq, s.histogram
  FROM parent p
  JOIN pg_class dc ON dc.oid = p.partdefid
  JOIN pg_namespace dn ON dn.oid = dc.relnamespace
  JOIN pg_attribute ka ON ka.attrelid = p.oid AND ka.attnum = p.key_attnum
  CROSS JOIN LATERAL (
    SELECT ps.null_frac::float8 AS null_frac, ps.most_common_vals::text AS mcv,
           ps.most_common_freqs::float8[] AS mcv_freq, ps.histogram_bounds::text AS histogram
    FROM pg_stats ps
    WHERE ps.schemaname = dn.nspname AND ps.tablename = dc.relname AND ps.attname = ka.attname AND NOT ps.inherited
    OFFSET 0
  ) s
), local_objects AS MATERIALIZED (
  -- What a partition has of its own and a merge would not carry over: indexes not attached to a
  -- parent index, triggers not cloned from the parent's (same name); its own grants and options
  -- are read from its pg_class row below (child_grants, child_options), not by another pass over
  -- every partition.
  SELECT o.relid, array_agg(o.obj ORDER BY o.obj) AS objs
  FROM (
    SELECT ix.indrelid AS relid, 'index ' || quote_ident(ic.relname) AS obj
    FROM parent p
    JOIN pg_inherits pi ON pi.inhparent = p.oid
    JOIN pg_index ix ON ix.indrelid = pi.inhrelid
    JOIN pg_class ic ON ic.oid = ix.indexrelid
    WHERE NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = ix.indexrelid)
    UNION ALL
    SELECT tg.tgrelid, 'trigger ' || quote_ident(tg.tgname)
    FROM parent p
    JOIN pg_inherits pi ON pi.inhparent = p.oid
    JOIN pg_trigger tg ON tg.tgrelid = pi.inhrelid AND NOT tg.tgisinternal
    WHERE NOT EXISTS (SELECT 1 FROM pg_trigger ptg WHERE ptg.tgrelid = p.oid AND ptg.tgname = tg.tgname)
  ) o
  GROUP BY o.relid
)
SELECT p.schema_name, p.table_name, p.oid IS NOT NULL AS found, p.relkind::text AS relkind,
       p.partstrat::text AS partstrat, p.partnatts, p.owner, p.tablespace, p.referenced_by, p.published_in, p.taken_names,
       a.attname AS key_column, format_type(a.atttypid, a.atttypmod) AS key_type,
       cn.nspname AS child_schema, cc.relname AS child_name, cc.relkind::text AS child_relkind,
       pg_get_expr(cc.relpartbound, 0) AS bound,
       cts.spcname AS child_tablespace, cc.reltuples::float8 AS reltuples,
       cc.relpages::int8 * current_setting('block_size')::int8 AS bytes,
       am.amname AS access_method,
       st.null_frac AS key_null_frac, st.mcv AS key_mcv, st.mcv_freq AS key_mcv_freq, st.histogram AS key_histogram,
       lo.objs AS local_objects,
       CASE WHEN cc.relacl IS NOT NULL AND cc.relacl IS DISTINCT FROM p.relacl THEN cc.relacl::text END AS child_grants,
       array_to_string(cc.reloptions, ',') AS child_options
FROM parent p
LEFT JOIN pg_attribute a ON a.attrelid = p.oid AND a.attnum = p.key_attnum AND p.key_attnum > 0
LEFT JOIN pg_inherits i ON i.inhparent = p.oid AND p.partstrat IS NOT NULL
LEFT JOIN pg_class cc ON cc.oid = i.inhrelid
LEFT JOIN pg_namespace cn ON cn.oid = cc.relnamespace
LEFT JOIN pg_tablespace cts ON cts.oid = cc.reltablespace
LEFT JOIN pg_am am ON am.oid = cc.relam
LEFT JOIN default_stats st ON st.partdefid = cc.oid
LEFT JOIN local_objects lo ON lo.relid = cc.oid
-- No ORDER BY: rows are grouped by table and partitions ordered by their bounds when mapped;
-- sorting 10,000 wide rows here spilled to disk.`;

export interface PostgresCatalogRow {
  schema_name: string;
  table_name: string;
  found: boolean;
  relkind: string | null;
  partstrat: string | null;
  partnatts: number | null;
  owner: string | null;
  tablespace: string | null;
  key_column: string | null;
  key_type: string | null;
  child_schema: string | null;
  child_name: string | null;
  child_relkind: string | null;
  bound: string | null;
  child_tablespace: string | null;
  reltuples: number | null;
  bytes: string | number | null;
  access_method: string | null;
  referenced_by?: string[] | null;
  published_in?: string[] | null;
  taken_names?: string[] | null;
  local_objects?: string[] | null;
  /** The partition's ACL as text when it differs from the parent's. */
  child_grants?: string | null;
  /** The partition's storage options, comma-separated. */
  child_options?: string | null;
  key_null_frac?: number | null;
  key_mcv?: string | null;
  key_mcv_freq?: number[] | null;
  key_histogram?: string | null;
}

const KEY_TYPES: Record<string, KeyType> = {
  date: 'date',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
};

function keyTypeOf(formatted: string): KeyType | undefined {
  // format_type keeps a precision modifier: "timestamp(0) without time zone"
  return KEY_TYPES[formatted.replace(/\(\d+\)/, '')];
}

const RANGE_BOUND = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/s;

/** "'2024-01-01'" → "2024-01-01"; MINVALUE/MAXVALUE kept as words. */
function unquoteBound(text: string): string {
  const t = text.trim();
  if (t === 'MINVALUE' || t === 'MAXVALUE') return t;
  // The usual case, a quoted literal with no quote inside, without a regular expression.
  if (t.length >= 2 && t.charCodeAt(0) === 39 && t.indexOf("'", 1) === t.length - 1) return t.slice(1, -1);
  const m = /^'((?:[^']|'')*)'$/.exec(t);
  if (!m) throw new Error(`unexpected bound ${t}`);
  return m[1]!.replace(/''/g, "'");
}

function storageOf(accessMethod: string | null): StorageKind {
  switch (accessMethod) {
    case null:
    case 'heap':
      return 'heap';
    case 'ao_row':
      return 'ao_row';
    case 'ao_column':
    case 'aoco':
      return 'ao_column';
    default:
      return 'other';
  }
}

/** Pure: catalog rows → one result per requested table. Unit-testable without a server. */
export function mapPostgresRows(rows: PostgresCatalogRow[], requested: QualifiedName[]): Map<string, IntrospectionResult> {
  const byTable = new Map<string, PostgresCatalogRow[]>();
  // A table's rows mostly come one after another: look it up once per run of rows, not per row
  // (rows in any order still end up with their table).
  let list: PostgresCatalogRow[] = [];
  let last: PostgresCatalogRow | undefined;
  for (const r of rows) {
    if (!last || r.schema_name !== last.schema_name || r.table_name !== last.table_name) {
      const k = `${r.schema_name}.${r.table_name}`;
      list = byTable.get(k) ?? [];
      byTable.set(k, list);
    }
    list.push(r);
    last = r;
  }
  const out = new Map<string, IntrospectionResult>();
  for (const q of requested) {
    const key = `${q.schema}.${q.name}`;
    const list = byTable.get(key) ?? [];
    try {
      out.set(key, { ok: true, table: mapOneTable(q, list) });
    } catch (err) {
      const error = err instanceof UnsupportedTableError ? err : new UnsupportedTableError(q, (err as Error).message);
      out.set(key, { ok: false, error });
    }
  }
  return out;
}

function mapOneTable(q: QualifiedName, rows: PostgresCatalogRow[]): ActualTable {
  const head = rows[0];
  if (!head || !head.found) throw new UnsupportedTableError(q, 'table not found');
  if (head.relkind !== 'p') throw new UnsupportedTableError(q, 'is not a partitioned table');
  if (head.partstrat !== 'r') {
    const kind = head.partstrat === 'l' ? 'list' : head.partstrat === 'h' ? 'hash' : `'${head.partstrat}'`;
    throw new UnsupportedTableError(q, `is ${kind} partitioned; gppart manages range partitioning only`);
  }
  if (head.partnatts !== 1) throw new UnsupportedTableError(q, 'has a multi-column partition key; gppart needs one date or timestamp column');
  if (!head.key_column || !head.key_type) throw new UnsupportedTableError(q, 'is partitioned by an expression; gppart needs a plain date or timestamp column');
  const keyType = keyTypeOf(head.key_type);
  if (!keyType) throw new UnsupportedTableError(q, `partition key ${head.key_column} is ${head.key_type}; gppart needs date, timestamp or timestamptz`);

  const partitions: ActualPartition[] = [];
  let defaultPartition: ActualPartition | null = null;
  for (const r of rows) {
    if (!r.child_name) continue;
    const childName = `${r.child_schema}.${r.child_name}`;
    if (r.child_relkind === 'p') {
      throw new UnsupportedTableError(q, `partition ${childName} is itself partitioned; multi-level tables are not supported yet`);
    }
    // One object per partition, built in place: a table can have 100,000 of them.
    const partition: ActualPartition = {
      table: { schema: r.child_schema!, name: r.child_name },
      tablespace: r.child_tablespace,
      storage: r.child_relkind === 'f' ? 'external' : storageOf(r.access_method),
      rowEstimate: Math.max(0, Math.round(r.reltuples ?? 0)),
      bytes: Number(r.bytes ?? 0),
      isDefault: false,
    };
    const own = localObjectsOf(r);
    if (own) partition.localObjects = own;
    if (r.bound === 'DEFAULT') {
      partition.isDefault = true;
      defaultPartition = Object.assign(partition, keyStatsOf(r, keyType));
      continue;
    }
    const m = r.bound ? RANGE_BOUND.exec(r.bound) : null;
    if (!m) throw new UnsupportedTableError(q, `partition ${childName} has a bound gppart cannot read: ${r.bound}`);
    try {
      partition.range = { from: literalToKey(keyType, unquoteBound(m[1]!)), to: literalToKey(keyType, unquoteBound(m[2]!)) };
    } catch (err) {
      throw new UnsupportedTableError(q, `partition ${childName}: cannot read bound ${r.bound}: ${(err as Error).message}`);
    }
    partitions.push(partition);
  }
  partitions.sort((a, b) => a.range!.from - b.range!.from);
  return {
    table: q,
    keyColumn: head.key_column,
    keyType,
    partitions,
    defaultPartition,
    owner: head.owner ?? '',
    tablespace: head.tablespace,
    ...(head.referenced_by?.length ? { referencedBy: head.referenced_by } : {}),
    ...(head.published_in?.length ? { publishedIn: head.published_in } : {}),
    ...(head.taken_names?.length ? { takenNames: head.taken_names } : {}),
  };
}

/**
 * What a partition has of its own, in the order the catalog query used to aggregate it: grants,
 * indexes, options, triggers (the query sorts the indexes and triggers among themselves).
 */
function localObjectsOf(r: PostgresCatalogRow): string[] | undefined {
  const listed = r.local_objects ?? [];
  if (!listed.length && !r.child_grants && !r.child_options) return undefined;
  const objs = r.child_grants ? [`grants ${r.child_grants}`] : [];
  for (const o of listed) if (o.startsWith('index ')) objs.push(o);
  if (r.child_options) objs.push(`options ${r.child_options}`);
  for (const o of listed) if (!o.startsWith('index ')) objs.push(o);
  return objs;
}

/** `{2024-01-01,"2024-01-02 00:00:00+00"}` → its elements (pg_stats shows anyarray as text). */
export function parseArrayText(text: string): string[] {
  const body = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] === '"') {
      let v = '';
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        v += body[i] ?? '';
        i++;
      }
      out.push(v);
      i += 2; // closing quote and comma
    } else {
      const end = body.indexOf(',', i);
      out.push(body.slice(i, end === -1 ? body.length : end));
      i = end === -1 ? body.length : end + 1;
    }
  }
  return out;
}

/** The DEFAULT's key statistics, when ANALYZE has gathered them; unreadable ones are left out, not guessed. */
export function keyStatsOf(
  r: Pick<PostgresCatalogRow, 'key_null_frac' | 'key_mcv' | 'key_mcv_freq' | 'key_histogram'>,
  keyType: KeyType,
): { keyStats?: KeyStats } {
  if (r.key_null_frac === null || r.key_null_frac === undefined) return {};
  try {
    const histogram = r.key_histogram ? parseArrayText(r.key_histogram).map((v) => literalToKey(keyType, v)) : [];
    const mcv = r.key_mcv ? parseArrayText(r.key_mcv).map((v) => literalToKey(keyType, v)) : [];
    const mcvFreq = (r.key_mcv_freq ?? []).map(Number);
    if (mcv.length !== mcvFreq.length) return {};
    return { keyStats: { nullFrac: Number(r.key_null_frac), mcv, mcvFreq, histogram } };
  } catch {
    return {};
  }
}

export function postgresDriver(dialect: Dialect = 'postgres'): DialectDriver {
  return {
    dialect,
    sqlFolder: 'postgres',
    naming: STANDARD_NAMING,
    async introspect(client: pg.ClientBase, tables: QualifiedName[]) {
      const res = await client.query<PostgresCatalogRow>(POSTGRES_INTROSPECTION_SQL, [
        tables.map((t) => t.schema),
        tables.map((t) => t.name),
      ]);
      return mapPostgresRows(res.rows, tables);
    },
    renderCall: renderFunctionCall,
  };
}
