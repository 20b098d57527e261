import { Flags } from '@oclif/core';
import { GppartCommand, policyFlags } from '../cli/base.js';
import { VALIDATE_FORMATS, runValidate, type ValidateFormat } from '../cli/validate-command.js';

// bin/run.js runs `validate` without loading oclif when its arguments are only these flags
// (src/cli/fast-validate.ts); both ways call runValidate, and test/cli/startup.test.ts holds
// them to the same output.
export default class Validate extends GppartCommand {
  static override summary = 'Check a policy file without touching a database.';
  static override description =
    'Validates the policy against its schema (schemas/gppart.schema.json) and the semantic rules (bands, retention, time zones, storage). Every problem is one line: FILE:LINE:COL key.path: what is wrong. Exits 1 on any error. --format json prints {"valid", "issues": [{file, line, col, path, message}]} for CI pipelines.';
  static override examples = ['<%= config.bin %> validate', '<%= config.bin %> validate -c policies/sales.yaml --format json'];
  static override flags = {
    ...policyFlags,
    format: Flags.string({ description: 'Output format.', options: [...VALIDATE_FORMATS], default: 'text' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Validate);
    runValidate({ config: flags.config, format: flags.format as ValidateFormat });
  }
}
