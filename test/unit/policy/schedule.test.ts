import { describe, expect, it } from 'vitest';
import { formatCron, parseCron } from '../../../src/policy/cron.js';
import { parseDuration } from '../../../src/policy/schedule.js';
import { parsePolicyText } from '../../../src/policy/load.js';
import { PolicyError } from '../../../src/policy/types.js';

function cron(text: string) {
  const r = parseCron(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function cronError(text: string): string {
  const r = parseCron(text);
  if (r.ok) throw new Error(`${text} parsed`);
  return r.message;
}

describe('parseCron', () => {
  it('expands fields into value sets', () => {
    expect(cron('0 1 * * *')).toEqual({
      minutes: [0], hours: [1], daysOfMonth: Array.from({ length: 31 }, (_, i) => i + 1),
      months: Array.from({ length: 12 }, (_, i) => i + 1), daysOfWeek: [0, 1, 2, 3, 4, 5, 6],
    });
    expect(cron('*/15 1-3,22 * * MON-fri').minutes).toEqual([0, 15, 30, 45]);
    expect(cron('*/15 1-3,22 * * MON-fri').hours).toEqual([1, 2, 3, 22]);
    expect(cron('*/15 1-3,22 * * MON-fri').daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(cron('0 0 1 jan-mar,Dec *').months).toEqual([1, 2, 3, 12]);
    expect(cron('5-59/20 * * * *').minutes).toEqual([5, 25, 45]);
  });

  it('folds Sunday 7 into 0 and macros into fields', () => {
    expect(cron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(cron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(cron('@daily')).toEqual(cron('0 0 * * *'));
    expect(cron('@WEEKLY')).toEqual(cron('0 0 * * 0'));
    expect(cron('@hourly')).toEqual(cron('0 * * * *'));
  });

  it('writes one portable form: numbers, Sunday 0, * and */n where they fit', () => {
    const f = (t: string) => formatCron(cron(t));
    expect(f('0 1 * * *')).toBe('0 1 * * *');
    expect(f('*/15 1-3,22 * * MON-fri')).toBe('*/15 1-3,22 * * 1-5');
    expect(f('0 0 * * sat,sun')).toBe('0 0 * * 0,6');
    expect(f('0 0 * * 0-7')).toBe('0 0 * * *');
    expect(f('0,30 */6 1 */3 *')).toBe('0,30 */6 1 */3 *');
    expect(f('*/30 */12 * * *')).toBe('0,30 0,12 * * *');
    expect(f('0 0 1-31 * *')).toBe('0 0 * * *');
    expect(f('0 0,2 * * *')).toBe('0 0,2 * * *');
    expect(f('@monthly')).toBe('0 0 1 * *');
  });

  it('says which field is wrong and why', () => {
    expect(cronError('0 25 * * *')).toBe('"0 25 * * *": hour 25 is out of range 0-23');
    expect(cronError('61 1 * * *')).toMatch(/minute 61 is out of range 0-59/);
    expect(cronError('0 1 * *')).toMatch(/it has 4 field\(s\); write five fields/);
    expect(cronError('0 0 1 * * *')).toMatch(/six fields/);
    expect(cronError('0 1 * * moon')).toMatch(/day of week "moon" is not a number or a name \(sun, mon, …\); did you mean "mon"\?/);
    expect(cronError('0 5-1 * * *')).toMatch(/hour range "5-1" runs backwards/);
    expect(cronError('*/0 * * * *')).toMatch(/minute step "\/0" must be a whole number of 1 or more/);
    expect(cronError('5/10 * * * *')).toMatch(/a step needs a range or \*; write 5-59\/10/);
    expect(cronError('0 0 ? * MON')).toMatch(/Quartz syntax/);
    expect(cronError('0 0 L * *')).toMatch(/Quartz syntax/);
    expect(cronError('0 0 1,,2 * *')).toMatch(/empty list item/);
    expect(cronError('@reboot')).toMatch(/not a schedule/);
    expect(cronError('@dayly')).toMatch(/did you mean "@daily"\?/);
    expect(cronError('')).toMatch(/it has 0 field/);
  });

  it('refuses schedules that mean different things to different schedulers, or never run', () => {
    expect(cronError('0 1 1 * 1')).toMatch(/restricts both day of month and day of week/);
    expect(cronError('0 0 30 2 *')).toMatch(/never runs: no month in it has day 30/);
    // Feb 29 exists in leap years: it runs, rarely.
    expect(cron('0 0 29 2 *').daysOfMonth).toEqual([29]);
    // A step on one day field keeps cron's AND: allowed.
    expect(cron('0 0 */2 * 1').daysOfWeek).toEqual([1]);
  });
});

describe('parseDuration', () => {
  it('reads hours, minutes and seconds', () => {
    expect(parseDuration('2h')).toEqual({ ok: true, value: { ms: 7_200_000, text: '2h' } });
    expect(parseDuration('1h30m')).toEqual({ ok: true, value: { ms: 5_400_000, text: '1h30m' } });
    expect(parseDuration('90 min')).toEqual({ ok: true, value: { ms: 5_400_000, text: '90 min' } });
    expect(parseDuration('45s')).toEqual({ ok: true, value: { ms: 45_000, text: '45s' } });
    expect(parseDuration('0h')).toEqual({ ok: false, message: '"0h" must be longer than zero' });
    expect(parseDuration('two hours').ok).toBe(false);
    expect(parseDuration('').ok).toBe(false);
  });
});

const POLICY = `version: 1
defaults:
  timezone: Europe/Berlin
schedule:
  cron: "0 1 * * *"
  tags: [partitioning, sales]
  connection: bi_bot
  max_duration: 2h
tables:
  - table: sales.orders
    layout:
      - { from: -3 months, to: +3 months, every: 1 month }
`;

function issues(text: string): string[] {
  try {
    parsePolicyText(text, 'gppart.yaml');
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return e.message.split('\n');
  }
  throw new Error('loaded without issues');
}

describe('the schedule section', () => {
  it('resolves with defaults', () => {
    const p = parsePolicyText(POLICY, 'gppart.yaml');
    expect(p.schedule).toEqual({
      cron: cron('0 1 * * *'), cronText: '0 1 * * *', cronPortable: '0 1 * * *',
      timezone: 'Europe/Berlin', startDate: null, tags: ['partitioning', 'sales'], connection: 'bi_bot', name: null,
      pool: 'gppart', allowDestroy: false, maxSteps: null, maxDuration: { ms: 7_200_000, text: '2h' },
      retries: 2, retryDelay: { ms: 600_000, text: '10m' },
    });
  });

  it('is absent from a policy without one', () => {
    const p = parsePolicyText(POLICY.replace(/schedule:[\s\S]*?(?=tables:)/, ''), 'gppart.yaml');
    expect(p.schedule).toBeUndefined();
    expect('schedule' in p).toBe(false);
  });

  it('reports a bad cron expression at its file:line:col, naming the field', () => {
    expect(issues(POLICY.replace('"0 1 * * *"', '"0 24 * * *"'))).toEqual([
      'gppart.yaml:5:9 schedule.cron: "0 24 * * *": hour 24 is out of range 0-23',
    ]);
  });

  it('reports every bad value, unknown keys with a suggestion, and a missing cron', () => {
    const text = `version: 1
schedule:
  timezone: Mars/Olympus
  start_date: 2024-02-30
  connection: "bi bot"
  max_duration: forever
  retrys: 3
  max_steps: 0
tables:
  - table: t
`;
    expect(issues(text)).toEqual([
      'gppart.yaml:3:3 schedule: missing required key "cron"',
      'gppart.yaml:3:13 schedule.timezone: "Mars/Olympus" is not an IANA time zone; write e.g. UTC, Europe/Berlin or America/New_York',
      'gppart.yaml:4:15 schedule.start_date: "2024-02-30" is not a date; write YYYY-MM-DD, e.g. 2024-01-01',
      'gppart.yaml:5:15 schedule.connection: "bi bot" is not a connection name; use letters, digits, _, . and - (at most 100, starting with a letter or digit)',
      'gppart.yaml:6:17 schedule.max_duration: "forever" is not a duration; write e.g. 2h, 90m, 1h30m or 45s',
      'gppart.yaml:7:3 schedule.retrys: unknown key "retrys"; did you mean "retries"?',
      'gppart.yaml:8:14 schedule.max_steps: must be 1 or more, not number 0',
    ]);
  });
});
