import { describe, expect, it } from 'vitest';
import { mapGreenplum6Rows, normalizeOptions, type Greenplum6CatalogRow } from '../../../src/catalog/greenplum6.js';

const SALES = { schema: 'public', name: 'sales' };

function head(over: Partial<Greenplum6CatalogRow> = {}): Greenplum6CatalogRow {
  return {
    req_schema: 'public',
    req_name: 'sales',
    found: true,
    relkind: 'r',
    owner: 'gpadmin',
    parent_tablespace: null,
    levels: '1',
    partition_of: null,
    parkind: 'r',
    key_count: 1,
    key_column: 'sold_on',
    key_type: 'date',
    child_schema: null,
    child_name: null,
    partition_name: null,
    is_default: null,
    range_start: null,
    start_inclusive: null,
    range_end: null,
    end_inclusive: null,
    tablespace: null,
    relstorage: null,
    reltuples: null,
    bytes: null,
    ...over,
  };
}

/** The partitions observed on Greenplum 6.24.3 in the issue, as node-pg returns them. */
function issueRows(): Greenplum6CatalogRow[] {
  const part = (n: number, from: string, to: string): Greenplum6CatalogRow =>
    head({
      child_schema: 'public',
      child_name: `sales_1_prt_${n}`,
      partition_name: null,
      is_default: false,
      range_start: `'${from}'::date`,
      start_inclusive: true,
      range_end: `'${to}'::date`,
      end_inclusive: false,
      tablespace: n === 2 ? 'warm' : null,
      relstorage: 'c',
      reltuples: 1000 * n,
      bytes: String(4 * 32768),
    });
  return [
    part(2, '2024-01-01', '2024-02-01'),
    part(3, '2024-02-01', '2024-03-01'),
    part(4, '2024-03-01', '2024-04-01'),
    head({
      child_schema: 'public',
      child_name: 'sales_1_prt_other',
      partition_name: 'other',
        is_default: true,
      start_inclusive: false,
      end_inclusive: false,
      relstorage: 'c',
      reltuples: -1,
      bytes: '0',
    }),
  ];
}

