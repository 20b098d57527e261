// What the command line gives: --now, --target, the connection string. Each mistake says which
// part is wrong, in one line.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { nowVersusToday, parseNow, resolveNow, selectTables } from '../../../src/workflow/planning.js';
import { clientConfig, resolveConnection } from '../../../src/catalog/connection.js';
import type { Policy } from '../../../src/policy/types.js';
import { policy as tablePolicy, band } from '../plan/fixtures.js';

describe('--now', () => {
  it('accepts dates and ISO timestamps, and today by default', () => {
    for (const ok of ['2026-01-31', '2024-02-29', '2026-01-31T06:00Z', '2026-01-31T06:00:59.5+05:30', '2026-12-31T23:59-0800']) expect(parseNow(ok)).toBe(ok);
    expect(resolveNow(undefined, () => new Date('2026-11-25T10:31:07Z'))).toBe('2026-11-25T10:31Z');
  });

  it('names the field that is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /^--now is empty: give a date YYYY-MM-DD/],
      ['2026-13-01', /^--now 2026-13-01: month 13 is not a month \(01–12\)$/],
      ['2026-00-10', /month 00 is not a month/],
      ['2026-02-30', /^--now 2026-02-30: day 30 is not a day of February 2026 \(01–28\)$/],
      ['2025-02-29', /day 29 is not a day of February 2025 \(01–28\)/],
      ['2026-04-31', /day 31 is not a day of April 2026 \(01–30\)/],
      ['2026-01-01T24:00', /hour 24 is not an hour \(00–23\)/],
      ['2026-01-01T10:60', /minute 60 is not a minute/],
      ['2026-01-01T10:00+16:00', /\+16:00 is not a UTC offset/],
      ['0000-01-01', /year 0000 does not exist/],
      ['26-1-1', /expected a date YYYY-MM-DD or an ISO timestamp/],
      ['tomorrow', /expected a date/],
      ['2026-01-01\nFAKE.yaml:1:1 version: x', /^--now 2026-01-01\\nFAKE\.yaml:1:1 version: x: expected a date/],
    ];
    for (const [text, message] of cases) expect(() => parseNow(text), text).toThrow(message);
  });

  it('tells whether a now is today', () => {
    const clock = () => new Date('2026-11-25T23:59:00Z');
    expect(nowVersusToday('2026-11-25', clock).isToday).toBe(true);
    expect(nowVersusToday('2026-11-25T01:00Z', clock).isToday).toBe(true);
    expect(nowVersusToday('2030-01-01', clock)).toEqual({ date: '2030-01-01', today: '2026-11-25', isToday: false });
  });
});

describe('--target', () => {
  const names: Array<[string, string]> = [['hx', 'with space'], ['hx', 'kw'], ['a.b', 'c.d'], ['sales', 'orders'], ['public', 'events']];
  const policy: Policy = {
    version: 1,
    file: 'p.yaml',
    hash: createHash('sha256').update('x').digest('hex'),
    tables: names.map(([schema, name]) => tablePolicy([band('-1 month', '+1 month', '1 month')], { table: { schema, name } })),
  };
  const chosen = (targets: string[]) => selectTables(policy, targets).tables.map((t) => `${t.table.schema}|${t.table.name}`);

  it('reads names exactly as the policy\'s table: does (quotes, case folding, public)', () => {
    expect(chosen(['hx."with space"'])).toEqual(['hx|with space']);
    expect(chosen(['HX.KW'])).toEqual(['hx|kw']);
    expect(chosen(['"a.b"."c.d"'])).toEqual(['a.b|c.d']);
    expect(chosen(['SALES.ORDERS', 'events'])).toEqual(['sales|orders', 'public|events']);
  });

  it('an unknown target is an error with a suggestion', () => {
    expect(() => chosen(['orders'])).toThrow(/^--target orders: public\.orders is not a table of p\.yaml; did you mean sales\.orders\?$/);
    expect(() => chosen(['hx.with space'])).toThrow(/^--target hx\.with space: "hx\.with space" is not a table name: unexpected " ".*; did you mean hx\."with space"\?$/);
    expect(() => chosen(['nope.nope'])).toThrow(/is not a table of p\.yaml \(it has hx\."with space", hx\.kw, "a\.b"\."c\.d", sales\.orders, public\.events\)$/);
    expect(() => chosen([''])).toThrow(/^--target is empty/);
    expect(() => chosen(['a\nFAKE.yaml:1:1 version: x'])).toThrow(/^--target a\\nFAKE\.yaml:1:1 version: x: [^\n]*$/);
  });
});

describe('connection settings', () => {
  it('an empty --database-url is an error; an empty variable is unset; nothing at all is said so', () => {
    expect(() => resolveConnection('')).toThrow(/^--database-url is empty/);
    expect(() => resolveConnection('  ')).toThrow(/^--database-url is empty/);
    expect(resolveConnection(undefined, { GPPART_DATABASE_URL: '', DATABASE_URL: 'postgres://c' }).url).toBe('postgres://c');
    expect(resolveConnection(undefined, {})).toMatchObject({ url: undefined, nothingGiven: true });
    expect(resolveConnection(undefined, { PGHOST: 'db1', PGUSER: 'dba' })).toMatchObject({ url: undefined, origin: 'PGHOST/PGUSER' });
  });

  it('names an invalid sslmode (pg would read it as "use SSL" and blame the server)', () => {
    expect(() => clientConfig('postgres://u@h/db?sslmode=bogus')).toThrow(/^sslmode=bogus is not a valid sslmode \(one of disable, allow, prefer, require, verify-ca, verify-full\)$/);
    expect(() => clientConfig('host=h sslmode=bogus')).toThrow(/^sslmode=bogus is not a valid sslmode/);
    expect(() => clientConfig('host=h port=54x')).toThrow(/^port=54x is not a port number$/);
    expect(clientConfig('postgres://u@h/db?sslmode=require')).toEqual({ connectionString: 'postgres://u@h/db?sslmode=require' });
  });
});
