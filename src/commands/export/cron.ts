import { GppartCommand } from '../../cli/base.js';
import { emit, exportFlags, hostFlags, hostPaths, readExportInput } from '../../cli/export.js';
import { crontab } from '../../export/crontab.js';

export default class ExportCron extends GppartCommand {
  static override summary = 'Write a crontab block that applies the policy on its schedule, under flock.';
  static override description = 'CRON_TZ and one crontab line: flock -n (a run still going makes the next one step aside, exit code 5), the connection from an environment file, then gppart apply --auto-approve --detailed-exitcode with the schedule\'s budgets.';
  static override examples = ['<%= config.bin %> export cron -c /etc/gppart/sales.yaml >> mycrontab'];
  static override flags = { ...exportFlags, ...hostFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportCron);
    const input = readExportInput(flags.config);
    process.stdout.write(emit([crontab(input.job, hostPaths(input, flags))], flags.out));
  }
}
