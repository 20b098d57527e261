// Catalog rows → ActualTable, on rows shaped as POSTGRES_INTROSPECTION_SQL returns them.
import { describe, expect, it } from 'vitest';
import { mapPostgresRows, type PostgresCatalogRow } from '../../../src/catalog/postgres.js';
import { detectDialect, redact, resolveConnection } from '../../../src/catalog/connection.js';

const q = { schema: 'sales', name: 'orders' };

function row(over: Partial<PostgresCatalogRow>): PostgresCatalogRow {
  return {
    schema_name: 'sales', table_name: 'orders', found: true, relkind: 'p', partstrat: 'r', partnatts: 1,
    owner: 'dba', tablespace: null, key_column: 'order_date', key_type: 'date',
    child_schema: null, child_name: null, child_relkind: null, bound: null, child_tablespace: null,
    reltuples: null, bytes: null, access_method: null, ...over,
  };
}

function child(name: string, bound: string, over: Partial<PostgresCatalogRow> = {}): PostgresCatalogRow {
  return row({ child_schema: 'sales', child_name: name, child_relkind: 'r', bound, reltuples: 100, bytes: '8192', access_method: 'heap', ...over });
}

describe('mapPostgresRows', () => {
  it('maps bounds, DEFAULT, tablespaces, estimates and sorts by range', () => {
    const r = mapPostgresRows(
      [
        child('orders_default', 'DEFAULT', { reltuples: -1 }),
        child('orders_p2024_02', "FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')", { child_tablespace: 'warm' }),
        child('orders_old', "FOR VALUES FROM (MINVALUE) TO ('2024-01-01')"),
        child('orders_p2024_01', "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')"),
      ],
      [q],
    ).get('sales.orders')!;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.table.partitions.map((p) => p.table.name)).toEqual(['orders_old', 'orders_p2024_01', 'orders_p2024_02']);
    expect(r.table.partitions[0]!.range).toEqual({ from: -Infinity, to: Date.UTC(2024, 0, 1) });
    expect(r.table.partitions[2]!.tablespace).toBe('warm');
    expect(r.table.defaultPartition?.rowEstimate).toBe(0);
    expect(r.table.keyType).toBe('date');
  });

  it('reads timestamptz bounds printed in UTC and precision modifiers', () => {
    const r = mapPostgresRows(
      [child('e1', "FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-01-02 00:00:00+00')", { key_type: 'timestamp(3) with time zone' })],
      [q],
    ).get('sales.orders')!;
    expect(r.ok && r.table.keyType).toBe('timestamptz');
    expect(r.ok && r.table.partitions[0]!.range).toEqual({ from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 2) });
  });

  it.each([
    [[row({ found: false, relkind: null, partstrat: null })], 'sales.orders: table not found'],
    [[row({ relkind: 'r', partstrat: null })], 'sales.orders: is not a partitioned table'],
    [[row({ partstrat: 'l' })], 'sales.orders: is list partitioned; gppart manages range partitioning only'],
    [[row({ partstrat: 'h' })], 'sales.orders: is hash partitioned; gppart manages range partitioning only'],
    [[row({ partnatts: 2 })], 'sales.orders: has a multi-column partition key; gppart needs one date or timestamp column'],
    [[row({ key_column: null, key_type: null })], 'sales.orders: is partitioned by an expression; gppart needs a plain date or timestamp column'],
    [[row({ key_type: 'integer', key_column: 'id' })], 'sales.orders: partition key id is integer; gppart needs date, timestamp or timestamptz'],
    [[child('sub', "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')", { child_relkind: 'p' })], 'sales.orders: partition sales.sub is itself partitioned; multi-level tables are not supported yet'],
  ])('refuses unsupported tables with a message naming them (%#)', (rows, message) => {
    const r = mapPostgresRows(rows, [q]).get('sales.orders')!;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(message);
  });

  it('answers for every requested table, even one with no rows at all', () => {
    const r = mapPostgresRows([], [q, { schema: 'x', name: 'y' }]);
    expect([...r.keys()]).toEqual(['sales.orders', 'x.y']);
  });
});

