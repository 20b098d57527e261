// Escaping for where a value lands, in one place for every renderer. Identifiers, bounds, reasons
// and server messages may hold anything PostgreSQL allows (a newline, `\!`, ESC, backticks, pipes,
// HTML); a plan file read back may hold anything at all. Each output format puts every such value
// through exactly one of these. SQL literals and identifiers are quoted where SQL is built
// (src/catalog/dialect.ts), already free of raw control characters.
import { printable } from '../util/printable.js';

/** Terminal and plain text (the text format, the Ink views, history): one visible line, no escape sequences. */
export function term(s: string): string {
  return printable(s);
}

/** Text after `-- ` in a SQL script: no newline or CR can end the comment and start a psql meta-command. */
export function sqlComment(s: string): string {
  return printable(s);
}

/** Markdown inline code that survives backticks inside the text. */
export function mdCode(s: string): string {
  const t = printable(s);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced Markdown block of these lines (each made printable), its fence longer than any backtick run inside. */
export function mdBlock(lang: string, lines: string[]): string[] {
  const t = lines.map(printable).join('\n');
  const longest = Math.max(2, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, t, fence];
}

/** Inline code inside a table cell: GFM splits cells on pipes even within code spans. */
export function mdCellCode(s: string): string {
  return mdCode(s).replace(/\|/g, '\\|');
}

/** Text for a table cell: pipes and Markdown syntax escaped, one line. */
export function mdCell(s: string): string {
  return mdProse(s);
}

/**
 * Plain prose that must not turn into emphasis, code, a link, HTML, an entity or a table cell
 * break. Characters CommonMark reads as syntax inside a line are backslash-escaped; brackets stay
 * readable (`[2024-01-01, 2024-02-01)`): only `](`, which would open an inline link a name could
 * hold whole (`[click](https://…)`), loses its meaning. Underscores inside words (orders_p2020)
 * stay, since CommonMark never reads those as emphasis. Line-start syntax (`#`, `>`, lists, link
 * reference definitions) cannot occur: printable() leaves no line breaks.
 */
export function mdProse(s: string): string {
  return printable(s)
    .replace(/([\\`*<>|#&~])/g, '\\$1')
    .replace(/\]\(/g, ']\\(')
    .replace(/(^|\W)_|_(?=\W|$)/g, (m) => m.replace('_', '\\_'));
}

const HTML_ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for HTML and SVG, as element content or inside a quoted attribute: the five characters that
 * could open a tag, an entity or leave an attribute become entities, and everything printable()
 * would escape is shown as that visible escape (a name never breaks a line or reorders the page).
 */
export function html(s: string): string {
  return printable(s).replace(/[&<>"']/g, (c) => HTML_ENTITY[c]!);
}
