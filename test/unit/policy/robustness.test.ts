import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parsePolicyText } from '../../../src/policy/load.js';
import { PolicyError } from '../../../src/policy/types.js';

/** Loading must either succeed or fail with PolicyError whose every line is FILE:LINE:COL path: message. */
function loadsOrExplains(text: string): void {
  try {
    parsePolicyText(text, 'p.yaml');
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const line of e.message.split('\n')) expect(line).toMatch(/^p\.yaml:\d+:\d+ \S.*: .+$/);
  }
}

const words = fc.constantFrom(
  'version', 'defaults', 'tables', 'table', 'layout', 'from', 'to', 'every', 'tablespace', 'storage', 'archive',
  'after', 's3', 'server', 'bucket', 'format', 'retention', 'drop_after', 'lock', 'mode', 'timeout', 'timezone',
  'kind', 'api', 'operations', 'operation', 'granularity', 'lower_bound', 'upper_bound', 'partitioning', 'v1',
  'create_partitions', 'move_partitions', 'table_space', '-3 months', '+3 months', '1 month', '1 year', '5s', 'now',
  '10 years', 'UTC', 'a=b', 's.t', 1, 0, -1, true, null,
);

const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, words, fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(words.map(String), tie('node'), { maxKeys: 5 })),
})).node;

describe('any input becomes a Policy or one-line issues, never an exception of another kind', () => {
  it('random documents in either format', () => {
    fc.assert(fc.property(tree, (doc) => loadsOrExplains(stringify(doc))), { numRuns: 400 });
  });

  it('random documents shaped like policies', () => {
    const band = fc.record({ from: words, to: words, every: words }, { requiredKeys: [] });
    const table = fc.record({ table: words, layout: fc.array(band, { maxLength: 3 }), retention: fc.record({ drop_after: words }) }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(table, { maxLength: 3 }), (tables) => loadsOrExplains(stringify({ version: 1, tables }))), { numRuns: 300 });
    const op = fc.record({ operation: words, granularity: words, lower_bound: words, upper_bound: words, table_space: words }, { requiredKeys: [] });
    const old = fc.array(fc.record({ table: words, operations: fc.array(op, { maxLength: 4 }) }, { requiredKeys: [] }), { maxLength: 3 });
    fc.assert(fc.property(old, (tables) => loadsOrExplains(stringify({ kind: 'partitioning', api: 'v1', tables }))), { numRuns: 300 });
  });

  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => loadsOrExplains(s)), { numRuns: 300 });
  });
});
