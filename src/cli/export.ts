// What the `gppart export …` commands share: the policy flag, -o DIR, and writing the files.
import { Flags } from '@oclif/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ExportedFile, ScheduledJob } from '../export/job.js';
import { scheduledJob } from '../export/job.js';
import type { HostPaths } from '../export/crontab.js';
import { DEFAULT_POLICY_FILE, loadPolicyFile, type LoadedPolicy } from '../workflow/policy-file.js';
import { TOOL_VERSION } from '../version.js';
import { policyFlags } from './base.js';

export const exportFlags = {
  ...policyFlags,
  out: Flags.string({ char: 'o', description: 'Write the file(s) into this directory instead of printing them.', helpValue: 'DIR' }),
};

/** Where the job finds gppart, the policy and the connection on the host (cron, systemd). */
export const hostFlags = {
  bin: Flags.string({ description: 'The gppart command on the host.', default: 'gppart', helpValue: 'PATH' }),
  'policy-path': Flags.string({ description: 'Where the policy file is on the host. Default: the absolute path of --config.', helpValue: 'PATH' }),
  'env-file': Flags.string({
    description: 'The file with GPPART_DATABASE_URL (mode 0600). Default: /etc/gppart/<schedule.connection>.env.',
    helpValue: 'PATH',
  }),
};

export interface ExportInput extends LoadedPolicy {
  job: ScheduledJob;
}

export function readExportInput(config: string | undefined): ExportInput {
  const loaded = loadPolicyFile(config);
  return { ...loaded, job: scheduledJob(loaded.policy, TOOL_VERSION) };
}

export function hostPaths(input: ExportInput, flags: { bin: string; 'policy-path'?: string; 'env-file'?: string; config?: string }): HostPaths {
  return {
    bin: flags.bin,
    policyPath: flags['policy-path'] ?? resolve(flags.config ?? DEFAULT_POLICY_FILE),
    envFile: flags['env-file'] ?? `/etc/gppart/${input.job.schedule.connection}.env`,
  };
}

/** Writes the files into `dir`, or returns them as one text for stdout (several: each under its name). */
export function emit(files: ExportedFile[], dir: string | undefined): string {
  if (dir) {
    mkdirSync(dir, { recursive: true });
    return files.map((f) => {
      const path = join(dir, f.name);
      writeFileSync(path, f.text);
      return `wrote ${path}\n`;
    }).join('');
  }
  if (files.length === 1) return files[0]!.text;
  return files.map((f) => `# ---- ${f.name} ----\n${f.text}`).join('\n');
}
