// `gppart export systemd`: a oneshot service and the timer that starts it. systemd never starts a
// service that is still running, so no lock file is needed; the exit codes that mean success
// (applied, partly applied) are listed in SuccessExitStatus.

import type { CronSchedule } from '../policy/cron.js';
import { formatField } from '../policy/cron.js';
import { EXIT } from '../cli/exit-codes.js';
import type { HostPaths } from './crontab.js';
import { describeSchedule, provenance, type ExportedFile, type ScheduledJob } from './job.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * The OnCalendar= value of a cron schedule. parseCron refuses a schedule that restricts both day
 * fields, so cron's OR between them never arises and systemd's AND is exact.
 */
export function onCalendar(c: CronSchedule, timezone: string): string {
  // systemd writes a repetition as first/step (cron's */15 is 00/15) and has none for weekdays.
  const part = (values: number[], min: number, max: number, show: (n: number) => string, steps = true) => {
    const text = formatField(values, min, max, '..', show);
    if (!text.startsWith('*/')) return text;
    return steps ? `${show(min)}/${text.slice(2)}` : formatField(values, min, max, '..', show, false);
  };
  const weekdays = part(c.daysOfWeek, 0, 6, (n) => WEEKDAYS[n]!, false);
  const date = `*-${part(c.months, 1, 12, two)}-${part(c.daysOfMonth, 1, 31, two)}`;
  const time = `${part(c.hours, 0, 23, two)}:${part(c.minutes, 0, 59, two)}:00`;
  return `${weekdays === '*' ? '' : `${weekdays} `}${date} ${time} ${timezone}`;
}

/** One word of an ExecStart= command line: quoted when needed, % and $ doubled (specifiers, variables). */
export function systemdWord(s: string): string {
  const escaped = s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const quoted = /^[A-Za-z0-9_@+=:,./-]+$/.test(s) ? s : `"${escaped}"`;
  return quoted.replace(/%/g, '%%').replace(/\$/g, '$$$$');
}

export function systemdUnits(job: ScheduledJob, host: HostPaths): ExportedFile[] {
  const unit = job.name;
  const header = (what: string) => [
    `# ${unit}.${what}: gppart apply for the tables of ${job.policyFileShown}, ${describeSchedule(job.schedule)}.`,
    ...provenance(job, 'systemd').map((l) => `# ${l}`),
  ];
  const exec = [host.bin, 'apply', '-c', host.policyPath, ...job.applyFlags].map(systemdWord).join(' ');
  const service = [
    ...header('service'),
    `# Install both units into /etc/systemd/system, then: systemctl daemon-reload && systemctl enable --now ${unit}.timer`,
    `# The database: GPPART_DATABASE_URL in ${host.envFile} (mode 0600), never in this file.`,
    `# Exit codes: ${EXIT.nothingToDo} nothing to do, ${EXIT.changes} applied, ${EXIT.partlyApplied} partly applied (the unit succeeds); ${EXIT.refused} refused, ${EXIT.busy} busy,`,
    `# ${EXIT.failed} failed (the unit fails: OnFailure= and monitoring see it). See docs/scheduling.md. Needs systemd 240+.`,
    '[Unit]',
    `Description=gppart apply for the tables of ${job.policyFileShown.replace(/%/g, '%%')}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `EnvironmentFile=${host.envFile.replace(/%/g, '%%')}`,
    `StateDirectory=${unit}`,
    `ExecStart=${exec} --state-dir %S/${unit}`,
    `SuccessExitStatus=${EXIT.changes} ${EXIT.partlyApplied}`,
    '',
  ].join('\n');
  const timer = [
    ...header('timer'),
    '# A run missed while the machine was off is not made up: the next one goes on from where it stands.',
    '[Unit]',
    `Description=Start ${unit}.service on schedule ${describeSchedule(job.schedule).replace(/%/g, '%%')}`,
    '',
    '[Timer]',
    `OnCalendar=${onCalendar(job.schedule.cron, job.schedule.timezone)}`,
    'AccuracySec=1min',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return [{ name: `${unit}.service`, text: service }, { name: `${unit}.timer`, text: timer }];
}
