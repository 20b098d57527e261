import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicyText } from '../../../src/policy/load.js';
import { PolicyError, type Policy } from '../../../src/policy/types.js';

/** The one-line messages a text produces; fails when it loads. */
function issues(text: string, file = 'gppart.yaml'): string[] {
  try {
    parsePolicyText(text, file);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e.message.split('\n');
  }
  throw new Error('the policy loaded without issues');
}

/** The text at a LINE:COL of `text`, to check that positions point at what they name. */
function at(text: string, line: number, col: number): string {
  return text.split('\n')[line - 1]!.slice(col - 1);
}

const FULL = `version: 1
defaults:
  timezone: Europe/Berlin
  storage: appendonly=true,  orientation=column
  tablespace: fast
  lock: { mode: exclusive, timeout: 500ms }
  max_steps_per_table: 10
  default_partition: ensure
tables:
  - table: sales.orders
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - { from: -1 year, to: -3 months, every: 1 quarter, tablespace: warm }
      - { from: -5 years, to: -1 year, every: 12 months, tablespace: cold, storage: "appendonly=true" }
    archive: { after: 5 years, to: "s3://dp-partition/orders/", format: csv.gz }
    retention: { drop_after: 10 years }
    default_partition: forbid
  - table: '"Sales Data"."Orders; x"'
    timezone: UTC
    storage: null
    tablespace: "My Space"
    lock: { timeout: 2m }
    max_steps_per_table: 0
    layout:
      - { from: -14 days, to: now, every: 1 day, tablespace: null }   # null on a band = the table's
      - { from: -1 year 6 months, to: -14 days, every: 1 week }
  - table: events
`;

describe('parsePolicyText: valid files', () => {
  it('resolves every key, default and fallback', () => {
    const p = parsePolicyText(FULL, 'gppart.yaml');
    const expected: Policy = {
      version: 1,
      file: 'gppart.yaml',
      hash: p.hash,
      tables: [
        {
          table: { schema: 'sales', name: 'orders' },
          layout: [
            {
              from: { months: -3 }, to: { months: 3 }, every: { unit: 'month', count: 1 },
              tablespace: 'fast', storage: 'appendonly=true, orientation=column',
              fromText: '-3 months', toText: '+3 months', everyText: '1 month',
            },
            {
              from: { years: -1 }, to: { months: -3 }, every: { unit: 'month', count: 3 },
              tablespace: 'warm', storage: 'appendonly=true, orientation=column',
              fromText: '-1 year', toText: '-3 months', everyText: '1 quarter',
            },
            {
              from: { years: -5 }, to: { years: -1 }, every: { unit: 'year', count: 1 },
              tablespace: 'cold', storage: 'appendonly=true',
              fromText: '-5 years', toText: '-1 year', everyText: '12 months',
            },
          ],
          archive: {
            after: { years: 5 }, afterText: '5 years', bucket: 'dp-partition', prefix: 'orders', format: 'csv.gz',
            via: 'client', pxfServer: null, beforeDrop: false,
          },
          retention: { dropAfter: { years: 10 }, dropAfterText: '10 years' },
          defaultPartition: 'forbid',
          timezone: 'Europe/Berlin',
          storage: 'appendonly=true, orientation=column',
          tablespace: 'fast',
          lock: { mode: 'exclusive', timeoutMs: 500 },
          maxStepsPerTable: 10,
          pos: { file: 'gppart.yaml', line: 10, col: 5 },
        },
        {
          table: { schema: 'Sales Data', name: 'Orders; x' },
          layout: [
            {
              from: { days: -14 }, to: {}, every: { unit: 'day', count: 1 },
              tablespace: 'My Space', storage: null,
              fromText: '-14 days', toText: 'now', everyText: '1 day',
            },
            {
              from: { years: -1, months: -6 }, to: { days: -14 }, every: { unit: 'week', count: 1 },
              tablespace: 'My Space', storage: null,
              fromText: '-1 year 6 months', toText: '-14 days', everyText: '1 week',
            },
          ],
          archive: null,
          retention: null,
          defaultPartition: 'ensure',
          timezone: 'UTC',
          storage: null,
          tablespace: 'My Space',
          lock: { mode: 'exclusive', timeoutMs: 120_000 },
          maxStepsPerTable: 0,
          pos: { file: 'gppart.yaml', line: 18, col: 5 },
        },
        {
          table: { schema: 'public', name: 'events' },
          layout: [],
          archive: null,
          retention: null,
          defaultPartition: 'ensure',
          timezone: 'Europe/Berlin',
          storage: 'appendonly=true, orientation=column',
          tablespace: 'fast',
          lock: { mode: 'exclusive', timeoutMs: 500 },
          maxStepsPerTable: 10,
          pos: { file: 'gppart.yaml', line: 27, col: 5 },
        },
      ],
    };
    expect(p).toEqual(expected);
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies the built-in defaults when there is no defaults section', () => {
    const p = parsePolicyText('version: 1\ntables:\n  - table: s.t\n    layout:\n      - { from: -1 month, to: +1 month, every: 1 month }\n', 'p.yaml');
    expect(p.tables[0]).toMatchObject({
      timezone: 'UTC', storage: null, tablespace: null, lock: { mode: 'shared', timeoutMs: 5000 },
      maxStepsPerTable: 0, defaultPartition: 'keep', archive: null, retention: null,
    });
    expect(p.convertedFrom).toBeUndefined();
  });

  it('hashes the bytes: another text gives another hash, the same text the same one', () => {
    const a = parsePolicyText(FULL, 'a.yaml').hash;
    expect(parsePolicyText(FULL, 'b.yaml').hash).toBe(a);
    expect(parsePolicyText(`${FULL}# comment\n`, 'a.yaml').hash).not.toBe(a);
  });

  it('accepts adjacent bands and gaps between bands', () => {
    const p = parsePolicyText(`version: 1
tables:
  - table: s.t
    layout:
      - { from: -1 month, to: +1 month, every: 1 day }
      - { from: -1 year, to: -6 months, every: 1 month }
      - { from: -2 years, to: -12 months, every: 1 year }
    retention: { drop_after: 24 months }
`, 'p.yaml');
    expect(p.tables[0]!.layout).toHaveLength(3);
  });

  it('loads the shipped example', () => {
    const p = loadPolicy('examples/gppart.yaml');
    expect(p.tables.map((t) => `${t.table.schema}.${t.table.name}`)).toEqual(['sales.orders', 'public.events']);
    expect(p.tables[0]!.layout.map((b) => [b.fromText, b.toText, b.every])).toEqual([
      ['-3 months', '+3 months', { unit: 'month', count: 1 }],
      ['-2 years', '-3 months', { unit: 'month', count: 3 }],
      ['-5 years', '-2 years', { unit: 'year', count: 1 }],
    ]);
    expect(p.tables[0]!.retention?.dropAfter).toEqual({ years: 7 });
    expect(p.tables[1]!.layout.map((b) => [b.from, b.to, b.every])).toEqual([
      [{ days: -14 }, { days: 7 }, { unit: 'day', count: 1 }],
      [{ months: -6 }, { days: -14 }, { unit: 'month', count: 1 }],
    ]);
    expect(p.tables[1]!.retention?.dropAfter).toEqual({ years: 1 });
  });
});

