import { Flags } from '@oclif/core';
import { GppartCommand, policyFlags } from '../cli/base.js';
import { PolicyError } from '../policy/types.js';
import { DEFAULT_POLICY_FILE, loadPolicyFile } from '../workflow/policy-file.js';
import { printable } from '../util/printable.js';

export default class Validate extends GppartCommand {
  static override summary = 'Check a policy file without touching a database.';
  static override description =
    'Validates the policy against its schema (schemas/gppart.schema.json) and the semantic rules (bands, retention, time zones, storage). Every problem is one line: FILE:LINE:COL key.path: what is wrong. Exits 1 on any error. --format json prints {"valid", "issues": [{file, line, col, path, message}]} for CI pipelines.';
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate -c policies/sales.yaml --format json'];
  static override flags = {
    ...policyFlags,
    format: Flags.string({ description: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    const file = flags.config ?? DEFAULT_POLICY_FILE;
    if (flags.format === 'json') {
      try {
        const { policy } = loadPolicyFile(flags.config);
        this.say(JSON.stringify({ valid: true, file, tables: policy.tables.length, issues: [] }, null, 2));
      } catch (err) {
        if (err instanceof PolicyError) {
          this.say(JSON.stringify({ valid: false, file, issues: err.issues }, null, 2));
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
    this.say(`${printable(file)}: valid${converted}: ${policy.tables.length} table(s), ${bands} band(s)`);
  }
}
