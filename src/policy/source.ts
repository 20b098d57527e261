// The policy file as text with positions: reading it, parsing YAML, and locating paths in it.

import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { IssueList, formatPath, type LineCol, type Locator, type Path } from './validate.js';
import { PolicyError } from './types.js';

/** Reads a policy file, turning every file-system failure into a PolicyError. */
export function readPolicyBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file'
        : code === 'EISDIR' ? 'is a directory, not a policy file'
          : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
            : `cannot be read (${code ?? (err as Error).message})`;
    throw new PolicyError([{ file, line: 1, col: 1, path: '(file)', message: why }]);
  }
}

export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PolicyError([{ file, line: 1, col: 1, path: '(file)', message: 'is not UTF-8 text' }]);
  }
}

/** Parses YAML, throwing its syntax errors with yaml's own positions. */
export function parseYaml(text: string, file: string): { doc: Document; locator: Locator; data: unknown } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const issues = new IssueList(file);
    for (const e of doc.errors) {
      issues.add(lineCounter.linePos(e.pos[0]), '(syntax)', e.message.split('\n')[0]!.replace(/:$/, ''));
    }
    throw new PolicyError(issues.sorted());
  }
  return { doc, locator: yamlLocator(doc, lineCounter), data: toPlainData(doc, lineCounter, file) };
}

/**
 * The document as plain data. Aliases are where toJS can still fail (an alias before its anchor,
 * or an alias bomb), so those become issues at the alias.
 */
function toPlainData(doc: Document, lc: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    let at: LineCol = { line: 1, col: 1 };
    visit(doc, {
      Alias(_key, node) {
        if (node.resolve(doc) === undefined && node.range) {
          at = lc.linePos(node.range[0]);
          return visit.BREAK;
        }
        return undefined;
      },
    });
    throw new PolicyError([{ file, line: at.line, col: at.col, path: '(syntax)', message: (err as Error).message }]);
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
