import { GppartCommand } from '../../cli/base.js';
import { emit, exportFlags, hostFlags, hostPaths, readExportInput } from '../../cli/export.js';
import { systemdUnits } from '../../export/systemd.js';

export default class ExportSystemd extends GppartCommand {
  static override summary = 'Write a systemd service and timer that apply the policy on its schedule.';
  static override description = '<name>.service (oneshot; the connection from an EnvironmentFile; exit codes 2 and 3 count as success) and <name>.timer (OnCalendar= with the schedule\'s time zone). With -o both files are written; without, both are printed, each under its name.';
  static override examples = ['<%= config.bin %> export systemd -c /etc/gppart/sales.yaml -o /etc/systemd/system'];
  static override flags = { ...exportFlags, ...hostFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportSystemd);
    const input = readExportInput(flags.config);
    process.stdout.write(emit(systemdUnits(input.job, hostPaths(input, flags)), flags.out));
  }
}
