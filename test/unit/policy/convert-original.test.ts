import { describe, expect, it } from 'vitest';
import { convertOriginalToYaml, parseDdlWithParam, parsePgInterval } from '../../../src/policy/convert-original.js';
import { loadPolicy, parsePolicyText } from '../../../src/policy/load.js';
import { PolicyError, type Band, type TablePolicy } from '../../../src/policy/types.js';

const FIXTURE = 'test/fixtures/original-policy-example.yaml';

const shape = (t: TablePolicy) =>
  t.layout.map((b: Band) => ({ from: b.from, to: b.to, every: b.every, tablespace: b.tablespace, storage: b.storage }));

function issues(text: string): string[] {
  try {
    parsePolicyText(text, 'old.yaml');
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e.message.split('\n');
  }
  throw new Error('converted without issues');
}

describe('the original example', () => {
  const policy = loadPolicy(FIXTURE);
  const table = (name: string) => policy.tables.find((t) => t.table.name === name)!;

  it('converts without issues', () => {
    expect(policy.convertedFrom).toBe('partition-tools-v1');
    expect(policy.tables.map((t) => `${t.table.schema}.${t.table.name}`)).toEqual([
      'test_part.sales_test', 'test_part.sales_test_1', 'test_part.sales_test_2', 'test_part.sales_test_3', 'test_part.sales_test_4',
    ]);
  });

  it('sales_test: overlapping creates resolved finest first, the merge sets the warm quarters', () => {
    const t = table('sales_test');
    expect(shape(t)).toEqual([
      { from: { months: -3 }, to: { months: 3 }, every: { unit: 'month', count: 1 }, tablespace: null, storage: null },
      { from: { years: -1 }, to: { months: -3 }, every: { unit: 'month', count: 3 }, tablespace: 'warm', storage: null },
      { from: { years: -2 }, to: { years: -1 }, every: { unit: 'year', count: 1 }, tablespace: null, storage: null },
    ]);
    // The original wrote gzip'd text through PXF: the converted rule keeps that path.
    expect(t.archive).toEqual({
      after: { years: 1 }, afterText: '1 year', bucket: 'dp-partition', prefix: '', format: 'csv.gz',
      via: 'pxf', pxfServer: 'default', beforeDrop: false,
    });
    expect(t.retention).toBeNull();
    expect(t.maxStepsPerTable).toBe(2);
    expect(t.lock).toEqual({ mode: 'shared', timeoutMs: 5000 });
    expect(t.pos).toEqual({ file: FIXTURE, line: 11, col: 5 });
  });

  it('sales_test_1: the move splits the monthly band and carries ddl_with_param as storage', () => {
    expect(shape(table('sales_test_1'))).toEqual([
      { from: { months: -2 }, to: { months: 1, days: 3 }, every: { unit: 'month', count: 1 }, tablespace: null, storage: null },
      {
        from: { years: -5, months: -1 }, to: { months: -2 }, every: { unit: 'month', count: 1 }, tablespace: 'warm',
        storage: 'appendonly=true, compresslevel=1, orientation=column, compresstype=zstd',
      },
    ]);
    expect(table('sales_test_1').maxStepsPerTable).toBe(2);
  });

  it('sales_test_3: partitions older than the move window were moved by earlier runs', () => {
    expect(shape(table('sales_test_3'))).toEqual([
      { from: { months: -2 }, to: { months: 1, days: 3 }, every: { unit: 'month', count: 1 }, tablespace: null, storage: null },
      { from: { years: -5, months: -1 }, to: { months: -2 }, every: { unit: 'month', count: 1 }, tablespace: 'warm', storage: null },
    ]);
    expect(table('sales_test_3').archive?.after).toEqual({ years: 5 });
  });

  it('sales_test_4: a quarter band too short for one quarter goes to the monthly band next to it', () => {
    expect(shape(table('sales_test_4'))).toEqual([
      { from: { months: -3 }, to: { months: 2 }, every: { unit: 'month', count: 1 }, tablespace: null, storage: null },
      { from: { years: -1 }, to: { months: -3 }, every: { unit: 'month', count: 3 }, tablespace: 'warm', storage: null },
      { from: { years: -2 }, to: { years: -1 }, every: { unit: 'year', count: 1 }, tablespace: null, storage: null },
    ]);
  });

  it('prints a gppart.yaml that loads to the same layout', () => {
    const yaml = convertOriginalToYaml(FIXTURE);
    expect(yaml).toContain('version: 1\n');
    expect(yaml).toContain('  - table: test_part.sales_test\n');
    expect(yaml).toContain('      - { from: -3 months, to: +3 months, every: 1 month }\n');
    const reloaded = parsePolicyText(yaml, 'gppart.yaml');
    expect(reloaded.convertedFrom).toBeUndefined();
    expect(reloaded.tables.map(shape)).toEqual(policy.tables.map(shape));
    expect(reloaded.tables.map((t) => [t.archive?.after, t.maxStepsPerTable, t.lock])).toEqual(
      policy.tables.map((t) => [t.archive?.after, t.maxStepsPerTable, t.lock]),
    );
  });
});

