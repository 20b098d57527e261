// The policy file as text with positions: reading it, parsing YAML, and locating paths in it.

import { Document, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Node } from 'yaml';
import { IssueList, formatPath, type LineCol, type Locator, type Path } from './validate.js';
import { PolicyError } from './types.js';
import { POLICY_LIMITS, checkStructure } from './limits.js';
import { shorten } from './quote.js';
import { FileTooLargeError, formatBytes, readFileLimited } from '../util/read-limited.js';

const fileIssue = (file: string, message: string) => new PolicyError([{ file, line: 1, col: 1, path: '(file)', message }]);

/** YAML syntax errors shown for one file; the rest are counted in one more line. */
const MAX_SYNTAX_ISSUES = 20;

const TOO_LARGE = `a policy file may have at most ${formatBytes(POLICY_LIMITS.fileBytes)}: split it into several files`;

/** Reads a policy file, turning every file-system failure into a PolicyError. */
export function readPolicyBytes(file: string): Buffer {
  try {
    return readFileLimited(file, POLICY_LIMITS.fileBytes);
  } catch (err) {
    if (err instanceof FileTooLargeError) {
      throw fileIssue(file, err.size === null ? `holds more than ${formatBytes(err.maxBytes)}; ${TOO_LARGE}` : `is ${formatBytes(err.size)}; ${TOO_LARGE}`);
    }
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file'
        : code === 'EISDIR' ? 'is a directory, not a policy file'
          : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
            : `cannot be read (${code ?? (err as Error).message})`;
    throw fileIssue(file, why);
  }
}

