// Builders for policies and actual states, so scenarios read like the YAML and catalog they stand for.
import { literalToKey } from '../../../src/plan/keys.js';
import type { ActualPartition, ActualTable, CalendarUnit, Every, KeyType, StorageKind } from '../../../src/plan/model.js';
import type { Band, RelativeOffset, TablePolicy } from '../../../src/policy/types.js';

const UNITS: Record<string, CalendarUnit | 'quarter'> = {
  day: 'day', days: 'day', week: 'week', weeks: 'week', month: 'month', months: 'month',
  quarter: 'quarter', quarters: 'quarter', year: 'year', years: 'year',
};

/** "-3 months" → { months: -3 }; "now" and "0" → {}. */
export function offset(text: string): RelativeOffset {
  const t = text.trim();
  if (t === 'now' || t === '0') return {};
  const m = /^([+-]?\d+)\s+(\w+)$/.exec(t);
  if (!m) throw new Error(`bad offset ${text}`);
  const n = Number(m[1]);
  const unit = UNITS[m[2]!];
  if (unit === 'quarter') return { months: 3 * n };
  return { [`${unit}s`]: n };
}

export function every(text: string): Every {
  const m = /^(\d+)\s+(\w+)$/.exec(text.trim());
  if (!m) throw new Error(`bad every ${text}`);
  const n = Number(m[1]);
  const unit = UNITS[m[2]!];
  if (unit === 'quarter') return { unit: 'month', count: 3 * n };
  return { unit: unit!, count: n };
}

export function band(from: string, to: string, everyText: string, opts: { tablespace?: string; storage?: string } = {}): Band {
  return {
    from: offset(from),
    to: offset(to),
    every: every(everyText),
    tablespace: opts.tablespace ?? null,
    storage: opts.storage ?? null,
    fromText: from,
    toText: to,
    everyText,
  };
}

export function policy(layout: Band[], over: Partial<TablePolicy> = {}): TablePolicy {
  return {
    table: { schema: 'sales', name: 'orders' },
    layout,
    archive: null,
    retention: null,
    defaultPartition: 'keep',
    timezone: 'UTC',
    storage: null,
    tablespace: null,
    lock: { mode: 'shared', timeoutMs: 5000 },
    maxStepsPerTable: 0,
    pos: { file: 'gppart.yaml', line: 1, col: 1 },
    ...over,
  };
}

export function retention(text: string): TablePolicy['retention'] {
  return { dropAfter: offset(text), dropAfterText: text };
}

export interface PartSpec {
  from: string;
  to: string;
  name?: string;
  tablespace?: string | null;
  rows?: number;
  storage?: StorageKind;
}

export function table(
  parts: PartSpec[],
  opts: { keyType?: KeyType; defaultRows?: number | null; name?: string; tablespace?: string | null } = {},
): ActualTable {
  const keyType = opts.keyType ?? 'date';
  const name = opts.name ?? 'orders';
  const partitions: ActualPartition[] = parts.map((p, i) => ({
    table: { schema: 'sales', name: p.name ?? `${name}_old${i}` },
    isDefault: false,
    range: { from: literalToKey(keyType, p.from), to: literalToKey(keyType, p.to) },
    tablespace: p.tablespace ?? null,
    storage: p.storage ?? 'heap',
    rowEstimate: p.rows ?? 0,
    bytes: (p.rows ?? 0) * 100,
  }));
  partitions.sort((a, b) => a.range!.from - b.range!.from);
  const defaultRows = opts.defaultRows === undefined ? 0 : opts.defaultRows;
  return {
    table: { schema: 'sales', name },
    keyColumn: 'order_date',
    keyType,
    partitions,
    defaultPartition:
      defaultRows === null
        ? null
        : { table: { schema: 'sales', name: `${name}_default` }, isDefault: true, tablespace: null, storage: 'heap', rowEstimate: defaultRows, bytes: defaultRows * 100 },
    owner: 'gpadmin',
    tablespace: opts.tablespace ?? null,
  };
}
