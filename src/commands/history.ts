import { Flags } from '@oclif/core';
import { connectionFlags, GppartCommand } from '../cli/base.js';
import { isInstalled, listApplies } from '../catalog/state-store.js';
import { renderHistoryText } from '../render/history.js';

export default class History extends GppartCommand {
  static override summary = 'List past applies from the journal in the database, newest first.';
  static override description =
    'One line per apply: id, when it started, its status, who ran it (database user and client), the policy hash, the `now` it planned for, how many steps were done, failed, interrupted or skipped, and the rows its steps moved and deleted. `gppart show --apply ID` shows one in full.';
  static override examples = ['<%= config.bin %> history', '<%= config.bin %> history --limit 5 --format json'];
  static override flags = {
    ...connectionFlags,
    limit: Flags.integer({ description: 'Show at most this many applies.', default: 20, min: 1 }),
    format: Flags.string({ description: 'Output format.', options: ['text', 'json'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(History);
    const session = await this.connect(flags['database-url'], 'gppart history');
    const rows = (await isInstalled(session.client)) ? await listApplies(session.client, flags.limit) : [];
    if (flags.format === 'json') this.say(JSON.stringify(rows, null, 2));
    else this.say(renderHistoryText(rows));
  }
}
