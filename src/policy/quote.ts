// Values from the policy file as they appear in messages: quoted, and cut short when long, so a
// megabyte-long value cannot turn one problem into a megabyte-long line.

// Long enough for any PostgreSQL name (63 bytes).
const MAX_SHOWN = 64;

/** `s` cut to at most `max` characters, with … where it was cut (never inside a surrogate pair). */
export function shorten(s: string, max = MAX_SHOWN): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s[max - 1]!) ? max - 1 : max;
  return `${s.slice(0, end)}…`;
}

/** `"value"` for messages. Control characters are escaped where the message is printed. */
export function quote(s: string): string {
  return `"${shorten(s)}"`;
}