/** The text of a policy's bytes; also where the size limit holds for text that did not come from a file (a plan's embedded policy). */
export function decodeUtf8(bytes: Buffer, file: string): string {
  if (bytes.length > POLICY_LIMITS.fileBytes) throw fileIssue(file, `is ${formatBytes(bytes.length)}; ${TOO_LARGE}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileIssue(file, 'is not UTF-8 text');
  }
}

/**
 * Parses YAML: syntax errors with the parser's positions in words a policy author knows, then
 * the size limits and duplicate keys, then the data.
 */
export function parseYaml(text: string, file: string): { doc: Document; locator: Locator; data: unknown } {
  const lineCounter = new LineCounter();
  // Duplicate keys are found by checkStructure: the parser's own check is quadratic in the keys of
  // a map. Its errors are Error objects; without stack traces a file of a million mistakes costs a
  // third of the time and memory (only their messages and positions are used).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let docs: Document.Parsed[];
  try {
    // An empty stream (only comments) comes back as an empty list.
    docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const issues = new IssueList(file);
  if (docs.length === 0) {
    // Nothing but comments and blank lines: an empty document, which validation names as such.
    const empty = new Document(null);
    return { doc: empty, locator: yamlLocator(empty, lineCounter), data: null };
  }
  if (docs.length > 1) {
    const second = lineCounter.linePos(docs[1]!.range[0]);
    issues.add(second, '(file)',
      `the file holds ${docs.length} YAML documents (the second starts at line ${second.line}); gppart reads one: ` +
        'put every table in one document');
    throw new PolicyError(issues.sorted());
  }
  const doc = docs[0]!;
  if (doc.errors.length && (text.match(/\r(?!\n)/g)?.length ?? 0) > (text.match(/\n/g)?.length ?? 0)) {
    issues.add({ line: 1, col: 1 }, '(file)', 'its lines end with a carriage return alone (CR); YAML needs LF or CR LF line ends');
    throw new PolicyError(issues.sorted());
  }
  if (doc.errors.length) {
    // One mistake often derails the parser for the rest of its line and of the file: the first
    // error of each line, and of those the first few, say it all.
    const lines = new Set<number>();
    const errors = doc.errors.filter((e) => {
      const line = lineCounter.linePos(e.pos[0]).line;
      if (lines.has(line) || (e.code === 'RESOURCE_EXHAUSTION' && lines.size > 0)) return false;
      lines.add(line);
      return true;
    });
    for (const e of errors.slice(0, MAX_SYNTAX_ISSUES)) {
      issues.add(lineCounter.linePos(e.pos[0]), '(syntax)', plainSyntaxMessage(e.code, e.message));
    }
    if (errors.length > MAX_SYNTAX_ISSUES) {
      issues.add(lineCounter.linePos(errors[MAX_SYNTAX_ISSUES]!.pos[0]), '(syntax)',
        `${errors.length - MAX_SYNTAX_ISSUES} more YAML syntax errors from here on, not shown; fix the ones above first`);
    }
    throw new PolicyError(issues.sorted());
  }
  checkStructure(doc, lineCounter, issues);
  if (issues.items.length) throw new PolicyError(issues.sorted());
  return { doc, locator: yamlLocator(doc, lineCounter), data: toPlainData(doc, lineCounter, file) };
}

/**
 * The YAML parser's messages speak of nodes, tokens, flow and block collections; a policy author
 * thinks of keys, values, lists, maps, { } and [ ].
 */
export function plainSyntaxMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/:$/, '').replace(/ at line \d+, column \d+$/, '');
  const unexpected = /^Unexpected .*? in YAML (?:stream|document): "(.*)"$/.exec(first);
  if (code === 'UNEXPECTED_TOKEN' && unexpected) {
    return `unexpected ${JSON.stringify(unexpected[1])} here; check the indentation of this line and the lines above`;
  }
  if (code === 'UNEXPECTED_TOKEN' && /^Unexpected .+ (?:at node end|token)$/.test(first)) {
    return 'this line does not fit into what the lines above started; check its indentation';
  }
  switch (code) {
    case 'RESOURCE_EXHAUSTION':
      return 'the file is nested too deeply (or repeats aliases too often) to be read; a policy needs only a few levels';
    case 'KEY_OVER_1024_CHARS':
      return 'a key must be followed by ":" within 1024 characters';
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must be on one line: is a ":" missing, or a quote not closed?';
    case 'BLOCK_IN_FLOW':
      return 'a "- item" or "key: value" line cannot stand inside [ ] or { }; use commas there';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a list or map cannot be a key; is the indentation right?';
    case 'TAB_AS_INDENT':
      return 'tabs cannot indent YAML; indent with spaces';
    case 'MULTIPLE_ANCHORS':
      return 'a value can have only one &anchor';
    case 'MULTIPLE_TAGS':
      return 'a value can have only one !tag';
    case 'ALIAS_PROPS':
      return 'an *alias cannot have its own &anchor or !tag';
    case 'BAD_PROP_ORDER':
      return 'an &anchor or !tag must come after the "-" or "?" it belongs to';
    case 'BAD_SCALAR_START': {
      const c = /character (.)$/.exec(first)?.[1];
      return c ? `a value cannot start with ${c} unless it is quoted: write "${c}…"` : 'this value must be quoted';
    }
    default:
      break;
  }
  return first
    .replace(/^Implicit map keys need to be followed by map values$/, 'a key needs a ":" after it')
    .replace(/^Sequence item without - indicator$/, 'this line is indented like a list item but has no "-"; check its indentation')
    .replace(/^Missing closing (["'])quote$/, (_m, q: string) => `a quoted value is not closed: its closing ${q} is missing`)
    .replace(/\bFlow (map|sequence) in block collection must be sufficiently indented and end with a ([}\]])/,
      (_m, kind: string, end: string) =>
        `this ${kind === 'map' ? '{ } map' : '[ ] list'} is not closed with ${end} (or a line inside it is not indented more than its key)`)
    .replace(/\bflow (map|sequence|collection)( items)?/gi, (_m, kind: string, items?: string) =>
      `${kind === 'map' ? '{ }' : kind === 'sequence' ? '[ ]' : '[ ] or { }'}${items ? ' items' : ''}`)
    .replace(/\bblock (sequence|map|mapping|collection)/gi, (_m, kind: string) =>
      kind === 'sequence' ? 'indented list' : kind === 'collection' ? 'indented list or map' : 'indented map')
    .replace(/\bmapping items\b/gi, 'keys of a map')
    .replace(/\bsequence items\b/gi, 'items of a list')
    .replace(/\bimplicit (map )?keys?\b/gi, 'key')
    .replace(/^./, (c) => c.toLowerCase());
}

/**
 * The document as plain data. Aliases are where toJS can still fail (an alias before its anchor,
 * or an alias bomb), so those become issues at the alias.
 */
function toPlainData(doc: Document, lc: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    let firstAlias: LineCol | null = null;
    let unresolved: { at: LineCol; name: string } | null = null;
    visit(doc, {
      Alias(_key, node) {
        if (!node.range) return undefined;
        const at = lc.linePos(node.range[0]);
        firstAlias ??= at;
        if (node.resolve(doc) !== undefined) return undefined;
        unresolved = { at, name: shorten(node.source) };
        return visit.BREAK;
      },
    });
    const found = unresolved as { at: LineCol; name: string } | null;
    const at = found?.at ?? firstAlias ?? { line: 1, col: 1 };
    const message = found
      ? `*${found.name} has no &${found.name} before it; an alias must come after its anchor`
      : /^Excessive alias count/.test((err as Error).message)
        ? 'aliases here expand to too much data; write the values out instead of repeating *aliases'
        : plainSyntaxMessage('', (err as Error).message);
    throw new PolicyError([{ file, line: at.line, col: at.col, path: '(syntax)', message }]);
  }
}

/** Positions from the YAML CST: a path that does not exist points at its nearest ancestor. */
export function yamlLocator(doc: Document, lc: LineCounter): Locator {
  const pos = (offset: number): LineCol => lc.linePos(offset);
  const start: LineCol = { line: 1, col: 1 };

  /** Follows `path` as far as it goes; returns the deepest node reached and the key node of its pair. */
  function walk(path: Path): { node: Node | null; keyNode: Node | null; complete: boolean } {
    let node: Node | null = (doc.contents as Node | null) ?? null;
    let keyNode: Node | null = null;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) return { node, keyNode, complete: false };
        keyNode = isScalar(pair.key) ? pair.key : null;
        const value = pair.value as Node | null;
        // `key:` with nothing after it has no useful range of its own: point at the key.
        node = value && value.range && !(isScalar(value) && value.value === null && value.range[0] === value.range[1])
          ? value : keyNode;
        if (!node) return { node: null, keyNode, complete: false };
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg] as Node;
        keyNode = null;
      } else {
        return { node, keyNode, complete: false };
      }
    }
    return { node, keyNode, complete: true };
  }

  return {
    value(path) {
      const { node } = walk(path);
      return node?.range ? pos(node.range[0]) : start;
    },
    key(path, key) {
      const { node, keyNode, complete } = walk([...path, key]);
      if (complete && keyNode?.range) return pos(keyNode.range[0]);
      return node?.range ? pos(node.range[0]) : start;
    },
    describe: formatPath,
  };
}
