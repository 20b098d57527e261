// What `gppart validate` does, in one place for both ways in: the oclif command
// (src/commands/validate.ts) and bin/run.js's path around oclif (src/cli/fast-validate.ts).
// Without oclif, so the second loads none of it. Errors are thrown, for the caller to print with
// reportError (src/cli/errors.ts).
import { PolicyError } from '../policy/types.js';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../workflow/policy-file.js';
import { printable } from '../util/printable.js';

export const VALIDATE_FORMATS = ['text', 'json'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export interface ValidateFlags {
  config?: string;
  format: ValidateFormat;
}

function say(text: string): void {
  process.stdout.write(text + '\n');
}

/** Validates the policy and prints the verdict; an invalid policy sets exit code 1 (--format json) or is thrown (text). */
export function runValidate(flags: ValidateFlags): void {
  const file = flags.config ?? DEFAULT_POLICY_FILE;
  if (flags.format === 'json') {
    try {
      const { policy } = loadPolicyFile(flags.config);
      say(JSON.stringify({ valid: true, file, tables: policy.tables.length, issues: [] }, null, 2));
    } catch (err) {
      if (err instanceof PolicyError) {
        say(JSON.stringify({ valid: false, file, issues: err.issues }, null, 2));
        process.exitCode = 1;
        return;
      }
      throw err;
    }
    return;
  }
  const { policy } = loadPolicyFile(flags.config);
  const bands = policy.tables.reduce((n, t) => n + t.layout.length, 0);
  const converted = policy.convertedFrom ? ' (converted from the original Partition tools format)' : '';
  say(`${printable(file)}: valid${converted}: ${policy.tables.length} table(s), ${bands} band(s)`);
}
