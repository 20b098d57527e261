// Cron expressions of `schedule.cron`: the five-field language every scheduler gppart exports to
// understands (Airflow, cron, Kubernetes; systemd after translation). Parsed into explicit value
// sets, so each exporter writes one portable form and systemd gets an exact OnCalendar.

import { didYouMean, type Parsed } from './periods.js';

export interface CronSchedule {
  /** Sorted, distinct values of each field; day of week 0-6 with Sunday 0. */
  minutes: number[];
  hours: number[];
  daysOfMonth: number[];
  months: number[];
  daysOfWeek: number[];
}

interface Field {
  key: keyof CronSchedule;
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** The value of the first name: months count from 1, days of week from 0. */
  firstName?: number;
}

const FIELDS: Field[] = [
  { key: 'minutes', name: 'minute', min: 0, max: 59 },
  { key: 'hours', name: 'hour', min: 0, max: 23 },
  { key: 'daysOfMonth', name: 'day of month', min: 1, max: 31 },
  { key: 'months', name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], firstName: 1 },
  // 7 is Sunday too, as in cron; it is folded to 0, the only Sunday Kubernetes accepts.
  { key: 'daysOfWeek', name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], firstName: 0 },
];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const HELP = 'write five fields "minute hour day-of-month month day-of-week", e.g. "0 1 * * *" (01:00 every day), or @daily, @hourly, @weekly, @monthly, @yearly';
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** Days in each month, February with its leap day: a date that exists in some year. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function parseCron(text: string): Parsed<CronSchedule> {
  const trimmed = text.trim();
  const shown = `"${trimmed}"`;
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (macro) return parseCron(macro);
    if (trimmed.toLowerCase() === '@reboot') return fail(`${shown} is not a schedule; ${HELP}`);
    return fail(`${shown} is not a cron expression${didYouMean(trimmed.toLowerCase(), Object.keys(MACROS))}; ${HELP}`);
  }
  const parts = trimmed.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 5) {
    const why = parts.length === 6 ? 'six fields (with seconds or a year) are not portable to every scheduler' : `it has ${parts.length} field(s)`;
    return fail(`${shown} is not a cron expression: ${why}; ${HELP}`);
  }
  const out: Partial<CronSchedule> = {};
  for (const [i, field] of FIELDS.entries()) {
    const r = parseField(parts[i]!, field);
    if (!r.ok) return fail(`${shown}: ${r.message}`);
    out[field.key] = r.value;
  }
  const cron = out as CronSchedule;
  // cron runs when EITHER day field matches if both are restricted, and schedulers disagree on
  // what counts as restricted: refuse the ambiguity instead of exporting different schedules.
  if (!parts[2]!.startsWith('*') && !parts[4]!.startsWith('*')) {
    return fail(`${shown}: restricts both day of month and day of week, which cron joins with OR (and not every scheduler does); write one of the two as *`);
  }
  if (!cron.months.some((m) => cron.daysOfMonth.some((d) => d <= MONTH_DAYS[m - 1]!))) {
    return fail(`${shown}: never runs: no month in it has day ${cron.daysOfMonth.join(', ')}`);
  }
  return { ok: true, value: cron };
}

function parseField(text: string, f: Field): Parsed<number[]> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') return fail(`${f.name} field "${text}" has an empty list item`);
    if (/[?#]/.test(item) || /^(\d*L(-\d+)?|\d+W|LW)$/i.test(item)) {
      return fail(`${f.name} field "${item}" uses Quartz syntax (?, L, W, #), which cron does not have`);
    }
    const m = /^(\*|([^-/]+)(?:-([^-/]+))?)(?:\/(.+))?$/.exec(item);
    if (!m) return fail(`${f.name} field "${item}" is not a value, range (a-b), list (a,b) or step (*/n, a-b/n)`);
    let lo = f.min;
    let hi = f.max === 7 ? 6 : f.max;
    if (m[1] !== '*') {
      const a = value(m[2]!, f);
      if (!a.ok) return a;
      lo = a.value;
      if (m[3] !== undefined) {
        const b = value(m[3], f);
        if (!b.ok) return b;
        hi = b.value;
        if (hi < lo) return fail(`${f.name} range "${item}" runs backwards; write the smaller value first`);
      } else if (m[4] !== undefined) {
        return fail(`${f.name} field "${item}": a step needs a range or *; write ${m[2]}-${f.max === 7 ? 6 : f.max}/${m[4]}`);
      } else {
        hi = lo;
      }
    }
    let step = 1;
    if (m[4] !== undefined) {
      if (!/^\d+$/.test(m[4]) || Number(m[4]) === 0) return fail(`${f.name} step "/${m[4]}" must be a whole number of 1 or more`);
      step = Number(m[4]);
      if (step > f.max - f.min + 1) return fail(`${f.name} step "/${m[4]}" is larger than the field's range ${f.min}-${f.max}`);
    }
    for (let v = lo; v <= hi; v += step) values.add(f.max === 7 && v === 7 ? 0 : v);
  }
  return { ok: true, value: [...values].sort((a, b) => a - b) };
}

function value(text: string, f: Field): Parsed<number> {
  const lower = text.toLowerCase();
  const named = f.names?.indexOf(lower) ?? -1;
  if (named >= 0) return { ok: true, value: named + (f.firstName ?? 0) };
  if (!/^\d+$/.test(text)) {
    const hint = f.names ? didYouMean(lower, f.names) : '';
    return fail(`${f.name} "${text}" is not a number${f.names ? ` or a name (${f.names[0]}, ${f.names[1]}, …)` : ''}${hint}`);
  }
  const n = Number(text);
  if (n < f.min || n > f.max) return fail(`${f.name} ${n} is out of range ${f.min}-${f.max}`);
  return { ok: true, value: n };
}

/**
 * The portable text of a schedule: numbers only (no names, no macros), Sunday as 0, `*` and `*\/n`
 * where they fit, else a list with ranges. Every scheduler gppart exports to reads it the same way.
 */
export function formatCron(c: CronSchedule): string {
  return FIELDS.map((f) => formatField(c[f.key], f.min, f.max === 7 ? 6 : f.max, '-', String)).join(' ');
}

/**
 * A value set as `*`, `*\/n` (unless `steps` is false), or a list whose runs of three or more
 * become ranges written with `rangeSep` (cron's `-`, systemd's `..`).
 */
export function formatField(
  values: number[], min: number, max: number, rangeSep: string, show: (n: number) => string, steps = true,
): string {
  if (values.length === max - min + 1) return '*';
  const step = values.length > 1 ? values[1]! - values[0]! : 0;
  if (steps && values.length >= 3 && values[0] === min && step > 1 && values.every((v, i) => v === min + i * step) && values[values.length - 1]! + step > max) {
    return `*/${step}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${show(values[i]!)}${rangeSep}${show(values[j]!)}`);
    else for (let k = i; k <= j; k++) parts.push(show(values[k]!));
    i = j + 1;
  }
  return parts.join(',');
}
