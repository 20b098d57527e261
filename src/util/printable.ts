// Text that came from outside (identifiers, file names, plan files, server messages) made safe to
// put on one line of a terminal, a log or a comment: every character that is invisible, moves the
// cursor, starts an escape sequence or reorders text is shown as a visible escape instead.
// One definition, shared by the renderers, the CLI's error lines and the policy loader's messages.

/**
 * Characters that must never reach output raw: C0 controls (newline, CR, ESC, NUL, tab…), DEL,
 * C1 controls (U+0080–U+009F; U+009B is a CSI on some terminals), the Unicode line and paragraph
 * separators, zero-width and bidirectional formatting characters (which make a name look like
 * another or reorder the text around it), the BOM, and lone UTF-16 surrogates.
 */
const CLASS = String.raw`[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]`;
const UNPRINTABLE = new RegExp(CLASS, 'g');
const ANY_UNPRINTABLE = new RegExp(CLASS);

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The escape printable() shows for one unprintable character: \n, \r, \t, \xHH or \uHHHH. */
export function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with every unprintable character shown as an escape (`a\nb`), so it stays on one line. */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, escapeChar);
}

/** `s` with every unprintable character replaced by `escape(c)`: for quoting that has its own escapes (SQL). */
export function replaceUnprintable(s: string, escape: (c: string) => string): string {
  return s.replace(UNPRINTABLE, escape);
}

/** True when printable(s) would change s. */
export function hasUnprintable(s: string): boolean {
  return ANY_UNPRINTABLE.test(s);
}

/**
 * A message of several lines (a list of problems) made printable line by line: the line breaks
 * the message itself puts between its lines stay, everything else is escaped. Values put into a
 * message must go through printable() first, or a newline in a value would start a line of its own.
 */
export function printableLines(message: string): string {
  return message
    .split('\n')
    .map((l) => printable(l))
    .join('\n');
}