describe('mapGreenplum6Rows', () => {
  it('maps the partitions Greenplum 6.24.3 really returns', () => {
    const res = mapGreenplum6Rows(issueRows(), [SALES]).get('public.sales');
    expect(res?.ok).toBe(true);
    if (!res?.ok) return;
    const t = res.table;
    expect(t.keyColumn).toBe('sold_on');
    expect(t.keyType).toBe('date');
    expect(t.owner).toBe('gpadmin');
    expect(t.partitions.map((p) => [p.table.name, p.rank, p.range])).toEqual([
      ['sales_1_prt_2', 1, { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 1, 1) }],
      ['sales_1_prt_3', 2, { from: Date.UTC(2024, 1, 1), to: Date.UTC(2024, 2, 1) }],
      ['sales_1_prt_4', 3, { from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 3, 1) }],
    ]);
    expect(t.partitions[0]).not.toHaveProperty('partitionName');
    expect(t.partitions[0]!.tablespace).toBe('warm');
    expect(t.partitions.every((p) => p.storage === 'ao_column')).toBe(true);
    expect(t.partitions[1]!.rowEstimate).toBe(3000);
    expect(t.partitions[1]!.bytes).toBe(131072);
    expect(t.defaultPartition).toMatchObject({ partitionName: 'other', isDefault: true, rowEstimate: 0, storage: 'ao_column' });
    expect(t.defaultPartition).not.toHaveProperty('rank');
    expect(t.defaultPartition?.range).toBeUndefined();
  });

  it('accepts booleans as text and sorts by range, not by catalog order', () => {
    const rows = issueRows()
      .reverse()
      .map((r) => ({ ...r, is_default: r.is_default ? 't' : 'f', start_inclusive: r.start_inclusive ? 't' : 'f', found: 't' }));
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok && res.table.partitions.map((p) => p.table.name)).toEqual(['sales_1_prt_2', 'sales_1_prt_3', 'sales_1_prt_4']);
    expect(res?.ok && res.table.defaultPartition?.table.name).toBe('sales_1_prt_other');
  });

  it('numbers the partitions by catalog order (their rank), the DEFAULT aside', () => {
    const res = mapGreenplum6Rows(issueRows(), [SALES]).get('public.sales');
    expect(res?.ok && res.table.partitions.map((p) => p.rank)).toEqual([1, 2, 3]);
  });

  it('reports storage options, normalised, for the parent and each partition', () => {
    const rows = issueRows().map((r, i) => ({
      ...r,
      parent_options: 'appendonly=true,orientation=column,compresstype=zstd,compresslevel=1',
      options: i === 0 ? null : 'appendonly=true,orientation=column,compresstype=zstd,compresslevel=1',
    }));
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok).toBe(true);
    if (!res?.ok) return;
    expect(res.table.options).toBe('appendonly=true, compresslevel=1, compresstype=zstd, orientation=column');
    expect(res.table.partitions[0]!.options).toBe('');
    expect(res.table.partitions[1]!.options).toBe('appendonly=true, compresslevel=1, compresstype=zstd, orientation=column');
    expect(normalizeOptions('Fillfactor=70')).toBe('fillfactor=70');
    expect(normalizeOptions('')).toBe('');
    expect(normalizeOptions(null)).toBe('');
  });

  it('maps heap, AO row and external partitions', () => {
    const rows = issueRows();
    rows[0]!.relstorage = 'x';
    rows[1]!.relstorage = 'a';
    rows[2]!.relstorage = 'h';
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok && res.table.partitions.map((p) => p.storage)).toEqual(['external', 'ao_row', 'heap']);
  });

  it('normalises inclusive END on a date key', () => {
    const rows = [head({ child_schema: 'public', child_name: 'sales_1_prt_jan', partition_name: 'jan', is_default: false,
      range_start: "'2024-01-01'::date", start_inclusive: true, range_end: "'2024-01-31'::date", end_inclusive: true, relstorage: 'h' })];
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok && res.table.partitions[0]!.range).toEqual({ from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 1, 1) });
  });

  it.each([
    ['missing table', [head({ found: false, parkind: null })], 'table not found'],
    ['no rows at all', [], 'table not found'],
    ['plain table', [head({ parkind: null, levels: '0' })], 'table is not partitioned'],
    ['partition child', [head({ parkind: null, levels: '0', partition_of: 'sales' })], 'is a partition of sales'],
    ['subpartitioned', [head({ levels: '2' })], 'multi-level (subpartitioned) tables are not supported yet'],
    ['list partitioned', [head({ parkind: 'l' })], 'list partitioning is not supported'],
    ['two key columns', [head({ key_count: '2' })], 'more than one column'],
    ['integer key', [head({ key_type: 'integer' })], 'sold_on is of type integer'],
  ])('%s → UnsupportedTableError', (_label, rows, reason) => {
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok).toBe(false);
    if (res && !res.ok) {
      expect(res.error.name).toBe('UnsupportedTableError');
      expect(res.error.message).toContain('public.sales: ');
      expect(res.error.message).toContain(reason);
    }
  });

  it('turns an unreadable bound into an UnsupportedTableError naming the partition', () => {
    const rows = [head({ key_type: 'timestamp without time zone', child_schema: 'public', child_name: 'sales_1_prt_9',
      is_default: false, range_start: "'2024-01-01 00:00:00'::timestamp without time zone", start_inclusive: false,
      range_end: "'2024-02-01 00:00:00'::timestamp without time zone", end_inclusive: false, relstorage: 'h' })];
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok).toBe(false);
    if (res && !res.ok) expect(res.error.message).toMatch(/public\.sales: partition sales_1_prt_9 has an EXCLUSIVE START/);
  });

  it('keeps tables apart and answers for each requested table', () => {
    const other = issueRows().map((r) => ({ ...r, req_name: 'orders', child_name: r.child_name!.replace('sales', 'orders') }));
    const res = mapGreenplum6Rows([...issueRows(), ...other], [SALES, { schema: 'public', name: 'orders' }, { schema: 'x', name: 'y' }]);
    expect([...res.keys()]).toEqual(['public.sales', 'public.orders', 'x.y']);
    expect(res.get('public.orders')?.ok && res.get('public.orders')!.ok).toBe(true);
    const orders = res.get('public.orders');
    expect(orders?.ok && orders.table.partitions[0]!.table.name).toBe('orders_1_prt_2');
    expect(res.get('x.y')?.ok).toBe(false);
  });

  it('maps ten thousand partitions in order', () => {
    const rows: Greenplum6CatalogRow[] = [];
    const start = Date.UTC(2000, 0, 1);
    for (let i = 0; i < 10_000; i++) {
      const from = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      const to = new Date(start + (i + 1) * 86_400_000).toISOString().slice(0, 10);
      rows.push(head({ child_schema: 'public', child_name: `sales_1_prt_${i + 2}`, is_default: false,
        range_start: `'${from}'::date`, start_inclusive: true, range_end: `'${to}'::date`, end_inclusive: false, relstorage: 'c',
        reltuples: 10, bytes: '32768' }));
    }
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok && res.table.partitions.length).toBe(10_000);
    expect(res?.ok && res.table.partitions.every((p, i, all) => i === 0 || all[i - 1]!.range!.to === p.range!.from)).toBe(true);
  });

  it('reports overlapping partitions instead of planning on them', () => {
    const rows = issueRows();
    rows[1]!.range_start = "'2024-01-15'::date";
    const res = mapGreenplum6Rows(rows, [SALES]).get('public.sales');
    expect(res?.ok).toBe(false);
    if (res && !res.ok) expect(res.error.message).toContain('overlap');
  });
});
