// The policy corpus through the built binary. Every file in test/corpus/policies/bad/ must fail
// `gppart validate` with exactly the lines its `# expect:` header lists (FILE:LINE:COL key: message,
// one line per problem, no stack trace, no control character); every file in weird-valid/ must
// validate and plan. Absurdly big inputs are generated here rather than committed, and must each
// get their one-line answer (how fast is `npm run bench`'s business, not a test's).
// A new defect found in policy loading becomes one more file in the corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from '../support/cli.js';
import { createTestDb, newTablespaceDir, type TestDb } from '../support/db.js';
import { loadPolicy } from '../../src/policy/load.js';
import { hasUnprintable } from '../../src/util/printable.js';
import {
  adjacentDayBands, identicalBands, manyTables, realisticPolicy, unknownKeys,
} from '../../src/bench/policy-inputs.js';

const CORPUS = join(fileURLToPath(import.meta.url), '..', '..', 'corpus', 'policies');
const BAD = join(CORPUS, 'bad');
const WEIRD_VALID = join(CORPUS, 'weird-valid');

/** Whether any line of the output holds a character printable() would escape (newlines end lines). */
const unprintable = (out: string): boolean => out.split('\n').some(hasUnprintable);

/** The `# expect: ` lines a corpus file starts with (after a byte order mark, if any). */
function expectations(file: string): string[] {
  const text = readFileSync(file).toString('latin1').replace(/^\xef\xbb\xbf/, '');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^# expect: (.*?)\r?$/.exec(line);
    if (!m) break;
    out.push(Buffer.from(m[1]!, 'latin1').toString('utf8'));
  }
  return out;
}

/** The checks every refused policy must pass; returns its lines without the file name. */
function refusedInLines(r: CliResult, file: string): string[] {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  expect(unprintable(r.stderr)).toBe(false);
  expect(r.stderr).not.toMatch(/\n\s+at |unexpected: please report/);
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  const prefix = `${file}:`;
  for (const line of lines) {
    expect(line.startsWith(prefix), line).toBe(true);
    expect(line.slice(prefix.length)).toMatch(/^\d+:\d+ \S.*: \S/);
  }
  return lines.map((l) => l.slice(prefix.length));
}

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe.concurrent('bad policies: exit 1, exactly the expected lines', () => {
  it.each(yamlFiles(BAD))('%s', async (name) => {
    const file = join(BAD, name);
    const expected = expectations(file);
    expect(expected.length, `${name} has no "# expect:" header`).toBeGreaterThan(0);
    const r = await runCli(['validate', '-c', file]);
    expect(refusedInLines(r, file)).toEqual(expected);
  });
});

