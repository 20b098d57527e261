import { GppartCommand } from '../../cli/base.js';
import { emit, exportFlags, readExportInput } from '../../cli/export.js';
import { airflowDag } from '../../export/airflow.js';

export default class ExportAirflow extends GppartCommand {
  static override summary = 'Write an Airflow 2.x DAG that plans and applies the policy on its schedule.';
  static override description = `One DAG per policy (schedule section of the policy file), one task group per table: \`plan\` (the plan as markdown in the task log, the plan file handed on as the artifact) then \`apply\` of exactly that plan. A table that fails or is refused does not hold up the others; only a run that could not get a lock is retried. The database comes from the Airflow connection named by schedule.connection. Regenerating from the same policy gives the same file.`;
  static override examples = ['<%= config.bin %> export airflow -c gppart.yaml -o $AIRFLOW_HOME/dags'];
  static override flags = { ...exportFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportAirflow);
    const input = readExportInput(flags.config);
    process.stdout.write(emit([airflowDag(input.job, input.policy, input.text)], flags.out));
  }
}
