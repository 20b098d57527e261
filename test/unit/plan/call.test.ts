import { describe, expect, it } from 'vitest';
import { callFor, StepShapeError } from '../../../src/plan/call.js';
import type { PartitionRef } from '../../../src/plan/model.js';

const T = { schema: 'sales', name: 'orders' };
const part = (name: string, from: string, to: string, tablespace: string | null = null): PartitionRef => ({ name, schema: 'sales', isDefault: false, from, to, tablespace });
const DEF: PartitionRef = { name: 'orders_default', schema: 'sales', isDefault: true, tablespace: null };

describe('callFor', () => {
  it('derives each kind\'s call from its table and partitions', () => {
    expect(callFor({ kind: 'drop', reads: [part('p1', '2020-01-01', '2021-01-01')], produces: [] }, T)).toEqual({
      name: 'gppart.drop_partition',
      args: ['sales', 'orders', 'sales', 'p1', '2020-01-01', '2021-01-01'],
    });
    expect(callFor({ kind: 'move', reads: [part('p1', 'a', 'b')], produces: [part('p1', 'a', 'b', 'warm')] }, T)).toEqual({
      name: 'gppart.move_partition',
      args: ['sales', 'orders', 'sales', 'p1', 'a', 'b', 'warm'],
    });
    expect(callFor({ kind: 'split', reads: [], produces: [DEF] }, T)).toEqual({ name: 'gppart.create_default', args: ['sales', 'orders', 'orders_default', null] });
    expect(callFor({ kind: 'split', reads: [DEF], produces: [part('n1', 'a', 'b', 'warm'), part('n2', 'b', 'c')] }, T, 'fillfactor=70')).toEqual({
      name: 'gppart.split_default',
      args: ['sales', 'orders', ['a', 'b'], ['b', 'c'], ['n1', 'n2'], ['warm', null], 'fillfactor=70'],
    });
    expect(callFor({ kind: 'merge', reads: [part('p1', 'a', 'b'), DEF], produces: [part('q', 'a', 'c')] }, T)).toEqual({
      name: 'gppart.merge_partitions',
      args: ['sales', 'orders', ['sales', 'sales'], ['p1', 'orders_default'], ['a'], ['c'], ['q'], [null], null],
    });
  });

  it('refuses a step whose partitions do not fit its kind', () => {
    const bad: Array<[Parameters<typeof callFor>[0], RegExp]> = [
      [{ kind: 'drop', reads: [], produces: [] }, /drop reads exactly one partition, this one 0/],
      [{ kind: 'drop', reads: [DEF], produces: [] }, /drop reads a partition with bounds, not the DEFAULT/],
      [{ kind: 'drop', reads: [part('p', 'a', 'b')], produces: [part('p', 'a', 'b')] }, /a drop produces no partition/],
      [{ kind: 'move', reads: [part('p', 'a', 'b')], produces: [part('other', 'a', 'b', 'warm')] }, /a move produces the partition it reads/],
      [{ kind: 'move', reads: [part('p', 'a', 'b')], produces: [part('p', 'a', 'b')] }, /named tablespace/],
      [{ kind: 'split', reads: [part('p', 'a', 'b')], produces: [part('n', 'a', 'b')] }, /a split reads the DEFAULT partition or nothing/],
      [{ kind: 'split', reads: [DEF], produces: [{ ...part('n', 'a', 'b'), schema: 'public' }] }, /outside the table's schema sales/],
      [{ kind: 'merge', reads: [], produces: [part('n', 'a', 'b')] }, /a merge reads at least one partition/],
      [{ kind: 'merge', reads: [part('p', 'a', 'b')], produces: [] }, /merge produces no partition/],
      [{ kind: 'unload', reads: [part('p', 'a', 'b')], produces: [] }, /an unload names the objects it writes/],
      [
        { kind: 'unload', reads: [part('p', '2024-01-01', '2024-02-01')], produces: [], archive: { format: 'parquet', via: 'client', bucket: 'b', folder: 'x/sales/other/2024-01-01_2024-02-01/', objects: ['x/sales/other/2024-01-01_2024-02-01/data.parquet'], manifest: 'x/sales/other/2024-01-01_2024-02-01/_manifest.json', then: 'drop' } },
        /an unload of p writes under …\/sales\/orders\/2024-01-01_2024-02-01\/, not x\/sales\/other/,
      ],
      [{ kind: 'truncate' as never, reads: [], produces: [] }, /unknown step kind "truncate"/],
    ];
    for (const [step, message] of bad) expect(() => callFor(step, T)).toThrow(message);
    expect(() => callFor({ kind: 'drop', reads: [], produces: [] }, T)).toThrow(StepShapeError);
  });
});
