import { join } from 'node:path';
import { connectionFlags, GppartCommand } from '../cli/base.js';
import { serverInfo } from '../catalog/connection.js';
import { driverFor } from '../catalog/drivers.js';
import { migrate } from '../catalog/migrations.js';
import { PACKAGE_ROOT } from '../version.js';
import { printable } from '../util/printable.js';

export default class Init extends GppartCommand {
  static override summary = 'Install or upgrade schema gppart (functions, journal, snapshots) in the database.';
  static override description =
    'Applies the versioned migrations in sql/<dialect>/ that the database does not have yet, each in its own transaction, and records version and checksum of each in gppart.migrations. Running it again changes nothing; a migration changed after it was applied is refused.';
  static override examples = ['<%= config.bin %> init --database-url postgres://dba@db1/warehouse'];
  static override flags = { ...connectionFlags };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    const session = await this.connect(flags['database-url'], 'gppart init');
    const server = await serverInfo(session);
    const driver = driverFor(server.dialect);
    const result = await migrate(session.client, join(PACKAGE_ROOT, 'sql', driver.sqlFolder));
    for (const m of result.applied) this.say(`applied ${m}`);
    const state = result.applied.length ? `installed ${result.applied.length} migration(s)` : 'already up to date';
    this.say(printable(`gppart schema on ${server.version} (${server.dialect}), database ${server.database}: ${state} (${result.applied.length + result.alreadyApplied.length} in all)`));
  }
}
