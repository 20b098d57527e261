// The naming pattern of new partitions ("{table}_{yyyy}_{mm}"): its grammar and whether it tells
// a band's periods apart. Rendering lives with the target layout (src/plan/target.ts).
import type { Every } from '../plan/model.js';
import type { Parsed } from './periods.js';

export type NamingToken = 'table' | 'period' | 'yyyy' | 'mm' | 'dd' | 'q' | 'h' | 'ww' | 'iyyy';
export const NAMING_TOKENS: readonly NamingToken[] = ['table', 'period', 'yyyy', 'mm', 'dd', 'q', 'h', 'ww', 'iyyy'];

export type NamingPart = { literal: string } | { token: NamingToken };

export interface NamingPattern {
  text: string;
  parts: NamingPart[];
}

/** gppart's own names: orders_p2024_01, orders_p2024q1, orders_p2024w03, orders_p2024_01_15. */
export const DEFAULT_NAMING = '{table}_{period}';

/**
 * "{table}_{yyyy}_{mm}" → parts. It must start with {table}: the name then carries the table's
 * own prefix (gppart looks for taken names there, and Greenplum 6 drops it from partition names),
 * and two tables of one schema never compete for a name.
 */
export function parseNaming(text: string): Parsed<NamingPattern> {
  const parts: NamingPart[] = [];
  const re = /\{([^{}]*)\}|([^{}]+)|([{}])/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[3] !== undefined) return { ok: false, message: `"${text}" has an unmatched "${m[3]}"` };
    if (m[2] !== undefined) {
      if (/[\u0000-\u001f\u007f]/.test(m[2])) return { ok: false, message: `"${text}" contains a control character` };
      parts.push({ literal: m[2] });
      continue;
    }
    const token = m[1]!.trim().toLowerCase();
    if (!(NAMING_TOKENS as readonly string[]).includes(token)) {
      return { ok: false, message: `"{${m[1]}}" is not a naming token; use ${NAMING_TOKENS.map((t) => `{${t}}`).join(', ')}` };
    }
    parts.push({ token: token as NamingToken });
  }
  const first = parts[0];
  if (!first || !('token' in first) || first.token !== 'table') {
    return { ok: false, message: `"${text}" must start with {table} (e.g. "{table}_{yyyy}_{mm}")` };
  }
  if (parts.filter((p) => 'token' in p && p.token === 'table').length > 1) {
    return { ok: false, message: `"${text}" names the table twice; write {table} once, at the start` };
  }
  if (parts.length < 2) return { ok: false, message: `"${text}" has no period token, so every partition would get the same name` };
  return { ok: true, value: { text, parts } };
}

/**
 * The tokens a pattern needs to give every period of `every` its own name within a few years, or
 * null when it has them ({period} always does).
 */
export function missingTokens(pattern: NamingPattern, every: Every): string | null {
  const has = new Set(pattern.parts.flatMap((p) => ('token' in p ? [p.token] : [])));
  if (has.has('period')) return null;
  const needs: NamingToken[][] =
    every.unit === 'day'
      ? [['yyyy', 'mm', 'dd']]
      : every.unit === 'week'
        ? [['iyyy', 'ww']]
        : every.unit === 'year' || every.count === 12
          ? [['yyyy']]
          : every.count === 3
            ? [['yyyy', 'q'], ['yyyy', 'mm']]
            : every.count === 6
              ? [['yyyy', 'h'], ['yyyy', 'mm']]
              : [['yyyy', 'mm']];
  if (needs.some((set) => set.every((t) => has.has(t)))) return null;
  return needs.map((set) => set.map((t) => `{${t}}`).join(' and ')).join(', or ');
}
