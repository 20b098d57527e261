// How big a policy may be, and the first look at a parsed YAML document that enforces it (with
// duplicate keys, which the YAML library would find in quadratic time). Real policies are far
// below every limit; the limits exist so that an absurd file is refused in one line instead of
// being validated, planned and printed for minutes.

import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { shorten } from './quote.js';
import { formatPath, type IssueList, type Path } from './validate.js';

export const POLICY_LIMITS = {
  /** Bytes of one policy file. The YAML parser needs about 2-5 s per MiB on a busy machine. */
  fileBytes: 1024 * 1024,
  /** Entries under `tables`. */
  tables: 10_000,
  /** Items of any other list: bands of a layout, operations of an original-format table. */
  listItems: 100,
  /** Keys of one map; gppart's largest map (schedule) knows 12. */
  mapKeys: 100,
  /** Levels of nesting; a policy needs 5. */
  depth: 16,
  /**
   * Partitions the bands of one table describe. The planner creates and tracks each one; event
   * tables of 100,000 partitions are real (npm run bench plans one), twice that is not.
   */
  partitionsPerTable: 200_000,
} as const;

interface Pending {
  node: Node;
  path: Path;
  depth: number;
}

/** The path segment a map key stands for (toJS turns non-scalar keys into their text too). */
function keySegment(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * Adds an issue for each size limit the document exceeds and each key written twice in a map.
 * Collections over a limit are not looked into, so a huge one costs one line.
 */
export function checkStructure(doc: Document, lc: LineCounter, issues: IssueList): void {
  const at = (node: Node | null | undefined) => lc.linePos(node?.range?.[0] ?? 0);
  const root = doc.contents as Node | null;
  if (!root) return;
  const stack: Pending[] = [{ node: root, path: [], depth: 0 }];
  while (stack.length) {
    const { node, path, depth } = stack.pop()!;
    const where = formatPath(path);
    if (isAlias(node) || isScalar(node)) continue;
    if (depth >= POLICY_LIMITS.depth) {
      issues.add(at(node), where, `nests deeper than ${POLICY_LIMITS.depth} levels; a policy never needs more than a few`);
      continue;
    }
    if (isMap(node)) {
      if (node.items.length > POLICY_LIMITS.mapKeys) {
        issues.add(at(node), where || '(root)',
          `has ${node.items.length} keys; a map in a policy may have at most ${POLICY_LIMITS.mapKeys}`);
        continue;
      }
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const keyValue = isScalar(pair.key) ? pair.key.value : pair.key;
        const seg = keySegment(pair.key);
        if (seen.has(keyValue)) {
          issues.add(at(pair.key as Node), formatPath([...path, seg]),
            `duplicate key "${shorten(seg)}"; a key may appear only once in a map`);
          continue;
        }
        seen.add(keyValue);
        if (pair.value) stack.push({ node: pair.value as Node, path: [...path, seg], depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      const n = node.items.length;
      const isTables = path.length === 1 && path[0] === 'tables';
      const limit = isTables ? POLICY_LIMITS.tables : POLICY_LIMITS.listItems;
      if (n > limit) {
        issues.add(at(node), where, isTables
          ? `lists ${n} tables; a policy file may list at most ${limit}: split it into several files`
          : path[path.length - 1] === 'layout'
            ? `has ${n} bands; a table may have at most ${limit}`
            : `has ${n} items; a list here may have at most ${limit}`);
        continue;
      }
      node.items.forEach((item, i) => {
        if (item) stack.push({ node: item as Node, path: [...path, i], depth: depth + 1 });
      });
    }
  }
}
