import type { QualifiedName } from '../plan/model.js';
import type { Parsed } from './periods.js';

/**
 * Reads `schema.table` the way PostgreSQL reads a qualified name: unquoted parts fold to lower
 * case, double-quoted parts are taken verbatim with "" standing for one ". A name without a
 * schema is in `public`.
 */
export function parseTableName(text: string): Parsed<QualifiedName> {
  const parts: string[] = [];
  let i = 0;
  const bad = (why: string): Parsed<QualifiedName> => ({
    ok: false,
    message:
      `"${text}" is not a table name: ${why}; write schema.table, double-quoting a part that ` +
      'has other characters than letters, digits, _ and $ (e.g. "Sales Data"."Orders")',
  });
  for (;;) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) return bad('a quote is not closed');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { part += '"'; i += 2; continue; }
          i++;
          break;
        }
        part += text[i++];
      }
      if (part === '') return bad('a quoted part is empty');
      parts.push(part);
    } else {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(text.slice(i));
      if (!m) return bad(i >= text.length ? 'a part is missing' : `unexpected "${text[i]}"`);
      parts.push(m[0].toLowerCase());
      i += m[0].length;
    }
    if (i === text.length) break;
    if (text[i] !== '.') return bad(`unexpected "${text[i]}"`);
    i++;
  }
  if (parts.length > 2) return bad('it has more than two parts');
  if (parts.length === 1) return { ok: true, value: { schema: 'public', name: parts[0]! } };
  return { ok: true, value: { schema: parts[0]!, name: parts[1]! } };
}

/** Display form, quoting a part only when PostgreSQL would need it. */
export function formatTableName(q: QualifiedName): string {
  const part = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
  return `${part(q.schema)}.${part(q.name)}`;
}