describe('the original DAG settings', () => {
  it('become the schedule section instead of being dropped', () => {
    const s = loadPolicy(FIXTURE).schedule!;
    expect([s.cronText, s.startDate, s.connection, s.tags, s.timezone]).toEqual([
      '0 1 * * *', '2022-11-04', 'bi_bot', ['partitioning tools', 'test_part'], 'UTC',
    ]);
    const yaml = convertOriginalToYaml(FIXTURE);
    expect(yaml).toContain('schedule:\n  cron: "0 1 * * *"\n  start_date: "2022-11-04"\n  connection: bi_bot\n  tags: [ partitioning tools, test_part ]\n');
    expect(parsePolicyText(yaml, 'gppart.yaml').schedule).toEqual(s);
  });

  it('report a bad value at the original key', () => {
    const head = 'kind: partitioning\napi: v1\nschema: s\n';
    const ops = 'tables:\n  - table: t\n    operations:\n      - { operation: delete_partitions, lower_bound: 10 year, upper_bound: 5 year }\n';
    expect(issues(`${head}schedule: 0 1 * *\nstart_date: 04.11.2022\nconnection_id: bi bot\ntags: [a, 3]\n${ops}`)).toEqual([
      'old.yaml:4:11 schedule: "0 1 * *" is not a cron expression: it has 4 field(s); write five fields "minute hour day-of-month month day-of-week", e.g. "0 1 * * *" (01:00 every day), or @daily, @hourly, @weekly, @monthly, @yearly',
      'old.yaml:5:13 start_date: "04.11.2022" is not a date; write YYYY-MM-DD, e.g. 2024-01-01',
      'old.yaml:6:16 connection_id: "bi bot" is not a connection name; use letters, digits, _, . and - (at most 100, starting with a letter or digit)',
      'old.yaml:7:11 tags[1]: must be a string, not number 3',
    ]);
  });

  it('without a schedule (Airflow: manual runs only) there is no schedule section', () => {
    const text = 'kind: partitioning\napi: v1\nschedule: null\ntags: [x]\ntables:\n  - table: t\n    operations:\n      - { operation: delete_partitions, lower_bound: 10 year, upper_bound: 5 year }\n';
    expect(parsePolicyText(text, 'old.yaml').schedule).toBeUndefined();
  });
});