describe('connection helpers', () => {
  it('detects every supported dialect and refuses the rest', () => {
    expect(detectDialect('PostgreSQL 17.10 on x86_64-pc-linux-gnu', 170010)).toEqual({ dialect: 'postgres', version: 'PostgreSQL 17.10' });
    expect(detectDialect('PostgreSQL 9.4.26 (Greenplum Database 6.24.3 build commit:abc) on x86_64', 90426).dialect).toBe('greenplum6');
    expect(detectDialect('PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:abc)', 120012).dialect).toBe('greenplum7');
    expect(detectDialect('PostgreSQL 14.4 (Apache Cloudberry 2.0.0-incubating build 1)', 140004).dialect).toBe('cloudberry');
    expect(() => detectDialect('PostgreSQL 8.3.23 (Greenplum Database 5.29.0 build commit:x)', 80323)).toThrow(/unsupported server: Greenplum Database 5\.29\.0/);
    expect(() => detectDialect('PostgreSQL 11.2 on x86_64', 110002)).toThrow(/PostgreSQL 12 or later/);
    expect(() => detectDialect('MySQL 8', 0)).toThrow(/unsupported server/);
  });

  it('takes the connection from the flag, then GPPART_DATABASE_URL, then DATABASE_URL, then libpq', () => {
    expect(resolveConnection('postgres://a', { GPPART_DATABASE_URL: 'postgres://b' }).origin).toBe('--database-url');
    expect(resolveConnection(undefined, { GPPART_DATABASE_URL: 'postgres://b', DATABASE_URL: 'postgres://c' }).url).toBe('postgres://b');
    expect(resolveConnection(undefined, { DATABASE_URL: 'postgres://c' }).url).toBe('postgres://c');
    expect(resolveConnection(undefined, {}).url).toBeUndefined();
  });

  it('redacts the password where a connection string puts it: URLs (also with @ inside), query parameters, keyword strings', () => {
    expect(redact('cannot reach postgres://bob:hunter2@db:5432/x')).toBe('cannot reach postgres://bob:***@db:5432/x');
    expect(redact('cannot reach postgres://bob:p@ss@db:5432/x')).toBe('cannot reach postgres://bob:***@db:5432/x');
    expect(redact('postgres://db/x?user=bob&password=hunter2&sslmode=require')).toBe('postgres://db/x?user=bob&password=***&sslmode=require');
    expect(redact("host=db password='a b c' user=x")).toBe('host=db password=*** user=x');
    expect(redact("host=db password='it\\'s' user=x")).toBe('host=db password=*** user=x');
  });

  it('never masks a name that merely contains the password (no substring redaction)', () => {
    // With the password "test", every "test" used to become "***": schemas, tables, users.
    expect(redact('relation "test_part.sales_test" does not exist; user test')).toBe('relation "test_part.sales_test" does not exist; user test');
  });
});

describe('key statistics of the DEFAULT', () => {
  it('parses pg_stats arrays, quoted or not', async () => {
    const { parseArrayText } = await import('../../../src/catalog/postgres.js');
    expect(parseArrayText('{2024-01-01,2024-02-01}')).toEqual(['2024-01-01', '2024-02-01']);
    expect(parseArrayText('{"2024-01-01 00:00:00+00","2024-02-01 00:00:00+00"}')).toEqual(['2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00']);
    expect(parseArrayText('{}')).toEqual([]);
  });

  it('maps them onto the DEFAULT and estimates the share of rows in ranges', async () => {
    const { shareIn } = await import('../../../src/plan/diff.js');
    const r = mapPostgresRows(
      [child('orders_default', 'DEFAULT', {
        reltuples: 1000, key_null_frac: 0, key_mcv: '{2024-06-15}', key_mcv_freq: [0.2],
        key_histogram: '{2024-01-01,2024-03-01,2024-05-01}',
      })],
      [q],
    ).get('sales.orders')!;
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const def = r.table.defaultPartition!;
    expect(def.keyStats).toEqual({ nullFrac: 0, mcv: [Date.UTC(2024, 5, 15)], mcvFreq: [0.2], histogram: [Date.UTC(2024, 0, 1), Date.UTC(2024, 2, 1), Date.UTC(2024, 4, 1)] });
    // January–February is the first of two histogram buckets holding the 80 % that is not the MCV.
    expect(shareIn(def, [{ from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 2, 1) }])).toBeCloseTo(0.4);
    expect(shareIn(def, [{ from: Date.UTC(2024, 5, 1), to: Date.UTC(2024, 6, 1) }])).toBeCloseTo(0.2);
    expect(shareIn({ ...def, keyStats: undefined }, [{ from: 0, to: 1 }])).toBe(1);
  });
});

describe('connection strings', () => {
  it('reads URLs and libpq keyword/value strings, and refuses anything else in words', async () => {
    const { clientConfig } = await import('../../../src/catalog/connection.js');
    expect(clientConfig('postgres://u:p@h:5/d')).toEqual({ connectionString: 'postgres://u:p@h:5/d' });
    expect(clientConfig("host=db1 port=6543 dbname=dw user=dba password='a b\\'c' sslmode=disable application_name=x")).toEqual({
      host: 'db1', port: 6543, database: 'dw', user: 'dba', password: "a b'c", ssl: false,
    });
    expect(() => clientConfig('postgres://u:p@[bad')).toThrow('the connection string is not a valid URL');
    expect(() => clientConfig('host=db1 nonsense')).toThrow(/neither a URL nor keyword=value/);
  });
});
