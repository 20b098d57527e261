// Big and absurd policies, generated rather than committed: the validation bench measures them,
// and the policy corpus test checks that `gppart validate` answers each of them promptly.

/** `count` one-day bands that touch end to end, newest first: valid, and the worst case for the band checks. */
export function adjacentDayBands(count: number, tables = 1): string {
  let s = 'version: 1\ntables:\n';
  for (let t = 0; t < tables; t++) {
    s += `  - table: s.t${t}\n    layout:\n`;
    for (let i = 0; i < count; i++) s += `      - { from: -${i + 1} days, to: -${i} days, every: 1 day }\n`;
  }
  return s;
}

/** One table with `count` copies of the same band. */
export function identicalBands(count: number): string {
  return 'version: 1\ntables:\n  - table: s.t\n    layout:\n' +
    '      - { from: -3 months, to: +3 months, every: 1 month }\n'.repeat(count);
}

/** `count` tables with nothing but a name. */
export function manyTables(count: number): string {
  let s = 'version: 1\ntables:\n';
  for (let i = 0; i < count; i++) s += `  - table: s.t${i}\n`;
  return s;
}

/** One table with `count` unknown keys, written as compactly as YAML allows. */
export function unknownKeys(count: number): string {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) keys.push(`k${i.toString(36)}: 1`);
  return `version: 1\ntables:\n  - { table: s.t, ${keys.join(', ')} }\n`;
}

/**
 * A realistic policy grown to about `bytes`: tables with three bands, a lock and retention each,
 * as a warehouse with very many managed tables would write it.
 */
export function realisticPolicy(bytes: number): string {
  let s = 'version: 1\ndefaults:\n  timezone: Europe/Berlin\n  lock: { mode: shared, timeout: 5s }\ntables:\n';
  for (let i = 0; s.length < bytes; i++) {
    const entry = `  - table: sales.orders_${i}
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -2 years, to: -3 months, every: 1 quarter, tablespace: warm }
      - { from: -5 years, to: -2 years, every: 1 year, tablespace: cold }
    retention: { drop_after: 7 years }
`;
    if (s.length + entry.length > bytes) break;
    s += entry;
  }
  return s;
}
