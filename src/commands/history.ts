import { Flags } from '@oclif/core';
import { connectionFlags, GppartCommand } from '../cli/base.js';
import { isInstalled, listApplies } from '../catalog/state-store.js';
import { renderArchivesText, renderHistoryText } from '../render/history.js';
import { listArchives } from '../catalog/archive.js';
import { parseTableName } from '../policy/table-name.js';
import { WorkflowError } from '../workflow/planning.js';

export default class History extends GppartCommand {
  static override summary = 'List past applies from the journal in the database, newest first.';
  static override description =
    'One line per apply: id, when it started, its status, who ran it (database user and client), the policy hash, the `now` it planned for, how many steps were done, failed, interrupted or skipped, and the rows its steps moved and deleted. `gppart show --apply ID` shows one in full.';
  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history --limit 5 --format json',
    '<%= config.bin %> history --archives --table sales.orders',
  ];
  static override flags = {
    ...connectionFlags,
    limit: Flags.integer({ description: 'Show at most this many applies.', default: 20, min: 1 }),
    format: Flags.string({ description: 'Output format.', options: ['text', 'json'], default: 'text' }),
    archives: Flags.boolean({ description: 'List archived ranges instead (gppart.archives): every archive and restore, oldest first, with location, rows and apply.' }),
    table: Flags.string({ description: 'With --archives: only this table.', helpValue: 'SCHEMA.TABLE', dependsOn: ['archives'] }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(History);
    const session = await this.connect(flags['database-url'], 'gppart history');
    if (flags.archives) {
      const table = flags.table === undefined ? null : parseTableName(flags.table);
      if (table && !table.ok) throw new WorkflowError(`--table ${flags.table}: ${table.message}`);
      const archives = await listArchives(session.client, table ? table.value : null);
      if (flags.format === 'json') this.say(JSON.stringify(archives, null, 2));
      else this.say(renderArchivesText(archives));
      return;
    }
    const rows = (await isInstalled(session.client)) ? await listApplies(session.client, flags.limit) : [];
    if (flags.format === 'json') this.say(JSON.stringify(rows, null, 2));
    else this.say(renderHistoryText(rows));
  }
}
