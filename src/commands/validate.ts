import { GppartCommand, policyFlags } from '../cli/base.js';
import { loadPolicyFile } from '../workflow/planning.js';

export default class Validate extends GppartCommand {
  static override summary = 'Check a policy file without touching a database.';
  static override description =
    'Validates the policy against its schema (schemas/gppart.schema.json) and the semantic rules (bands, retention, time zones, storage). Every problem is one line: FILE:LINE:COL key.path: what is wrong. Exits 1 on any error.';
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate -c policies/sales.yaml'];
  static override flags = { ...policyFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    const { policy } = loadPolicyFile(flags.config);
    const bands = policy.tables.reduce((n, t) => n + t.layout.length, 0);
    const converted = policy.convertedFrom ? ' (converted from the original Partition tools format)' : '';
    this.say(`${flags.config}: valid${converted}: ${policy.tables.length} table(s), ${bands} band(s)`);
  }
}
