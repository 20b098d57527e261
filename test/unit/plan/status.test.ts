// gppart status: each partition with the rule it falls under and how it stands against it.
import { describe, expect, it } from 'vitest';
import { tableStatus } from '../../../src/plan/status.js';
import { band, policy, retention, table } from './fixtures.js';

const NOW = '2024-05-15';

describe('tableStatus', () => {
  const p = policy([band('-3 months', '+1 month', '1 month'), band('-2 years', '-3 months', '1 quarter', { tablespace: 'warm' })], {
    retention: retention('3 years'),
  });
  const actual = table(
    [
      { from: '2020-01-01', to: '2021-01-01', name: 'orders_2020', rows: 30 },
      { from: '2021-01-01', to: '2021-07-01', name: 'orders_2021h1', rows: 10 },
      { from: '2023-01-01', to: '2023-04-01', name: 'orders_2023q1', rows: 9, tablespace: 'warm' },
      { from: '2023-04-01', to: '2023-07-01', name: 'orders_2023q2', rows: 9 },
      { from: '2023-07-01', to: '2023-08-01', name: 'orders_2023_07', rows: 3, tablespace: 'warm' },
      { from: '2024-04-01', to: '2024-05-01', name: 'orders_2024_04', rows: 3 },
    ],
    { defaultRows: 42 },
  );
  const s = tableStatus(p, actual, NOW);
  const by = (name: string) => s.partitions.find((x) => x.name === name)!;

  it('names the rule each partition falls under and how it stands', () => {
    expect(by('orders_2020')).toMatchObject({ rule: { kind: 'retention', text: 'retention drop_after 3 years' }, state: { kind: 'drop' } });
    expect(by('orders_2021h1').state).toEqual({ kind: 'outside', text: 'outside every band: left alone' });
    expect(by('orders_2023q1')).toMatchObject({ rule: { kind: 'band', band: 2 }, state: { kind: 'ok', text: 'as wanted' } });
    expect(by('orders_2023q2').state).toEqual({ kind: 'move', text: 'wants tablespace warm: a move' });
    expect(by('orders_2023_07').state).toEqual({ kind: 'reshape', text: 'the band wants [2023-07-01, 2023-10-01): a merge rewrites it' });
    expect(by('orders_2024_04')).toMatchObject({ rule: { kind: 'band', band: 1 }, state: { kind: 'ok' } });
    expect(s.partitions.at(-1)).toMatchObject({ isDefault: true, rows: 42, rule: { kind: 'default', text: 'default_partition: keep' }, state: { text: 'holds ~42 rows no partition takes' } });
  });

  it('keeps bounds, tablespace, storage, rows and size as introspected', () => {
    expect(by('orders_2023q1')).toMatchObject({ from: '2023-01-01', to: '2023-04-01', tablespace: 'warm', storage: 'heap', rows: 9, bytes: 900 });
  });

  it('lists the bands where they lie now, retention, and the periods no partition covers', () => {
    expect(s.bands[1]).toMatchObject({ band: 2, tablespace: 'warm', from: '2022-07-01', to: '2024-01-01' });
    expect(s.retention).toEqual({ text: 'drop_after 3 years', before: '2021-05-15' });
    expect(s.missing[0]).toEqual({ from: '2022-07-01', to: '2022-10-01', band: 2 });
    expect(s.missing.some((m) => m.from === '2024-04-01')).toBe(false);
    expect(s.differing).toBe(3);
  });
});
