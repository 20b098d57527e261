import { Args, Flags } from '@oclif/core';
import { writeFileSync } from 'node:fs';
import { GppartCommand } from '../cli/base.js';
import { convertOriginalToYaml } from '../policy/convert-original.js';

export default class Convert extends GppartCommand {
  static override summary = 'Convert a policy of the original Partition tools (kind: partitioning, api: v1) to gppart.yaml.';
  static override description =
    'gppart plans from such a file directly; convert prints the equivalent gppart policy so it can be reviewed and kept. The mapping of each operation is in docs/policy.md. The result is validated before it is printed.';
  static override examples = ['<%= config.bin %> convert dags/partitioning_configs/greenplum/test_part.yaml > gppart.yaml'];
  static override args = { file: Args.string({ description: 'The original policy file.', required: true, ignoreStdin: true }) };
  static override flags = { out: Flags.string({ char: 'o', description: 'Write to this file instead of stdout.', helpValue: 'FILE' }) };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Convert);
    const yaml = convertOriginalToYaml(args.file);
    if (flags.out) {
      writeFileSync(flags.out, yaml);
      this.say(`wrote ${flags.out}`);
    } else {
      process.stdout.write(yaml);
    }
  }
}
