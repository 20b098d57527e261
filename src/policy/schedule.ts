// The `schedule` section: when and how a scheduler runs `gppart apply` for this policy. gppart
// itself never reads the clock from it; `gppart export airflow|cron|systemd|kubernetes` does.
// Types and shapes are the JSON Schema's to check; this file checks the values.

import { formatCron, parseCron, type CronSchedule } from './cron.js';
import type { Parsed } from './periods.js';
import type { Path } from './validate.js';

export interface Duration {
  ms: number;
  /** As written: "2h", "90m", "1h30m". */
  text: string;
}

export interface SchedulePolicy {
  cron: CronSchedule;
  /** The expression as written (comments in exported files show it). */
  cronText: string;
  /** The portable form every exporter writes: numbers only, Sunday 0. */
  cronPortable: string;
  /** IANA zone the cron times are read in; default: defaults.timezone. */
  timezone: string;
  /** YYYY-MM-DD; Airflow's start_date. */
  startDate: string | null;
  tags: string[];
  /** The connection's name in the scheduler (Airflow connection id, env file, Kubernetes Secret). */
  connection: string;
  /** The job's name (DAG id, unit and CronJob name); default: from the policy file's name. */
  name: string | null;
  /** Airflow pool every gppart task runs in. */
  pool: string;
  /** Whether unattended runs may run destructive steps (apply --allow-destroy). */
  allowDestroy: boolean;
  /** Per-run budgets (apply --max-steps, --max-duration). */
  maxSteps: number | null;
  maxDuration: Duration | null;
  /** Retries of a run that could not get a lock (exit code 5), and the pause between them. */
  retries: number;
  retryDelay: Duration;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** "2h", "90m", "45s", "1h30m": a positive duration of whole hours, minutes and seconds. */
export function parseDuration(text: string): Parsed<Duration> {
  const m = /^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) {
    return { ok: false, message: `"${text}" is not a duration; write e.g. 2h, 90m, 1h30m or 45s` };
  }
  const ms = (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
  if (ms === 0) return { ok: false, message: `"${text}" must be longer than zero` };
  return { ok: true, value: { ms, text: text.trim() } };
}

function parseDate(text: string): Parsed<string> {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    return { ok: false, message: `"${text}" is not a date; write YYYY-MM-DD, e.g. 2024-01-01` };
  }
  return { ok: true, value: m[0] };
}

function parseName(what: string) {
  return (text: string): Parsed<string> =>
    NAME.test(text) && text.length <= 100
      ? { ok: true, value: text }
      : { ok: false, message: `"${text}" is not a ${what}; use letters, digits, _, . and - (at most 100, starting with a letter or digit)` };
}

type Obj = Record<string, unknown>;

/**
 * The validated schedule, or null when it has problems (each reported through `issue`, at the
 * path of the key). `checkZone` is the policy's own time-zone check.
 */
export function resolveSchedule(
  raw: Obj,
  defaultTimezone: string,
  issue: (path: Path, message: string) => void,
  checkZone: (s: string) => Parsed<string>,
): SchedulePolicy | null {
  const p: Path = ['schedule'];
  let problems = 0;
  const parse = <T>(key: string, parser: (s: string) => Parsed<T>): T | undefined => {
    const v = raw[key];
    if (typeof v !== 'string') return undefined;
    const r = parser(v);
    if (r.ok) return r.value;
    issue([...p, key], r.message);
    problems++;
    return undefined;
  };
  const cron = parse('cron', parseCron);
  const timezone = parse('timezone', checkZone) ?? defaultTimezone;
  const startDate = parse('start_date', parseDate) ?? null;
  const connection = parse('connection', parseName('connection name')) ?? 'gppart';
  const name = parse('name', parseName('job name')) ?? null;
  const pool = parse('pool', parseName('pool name')) ?? 'gppart';
  const maxDuration = parse('max_duration', parseDuration) ?? null;
  const retryDelay = parse('retry_delay', parseDuration) ?? { ms: 600_000, text: '10m' };
  if (!cron || problems) return null;
  const int = (key: string, fallback: number | null) => (Number.isInteger(raw[key]) ? (raw[key] as number) : fallback);
  return {
    cron,
    cronText: String(raw.cron).trim(),
    cronPortable: formatCron(cron),
    timezone,
    startDate,
    tags: Array.isArray(raw.tags) ? raw.tags.filter((t): t is string => typeof t === 'string') : [],
    connection,
    name,
    pool,
    allowDestroy: raw.allow_destroy === true,
    maxSteps: int('max_steps', null),
    maxDuration,
    retries: int('retries', 2)!,
    retryDelay,
  };
}
