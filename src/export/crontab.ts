// `gppart export cron`: a crontab block (CRON_TZ and one line) running the policy's apply under
// flock, so a run still going when the next one is due makes the next one step aside.

import { EXIT } from '../cli/exit-codes.js';
import { describeSchedule, provenance, shellQuote, type ExportedFile, type ScheduledJob } from './job.js';

export interface HostPaths {
  /** The gppart command on the host. */
  bin: string;
  /** Where the policy file is on the host (absolute). */
  policyPath: string;
  /** The file with GPPART_DATABASE_URL (and GPPART_NOTIFY_URL), readable only by the job's user. */
  envFile: string;
}


/**
 * The shell script of a run: the env file's variables exported, then `exec gppart apply ...`. A
 * missing env file would make sh exit 2 (gppart's "applied"): it is checked first and exits 1.
 */
function runScript(job: ScheduledJob, host: HostPaths): string {
  const env = shellQuote(host.envFile);
  const apply = [host.bin, 'apply', '-c', host.policyPath, ...job.applyFlags, '--state-dir'].map(shellQuote).join(' ');
  return `test -r ${env} || { echo gppart: cannot read ${env} >&2; exit ${EXIT.failed}; }; ` +
    `set -a; . ${env}; set +a; exec ${apply} "$HOME/gppart-state"`;
}

export function crontab(job: ScheduledJob, host: HostPaths): ExportedFile {
  const lock = `/tmp/${job.name}.lock`;
  // cron turns an unescaped % into a newline.
  const command = ['flock', '-n', '-E', String(EXIT.busy), lock, 'sh', '-c', runScript(job, host)]
    .map(shellQuote)
    .join(' ')
    .replace(/%/g, '\\%');
  const text = [
    `# ${job.name}: gppart apply for the tables of ${job.policyFileShown}, ${describeSchedule(job.schedule)}.`,
    ...provenance(job, 'cron').map((l) => `# ${l}`),
    `# Install: append to the crontab of the user the job runs as (crontab -e); CRON_TZ applies to`,
    `# every line after it. CRON_TZ is honoured by cronie (RHEL, Fedora, SUSE); Debian's and Ubuntu's`,
    `# cron ignore it and read the times in the system's zone: there, prefer gppart export systemd.`,
    `# The database: GPPART_DATABASE_URL in ${host.envFile} (mode 0600), never in this file.`,
    `# Exit codes: ${EXIT.nothingToDo} nothing to do, ${EXIT.changes} applied, ${EXIT.partlyApplied} partly applied, ${EXIT.refused} refused, ${EXIT.busy} busy (also when the`,
    `# previous run still holds ${lock}: flock -E), ${EXIT.failed} failed; see docs/scheduling.md.`,
    `CRON_TZ=${job.schedule.timezone}`,
    `${job.schedule.cronPortable} ${command}`,
    '',
  ].join('\n');
  return { name: `${job.name}.cron`, text };
}