describe('generated inputs: one-line answers, however big or strange the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gppart-corpus-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const refused = async (file: string, lines: number, pattern: RegExp) => {
    const got = refusedInLines(await runCli(['validate', '-c', file]), file);
    expect(got).toHaveLength(lines);
    expect(got[0]).toMatch(pattern);
    return got;
  };
  const valid = async (file: string, summary: string) => {
    const r = await runCli(['validate', '-c', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}: valid: ${summary}\n`);
  };

  it.concurrent('2 MB of 36,000 bands: refused by size', async () => {
    await refused(write('bands36k.yaml', adjacentDayBands(36_000)), 1,
      /^1:1 \(file\): is 2\.\d MiB; a policy file may have at most 1 MiB: split it into several files$/);
  });
  it.concurrent('15,000 bands in 150 tables (0.8 MiB): valid', async () => {
    await valid(write('bands15k.yaml', adjacentDayBands(100, 150)), '150 table(s), 15000 band(s)');
  });
  it.concurrent('the largest realistic policy accepted (1 MiB): valid', async () => {
    const text = realisticPolicy(1024 * 1024);
    const tables = text.split('  - table:').length - 1;
    await valid(write('real1m.yaml', text), `${tables} table(s), ${tables * 3} band(s)`);
  });
  it.concurrent('23,000 tables: refused, naming the limit', async () => {
    await refused(write('tables23k.yaml', manyTables(23_000)), 1,
      /^3:3 tables: lists 23000 tables; a policy file may list at most 10000: split it into several files$/);
  });
  it.concurrent('190,000 unknown keys (1.8 MB): refused by size', async () => {
    await refused(write('keys190k.yaml', unknownKeys(190_000)), 1, /^1:1 \(file\): is 1\.\d MiB; a policy file may have at most 1 MiB/);
  });
  it.concurrent('100,000 unknown keys in one map (under 1 MiB): refused, naming the map and the limit', async () => {
    await refused(write('keys100k.yaml', unknownKeys(100_000)), 1,
      /^3:5 tables\[0\]: has 100001 keys; a map in a policy may have at most 100$/);
  });
  it.concurrent('1,000 identical bands: refused, naming the layout and the limit', async () => {
    await refused(write('identical1000.yaml', identicalBands(1000)), 1,
      /^5:7 tables\[0\]\.layout: has 1000 bands; a table may have at most 100$/);
  });
  it.concurrent('100 identical bands: one overlap line per band after the first', async () => {
    const got = await refused(write('identical100.yaml', identicalBands(100)), 99, /^6:9 tables\[0\]\.layout\[1\]: overlaps layout\[0\]/);
    expect(got[98]).toMatch(/^104:9 tables\[0\]\.layout\[99\]: overlaps layout\[0\] \(-3 months \.\. \+3 months\)/);
  });
  it.concurrent('60 adjacent one-day bands: valid', async () => {
    await valid(write('bands60.yaml', adjacentDayBands(60)), '1 table(s), 60 band(s)');
  });
  it.concurrent('/dev/zero: refused after 1 MiB', async () => {
    await refused('/dev/zero', 1, /^1:1 \(file\): holds more than 1 MiB; a policy file may have at most 1 MiB/);
  });
  it.concurrent('300,000 levels of [ ]: one line', async () => {
    await refused(write('deep.yaml', '['.repeat(300_000) + ']'.repeat(300_000)), 1, /^1:\d+ \(syntax\): the file is nested too deeply/);
  });
  it.concurrent('300,000 syntax errors: the first 20 and a count of the rest', async () => {
    const got = await refused(write('errors.yaml', ']\n'.repeat(300_000)), 21, /^1:1 \(syntax\): unexpected "\]" here/);
    expect(got[20]).toBe('21:1 (syntax): 299980 more YAML syntax errors from here on, not shown; fix the ones above first');
  });
  it.concurrent('a file name with a newline and an escape sequence is shown escaped', async () => {
    const name = 'bad\nFAKE.yaml:1:1 version: x\u001b[31m.yaml';
    const file = write(name, 'version: 2\ntables: [{ table: s.t }]\n');
    const r = await runCli(['validate', '-c', file]);
    expect(r.code).toBe(1);
    expect(unprintable(r.stderr)).toBe(false);
    expect(r.stderr).toBe(`${dir}/bad\\nFAKE.yaml:1:1 version: x\\x1b[31m.yaml:1:10 version: must be 1, not number 2\n`);
    const ok = write(`ok\r${name}`, 'version: 1\ntables: [{ table: s.t }]\n');
    const v = await runCli(['validate', '-c', ok]);
    expect(v.code).toBe(0);
    expect(unprintable(v.stdout)).toBe(false);
    expect(v.stdout.split('\n')).toHaveLength(2);
  });
});

describe('plan files are read with a size limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gppart-planfile-'));

  it('a 50 MB plan file is refused before it is read', async () => {
    const file = join(dir, 'huge.json');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const r = await runCli(['show', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`Error: ${file}: the plan file is 50 MiB; gppart reads plan files of up to 16 MiB (plan fewer tables at a time with --target)\n`);
  });
  it('/dev/zero as a plan file is refused after 16 MiB', async () => {
    const r = await runCli(['show', '/dev/zero']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: /dev/zero: the plan file holds more than 16 MiB; gppart reads plan files of up to 16 MiB (plan fewer tables at a time with --target)\n');
  });
});

describe('weird but valid policies: validate, then plan against real tables', () => {
  let db: TestDb;
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const tablespaces = new Set<string>();

  beforeAll(async () => {
    db = await createTestDb('weird_valid');
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Each table of the policy as a timestamptz-partitioned table, and each tablespace it names. */
  async function createFor(file: string): Promise<void> {
    const policy = loadPolicy(file);
    for (const t of policy.tables) {
      await db.client.query(`CREATE SCHEMA IF NOT EXISTS ${q(t.table.schema)}`);
      await db.client.query(`CREATE TABLE IF NOT EXISTS ${q(t.table.schema)}.${q(t.table.name)} (k timestamptz NOT NULL, v int) PARTITION BY RANGE (k)`);
      for (const ts of [t.tablespace, ...t.layout.map((b) => b.tablespace)]) {
        if (ts === null || tablespaces.has(ts)) continue;
        tablespaces.add(ts);
        await db.client.query(`CREATE TABLESPACE ${q(ts)} LOCATION '${newTablespaceDir()}'`);
      }
    }
  }

  it('unquoted names fold the way PostgreSQL folds them: A-Z only', async () => {
    // Created with unquoted names, so the server does the folding: straße."Ärger".
    await db.client.query(`CREATE SCHEMA Straße; CREATE TABLE Straße.ÄRGER (k date NOT NULL) PARTITION BY RANGE (k)`);
    const dir = mkdtempSync(join(tmpdir(), 'gppart-fold-'));
    const file = join(dir, 'fold.yaml');
    writeFileSync(file, 'version: 1\ntables:\n  - table: Straße.ÄRGER\n    layout: [{ from: -1 month, to: +1 month, every: 1 month }]\n');
    const p = await runCli(['plan', '-c', file, '--now', '2024-03-10', '--format', 'json'], { env: { GPPART_DATABASE_URL: db.url } });
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    expect((JSON.parse(p.stdout) as { tables: Array<{ table: string }> }).tables.map((t) => t.table)).toEqual(['straße.Ärger']);
  });

  it.each(yamlFiles(WEIRD_VALID))('%s', async (name) => {
    const file = join(WEIRD_VALID, name);
    const v = await runCli(['validate', '-c', file]);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: valid`));
    expect(unprintable(v.stdout)).toBe(false);

    await createFor(file);
    // 2024-03-10: clocks change at midnight in Havana, and at 2:00 in most of North America.
    const p = await runCli(['plan', '-c', file, '--now', '2024-03-10', '--format', 'json'], { env: { GPPART_DATABASE_URL: db.url } });
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    const plan = JSON.parse(p.stdout) as { tables: unknown[] };
    expect(plan.tables.length).toBe(loadPolicy(file).tables.length);
  });
});
