import { Flags } from '@oclif/core';
import { connectionFlags, GppartCommand, nowFlag, policyFlags, targetFlag } from '../cli/base.js';
import { tableStatus } from '../plan/status.js';
import { renderStatusText } from '../render/status.js';
import { introspectPolicy, loadPolicyFile, resolveNow, selectTables } from '../workflow/planning.js';
import { TOOL_VERSION } from '../version.js';

export default class Status extends GppartCommand {
  static override summary = "Show each policy table's partitions now, and the rule of the policy each falls under.";
  static override description = `For every table of the policy (or each --target): its partitions with bounds, tablespace, storage, estimated rows and size, and for each the rule it falls under (a band, retention, archive, or the DEFAULT) and whether it is as that rule wants; then the periods the policy wants that no partition covers yet. Changes nothing and plans nothing: gppart plan has the steps.`;
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --target sales.orders --format json'];
  static override flags = {
    ...policyFlags,
    ...connectionFlags,
    ...nowFlag,
    ...targetFlag,
    format: Flags.string({ description: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Status);
    const now = resolveNow(flags.now);
    const policy = selectTables(loadPolicyFile(flags.config).policy, flags.target);
    const session = await this.connect(flags['database-url'], 'gppart status');
    const db = await introspectPolicy(session, policy);
    const tables = policy.tables.map((tp) => tableStatus(tp, db.actual.get(`${tp.table.schema}.${tp.table.name}`)!, now));
    if (flags.format === 'json') this.say(JSON.stringify({ now, server: db.server, tables }, null, 2));
    else this.say(renderStatusText(db.server, TOOL_VERSION, now, tables));
  }
}
