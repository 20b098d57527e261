// `gppart status` as text: per table, the rules of its policy, then one line per partition with
// its bounds, tablespace, storage, rows, size, the rule it falls under and how it stands.
import { literalToDisplay, zoneNote, type BoundFormat } from '../plan/display.js';
import type { ServerInfo } from '../plan/model.js';
import type { TableStatus } from '../plan/status.js';
import { term } from './escape.js';
import { tablespaceText } from './layout-diff.js';
import { formatBytes, formatCount } from './numbers.js';

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

function tableLines(t: TableStatus): string[] {
  const f: BoundFormat = { keyType: t.keyType, timezone: t.timezone };
  const b = (s: string | undefined) => term(literalToDisplay(f, s ?? '?'));
  const bounded = t.partitions.filter((p) => !p.isDefault);
  const rows = t.partitions.reduce((n, p) => n + p.rows, 0);
  const bytes = t.partitions.reduce((n, p) => n + p.bytes, 0);
  const zone = zoneNote(f);
  const out: string[] = [''];
  out.push(
    `${term(t.table)}  key ${term(t.keyColumn)} ${t.keyType}${zone ? `, ${zone}` : ''}; ${formatCount(bounded.length)} partition(s)${t.partitions.some((p) => p.isDefault) ? ' and a DEFAULT' : ''}, ~${formatCount(rows)} rows, ${formatBytes(bytes)}`,
  );
  for (const band of t.bands) {
    const where = band.from ? `${band.periods} period(s) in [${b(band.from)}, ${b(band.to)})` : 'no whole period now';
    out.push(`  ${term(band.text)}: ${where}, tablespace ${term(tablespaceText(band.tablespace))}`);
  }
  if (t.retention) out.push(`  retention ${term(t.retention.text)}: partitions ending on or before ${b(t.retention.before)} are dropped`);
  if (t.archive) out.push(`  archive ${term(t.archive.text)}: partitions ending on or before ${b(t.archive.before)} belong in the archive`);
  out.push(`  default_partition: ${t.defaultPartition}`);
  out.push('');
  const grid = [['PARTITION', 'RANGE', 'TABLESPACE', 'STORAGE', 'ROWS', 'SIZE', 'RULE', 'STATE']];
  for (const p of t.partitions) {
    const rule = p.rule.kind === 'band' ? `band ${p.rule.band}` : p.rule.kind === 'none' ? '-' : p.rule.kind === 'default' ? 'DEFAULT' : p.rule.kind;
    grid.push([
      term(p.schema === t.table.split('.')[0] ? p.name : `${p.schema}.${p.name}`),
      p.isDefault ? 'DEFAULT' : `[${b(p.from)}, ${b(p.to)})`,
      term(tablespaceText(p.tablespace)),
      p.storage,
      `~${formatCount(p.rows)}`,
      formatBytes(p.bytes),
      rule,
      term(p.state.text),
    ]);
  }
  if (t.partitions.length) out.push(...table(grid).map((l) => `  ${l}`));
  else out.push('  no partitions');
  if (t.missing.length) {
    const bands = [...new Set(t.missing.map((m) => m.band))].map((n) => `band ${n}`).join(', ');
    out.push(`  ${formatCount(t.missing.length)} wanted period(s) have no partition yet (${bands}), from ${b(t.missing[0]!.from)} to ${b(t.missing.at(-1)!.to)}`);
  }
  const gaps = [
    ...(t.differing ? [`${formatCount(t.differing)} partition(s) differ from the policy`] : []),
    ...(t.missing.length ? [`${formatCount(t.missing.length)} wanted period(s) are missing`] : []),
  ];
  out.push(gaps.length ? `  ${gaps.join(', ')}: gppart plan shows the steps.` : '  Every partition is as the policy wants.');
  return out;
}

export function renderStatusText(server: ServerInfo, toolVersion: string, now: string, tables: TableStatus[]): string {
  const out = [term(`gppart ${toolVersion} · ${server.version} (${server.dialect}) · ${server.identity} · now ${now}`)];
  for (const t of tables) out.push(...tableLines(t));
  return out.join('\n') + '\n';
}