describe('what cannot be converted', () => {
  const HEAD = 'kind: partitioning\napi: v1\nschema: s\ntables:\n  - table: t\n    operations:\n';

  it('an unknown operation, with a suggestion', () => {
    expect(issues(`${HEAD}      - operation: create_partition\n        granularity: 1 month\n        lower_bound: 1 year\n        upper_bound: -1 month\n`)).toEqual([
      'old.yaml:7:20 tables[0].operations[0].operation: "create_partition": must be one of create_partitions, merge_partitions, move_partitions, unload_to_s3_partitions, delete_partitions; did you mean "create_partitions"?',
    ]);
  });

  it('bounds below a day', () => {
    expect(issues(`${HEAD}      - operation: create_partitions\n        granularity: 1 day\n        lower_bound: 36 hours\n        upper_bound: -1 day\n`)).toEqual([
      'old.yaml:9:22 tables[0].operations[0].lower_bound: "36 hours" cannot be converted: gppart bounds are whole days, not hours',
    ]);
  });

  it('a granularity gppart has no period for', () => {
    expect(issues(`${HEAD}      - operation: create_partitions\n        granularity: 5 day\n        lower_bound: 1 month\n        upper_bound: -1 month\n`)).toEqual([
      'old.yaml:8:22 tables[0].operations[0].granularity: "5 day" is not a period; use 1 day, 1 week, 1, 2, 3, 4, 6 or 12 months, 1 quarter or 1 year',
    ]);
  });

  it('a key that has no meaning for the operation, and an unknown one', () => {
    expect(issues(`${HEAD}      - operation: delete_partitions\n        lower_bound: 10 year\n        upper_bound: 5 year\n        granularity: 1 month\n        s3_bukcet: x\n`)).toEqual([
      'old.yaml:10:9 tables[0].operations[0].granularity: is not used by delete_partitions and cannot be converted',
      'old.yaml:11:9 tables[0].operations[0].s3_bukcet: unknown key "s3_bukcet"; did you mean "s3_bucket"?',
    ]);
  });

  it('a rule gppart rejects names the original key it came from', () => {
    expect(issues(`${HEAD}      - operation: create_partitions\n        granularity: 1 month\n        lower_bound: 2 year\n        upper_bound: -1 month\n      - operation: delete_partitions\n        lower_bound: 10 year\n        upper_bound: 1 year\n`)).toEqual([
      'old.yaml:13:22 tables[0].operations[1].upper_bound: "1 year" cuts into layout[0], which reaches back to -2 years: partitions that band keeps would be dropped; make drop_after longer or let the band start later',
    ]);
  });

  it('a WITH clause that is not key = value pairs', () => {
    expect(issues(`${HEAD}      - operation: move_partitions\n        lower_bound: 10 year\n        upper_bound: 1 year\n        table_space: warm\n        ddl_with_param: WITH (appendonly = true) TABLESPACE x\n`)).toEqual([
      'old.yaml:11:25 tables[0].operations[0].ddl_with_param: "WITH (appendonly = true) TABLESPACE x" is not a WITH (key = value, ...) clause',
    ]);
  });

  it('convertOriginalToYaml refuses a gppart file', () => {
    expect(() => convertOriginalToYaml('examples/gppart.yaml')).toThrow(
      'examples/gppart.yaml:1:1 kind: is not "partitioning": this is not a file in the original Partition tools format',
    );
  });
});

describe('value syntax of the original', () => {
  it('reads PostgreSQL intervals, each term with its own sign', () => {
    const v = (s: unknown) => { const r = parsePgInterval(s); if (!r.ok) throw new Error(r.message); return r.value; };
    expect(v('2 year')).toEqual({ years: 2 });
    expect(v('5 year 1 month')).toEqual({ years: 5, months: 1 });
    expect(v('-3 month')).toEqual({ months: -3 });
    expect(v('-1 month - 3 day')).toEqual({ months: -1, days: -3 });
    expect(v('-1 year 6 mons')).toEqual({ years: -1, months: 6 });
    expect(v(0)).toEqual({});
  });
  it('reads ddl_with_param', () => {
    const v = (s: string) => { const r = parseDdlWithParam(s); if (!r.ok) throw new Error(r.message); return r.value; };
    expect(v("WITH (appendonly = ''true'', compresslevel = ''1'', orientation = ''column'', compresstype = zstd)"))
      .toBe('appendonly=true, compresslevel=1, orientation=column, compresstype=zstd');
    expect(v("with (appendonly='true')")).toBe('appendonly=true');
    expect(parseDdlWithParam("WITH (appendonly = ''true''); DROP TABLE x; --)").ok).toBe(false);
  });
});