const BASE = `version: 1
tables:
  - table: sales.orders
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
`;

describe('parsePolicyText: one exact message per kind of error', () => {
  const cases: Array<[string, string, string[], string[]]> = [
    ['a period that is not allowed', `version: 1
tables:
  - table: sales.orders
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
      - from: -1 year
        to: -3 months
        every: 3 weeks
`, ['gppart.yaml:8:16 tables[0].layout[1].every: "3 weeks" is not a period; use 1 day, 1 week, 1, 2, 3, 4, 6 or 12 months, 1 quarter or 1 year'],
    ['3 weeks']],
    ['an unknown key, with a suggestion', BASE.replace('every: 1 month', 'every: 1 month, tablspace: warm'),
      ['gppart.yaml:5:59 tables[0].layout[0].tablspace: unknown key "tablspace"; did you mean "tablespace"?'], ['tablspace']],
    ['an unknown key, with the allowed ones', `${BASE}    colour: red\n`,
      ['gppart.yaml:6:5 tables[0].colour: unknown key "colour"; expected one of: table, layout, archive, retention, default_partition, naming, timezone, storage, tablespace, lock, max_steps_per_table'],
      ['colour']],
    ['a missing key', BASE.replace(', every: 1 month', ''),
      ['gppart.yaml:5:9 tables[0].layout[0]: missing required key "every"'], ['{ from']],
    ['a wrong type', `${BASE}    max_steps_per_table: many\n`,
      ['gppart.yaml:6:26 tables[0].max_steps_per_table: must be a whole number, not "many"'], ['many']],
    ['a negative limit', `${BASE}    max_steps_per_table: -1\n`,
      ['gppart.yaml:6:26 tables[0].max_steps_per_table: must be 0 or more, not number -1'], ['-1']],
    ['a wrong version', BASE.replace('version: 1', 'version: 2'),
      ['gppart.yaml:1:10 version: must be 1, not number 2'], ['2']],
    ['no version', BASE.replace('version: 1\n', ''),
      ['gppart.yaml:1:1 (root): missing required key "version"'], ['tables:']],
    ['an enum typo', `${BASE}    default_partition: keeps\n`,
      ['gppart.yaml:6:24 tables[0].default_partition: "keeps" is not one of keep, ensure, forbid; did you mean "keep"?'], ['keeps']],
    ['a bad offset', BASE.replace('-3 months', '-3 mnths'),
      ['gppart.yaml:5:17 tables[0].layout[0].from: "-3 mnths" is not a calendar offset: unknown unit "mnths"; did you mean "months"?'], ['-3 mnths']],
    ['from not before to', BASE.replace('from: -3 months, to: +3 months', 'from: +3 months, to: -3 months'),
      ['gppart.yaml:5:17 tables[0].layout[0].from: "+3 months" must be earlier than to "-3 months"'], ['+3 months']],
    ['from before to only on some dates', BASE.replace('from: -3 months, to: +3 months', 'from: -1 month, to: -30 days'),
      ['gppart.yaml:5:17 tables[0].layout[0].from: "-1 month" must be earlier than to "-30 days" on some dates (e.g. when today is 2023-03-01)'], ['-1 month']],
    ['overlapping bands', `${BASE}      - { from: -1 year, to: -2 months, every: 1 quarter }\n`,
      ['gppart.yaml:6:9 tables[0].layout[1]: overlaps layout[0] (-3 months .. +3 months); bands must not overlap: let one end where the other starts'], ['{ from: -1 year']],
    ['an unknown time zone', BASE.replace('version: 1\n', 'version: 1\ndefaults:\n  timezone: Europe/Mars\n'),
      ['gppart.yaml:3:13 defaults.timezone: "Europe/Mars" is not an IANA time zone; write e.g. UTC, Europe/Berlin or America/New_York'], ['Europe/Mars']],
    ['a bad timeout', `${BASE}    lock: { mode: shared, timeout: 5 secs }\n`,
      ['gppart.yaml:6:36 tables[0].lock.timeout: "5 secs" is not a timeout; write e.g. 500ms, 5s or 2m'], ['5 secs']],
    ['a bad lock mode', `${BASE}    lock: { mode: share }\n`,
      ['gppart.yaml:6:19 tables[0].lock.mode: "share" is not one of shared, exclusive; did you mean "shared"?'], ['share']],
    ['storage that cannot go into WITH (...)', `${BASE}    storage: "appendonly=true); drop table x; --"\n`,
      ['gppart.yaml:6:14 tables[0].storage: "appendonly=true); drop table x; --" is not a storage option list; write key=value[, key=value...] with keys of a-z and _ and values of letters, digits, _ and . (e.g. appendonly=true, orientation=column)'],
      ['"appendonly']],
    ['a bad table name', BASE.replace('sales.orders', 'sales orders'),
      ['gppart.yaml:3:12 tables[0].table: "sales orders" is not a table name: unexpected " "; write schema.table, double-quoting a part that has other characters than letters, digits, _ and $ (e.g. "Sales Data"."Orders")'],
      ['sales orders']],
    ['a duplicate table', `${BASE}  - table: Sales.Orders\n`,
      ['gppart.yaml:6:12 tables[1].table: sales.orders is already listed at tables[0] (line 3); give each table one entry'], ['Sales.Orders']],
    ['a signed age', `${BASE}    retention: { drop_after: -7 years }\n`,
      ['gppart.yaml:6:30 tables[0].retention.drop_after: "-7 years" is an age and takes no sign; write 7 years'], ['-7 years']],
    ['drop_after not longer than archive.after', `${BASE}    archive: { after: 2 years, to: "s3://bkt" }\n    retention: { drop_after: 2 years }\n`,
      ['gppart.yaml:7:30 tables[0].retention.drop_after: "2 years" must be longer than archive.after "2 years": partitions are archived first and dropped later'], ['2 years']],
    ['retention cutting into a band', `${BASE}      - { from: -5 years, to: -3 months, every: 1 year }\n    retention: { drop_after: 3 years }\n`,
      ['gppart.yaml:7:30 tables[0].retention.drop_after: "3 years" cuts into layout[1], which reaches back to -5 years: partitions that band keeps would be dropped; make drop_after longer or let the band start later'],
      ['3 years']],
    ['an archive without a location, in a format gppart does not write', `${BASE}    archive: { after: 2 years, format: orc }\n`,
      [
        'gppart.yaml:6:14 tables[0].archive: missing required key "to"',
        'gppart.yaml:6:40 tables[0].archive.format: "orc" is not one of parquet, csv.gz',
      ], ['{ after', 'orc']],
    ['an archive location that is not s3://bucket', `${BASE}    archive: { after: 2 years, to: "s3://Bad_Bucket/x" }\n`,
      ['gppart.yaml:6:36 tables[0].archive.to: "Bad_Bucket" is not a valid bucket name (3 to 63 characters: a-z, 0-9, "." and "-")'], ['"s3://Bad']],
    ['via: pxf without pxf_server', `${BASE}    archive: { after: 2 years, to: "s3://bkt", via: pxf }\n`,
      ['gppart.yaml:6:53 tables[0].archive.via: via: pxf needs pxf_server, the name of the PXF server configuration to write through'], ['pxf }']],
    ['no tables', 'version: 1\ntables: []\n',
      ['gppart.yaml:2:9 tables: must list at least 1 item'], ['[]']],
    ['an empty file', '', ['gppart.yaml:1:1 (root): the file is empty; a policy starts with "version: 1" and "tables:"'], ['']],
    ['not a map', '- a\n- b\n', ['gppart.yaml:1:1 (root): must be a map, not a list'], ['- a']],
    ['a YAML syntax error', 'version: 1\ntables:\n  - table: [a\n', [
      'gppart.yaml:4:1 (syntax): this [ ] list is not closed with ] (or a line inside it is not indented more than its key)',
    ], ['']],
    ['an alias without its anchor', 'version: 1\ntables: *nope\n',
      ['gppart.yaml:2:9 (syntax): *nope has no &nope before it; an alias must come after its anchor'], ['*nope']],
    ['a duplicate YAML key', 'version: 1\nversion: 1\ntables: []\n', ['gppart.yaml:2:1 version: duplicate key "version"; a key may appear only once in a map'], ['version']],
  ];

  it.each(cases)('%s', (_name, text, expected, pointsAt) => {
    const got = issues(text);
    expect(got).toEqual(expected);
    got.forEach((line, i) => {
      const [, l, c] = /^[^:]+:(\d+):(\d+) /.exec(line)!;
      expect(at(text, Number(l), Number(c)).startsWith(pointsAt[i]!)).toBe(true);
    });
  });

  it('reports every issue of a file at once, in file order', () => {
    const text = `version: 1
defaults:
  timezone: Mars/Base
tables:
  - table: s.t
    layout:
      - { from: -3 months, to: +3 months, every: 5 months }
      - { from: -1 year, to: -3 months, every: 1 quarter, tablespace: 7 }
    retention: { drop_after: 10 yrs }
`;
    expect(issues(text)).toEqual([
      'gppart.yaml:3:13 defaults.timezone: "Mars/Base" is not an IANA time zone; write e.g. UTC, Europe/Berlin or America/New_York',
      'gppart.yaml:7:50 tables[0].layout[0].every: "5 months" is not a period; use 1 day, 1 week, 1, 2, 3, 4, 6 or 12 months, 1 quarter or 1 year',
      'gppart.yaml:8:71 tables[0].layout[1].tablespace: must be a string or null, not number 7',
      'gppart.yaml:9:30 tables[0].retention.drop_after: "10 yrs" is not a duration: unknown unit "yrs" (units: days, weeks, months, quarters, years)',
    ]);
  });
});

describe('loadPolicy: file problems are issues too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gppart-policy-'));

  const fileIssue = (file: string): string => {
    try {
      loadPolicy(file);
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      return (e as Error).message;
    }
    throw new Error('loaded');
  };

  it('a missing file', () => {
    expect(fileIssue(join(dir, 'nope.yaml'))).toBe(`${join(dir, 'nope.yaml')}:1:1 (file): no such file`);
  });
  it('a directory', () => {
    expect(fileIssue(dir)).toBe(`${dir}:1:1 (file): is a directory, not a policy file`);
  });
  it('bytes that are not UTF-8', () => {
    const f = join(dir, 'latin1.yaml');
    writeFileSync(f, Buffer.from([0x76, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(fileIssue(f)).toBe(`${f}:1:1 (file): is not UTF-8 text`);
  });
  it('a file with issues names itself as given', () => {
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, BASE.replace('1 month', '3 weeks'));
    expect(fileIssue(f)).toBe(`${f}:5:50 tables[0].layout[0].every: "3 weeks" is not a period; use 1 day, 1 week, 1, 2, 3, 4, 6 or 12 months, 1 quarter or 1 year`);
  });
});
