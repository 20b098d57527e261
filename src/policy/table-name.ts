import type { QualifiedName } from '../plan/model.js';
import type { Parsed } from './periods.js';
import { quote, shorten } from './quote.js';

/** PostgreSQL's (and Greenplum's) limit for any name: NAMEDATALEN - 1 bytes. */
export const NAME_MAX_BYTES = 63;

/** The longest prefix of `s` within `max` UTF-8 bytes, cut between characters as PostgreSQL cuts. */
function clipBytes(s: string, max: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    bytes += Buffer.byteLength(ch, 'utf8');
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

/**
 * Why PostgreSQL could not have a name spelled like this, or null. A longer name would not be
 * refused by the server but silently cut to 63 bytes, so gppart would look for a name that does
 * not exist.
 */
function nameProblem(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL character, which no PostgreSQL name can';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > NAME_MAX_BYTES) {
    return `is ${bytes} bytes long; PostgreSQL keeps only the first ${NAME_MAX_BYTES} bytes of a name ` +
      `(${quote(clipBytes(name, NAME_MAX_BYTES))}): write the name as the database has it`;
  }
  return null;
}

/** A tablespace name as written (gppart quotes it): not empty, and one PostgreSQL can have. */
export function parseTablespace(text: string): Parsed<string> {
  if (text === '') {
    return { ok: false, message: 'must not be empty; leave the key out, or write null for the parent table\'s tablespace' };
  }
  const problem = nameProblem(text);
  return problem ? { ok: false, message: `${quote(text)} ${problem}` } : { ok: true, value: text };
}

/**
 * Reads `schema.table` the way PostgreSQL reads a qualified name: unquoted parts fold A-Z to lower
 * case, double-quoted parts are taken verbatim with "" standing for one ". A name without a
 * schema is in `public`.
 */
export function parseTableName(text: string): Parsed<QualifiedName> {
  const parts: string[] = [];
  let i = 0;
  const bad = (why: string): Parsed<QualifiedName> => ({
    ok: false,
    message:
      `${quote(text)} is not a table name: ${why}; write schema.table, double-quoting a part that ` +
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
      if (!m) return bad(i >= text.length ? 'a part is missing' : `unexpected ${quote(text[i]!)}`);
      // PostgreSQL folds only A-Z in a UTF-8 database; "Ärger" stays "Ärger", not "ärger".
      parts.push(m[0].replace(/[A-Z]/g, (c) => c.toLowerCase()));
      i += m[0].length;
    }
    if (i === text.length) break;
    if (text[i] !== '.') return bad(`unexpected ${quote(text[i]!)}`);
    i++;
  }
  if (parts.length > 2) return bad('it has more than two parts');
  for (const part of parts) {
    const problem = nameProblem(part);
    if (problem) return { ok: false, message: `${quote(text)}: the name ${quote(shorten(part, 20))} ${problem}` };
  }
  if (parts.length === 1) return { ok: true, value: { schema: 'public', name: parts[0]! } };
  return { ok: true, value: { schema: parts[0]!, name: parts[1]! } };
}

/** Display form, quoting a part only when PostgreSQL would need it. */
export function formatTableName(q: QualifiedName): string {
  const part = (s: string) => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
  return `${part(q.schema)}.${part(q.name)}`;
}
