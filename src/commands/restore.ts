import { Args, Flags } from '@oclif/core';
import { connectionFlags, GppartCommand } from '../cli/base.js';
import { serverInfo } from '../catalog/connection.js';
import { driverFor } from '../catalog/drivers.js';
import { parseTableName } from '../policy/table-name.js';
import { parseTimeout } from '../policy/periods.js';
import { formatCount } from '../render/text.js';
import { term } from '../render/escape.js';
import { s3ObjectStore } from '../s3/s3-store.js';
import { restoreArchives } from '../workflow/restore.js';
import { WorkflowError } from '../workflow/planning.js';

export default class Restore extends GppartCommand {
  static override summary = 'Bring archived ranges of a table back from object storage into partitions.';
  static override description = `Restores every archived range of SCHEMA.TABLE that overlaps [--from, --to) (all of them without either), one transaction per range: the manifest is checked against gppart.archives and every object's size, an empty table shaped like the parent is filled with COPY FROM STDIN, the bytes read must match the manifest's size and sha256 and the rows its count, then the table is attached as the partition and the restore is recorded in gppart.archives.

Object storage is reached as apply reaches it: the AWS SDK's credential chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/config) and AWS_ENDPOINT_URL_S3 for MinIO-style servers. A restored range older than the policy's archive.after is unloaded again by the next plan that includes the table (the plan shows it as an unload step): raise archive.after, or apply with --target for other tables, while you need it.`;
  static override examples = [
    '<%= config.bin %> restore sales.orders --from 2019-01-01 --to 2019-04-01',
    '<%= config.bin %> restore \'"Sales Data"."Orders"\'',
  ];
  static override args = {
    table: Args.string({ description: 'The table, schema.table (quoted parts as in the policy).', required: true }),
  };
  static override flags = {
    ...connectionFlags,
    from: Flags.string({ description: 'Restore ranges that end after this value (a date or timestamp of the key type).', helpValue: 'DATE' }),
    to: Flags.string({ description: 'Restore ranges that start before this value.', helpValue: 'DATE' }),
    'lock-timeout': Flags.string({ description: 'How long to wait for the table\'s locks.', default: '5s', helpValue: 'DURATION' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Restore);
    const table = parseTableName(args.table);
    if (!table.ok) throw new WorkflowError(`${args.table}: ${table.message}`);
    const timeout = parseTimeout(flags['lock-timeout']);
    if (!timeout.ok) throw new WorkflowError(`--lock-timeout ${flags['lock-timeout']}: ${timeout.message}`);
    const session = await this.connect(flags['database-url'], 'gppart restore');
    const driver = driverFor((await serverInfo(session)).dialect);
    const store = s3ObjectStore();
    try {
      const done = await restoreArchives({
        session,
        driver,
        table: table.value,
        from: flags.from,
        to: flags.to,
        store,
        lockTimeoutMs: timeout.value,
        onRange: (r, i, n) =>
          this.say(`[${i}/${n}] restoring [${r.from}, ${r.to}) from ${term(r.location)} (${r.format}, ${formatCount(r.rows)} rows, archived ${r.at}) …`),
      });
      for (const r of done) {
        this.say(`  restored into ${term(r.partition)}: ${formatCount(r.rows)} rows in ${(r.ms / 1000).toFixed(2)} s`);
      }
      this.say(
        `Restored ${done.length} range(s). If the policy archives these ranges (archive.after), the next plan unloads them again; it shows that as an unload step.`,
      );
    } finally {
      store.close();
    }
  }
}
