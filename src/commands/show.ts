import { Args, Flags } from '@oclif/core';
import { connectionFlags, GppartCommand } from '../cli/base.js';
import { driverFor } from '../catalog/drivers.js';
import { serverInfo } from '../catalog/connection.js';
import { applyDetails, getApply, isInstalled } from '../catalog/state-store.js';
import { listArchives } from '../catalog/archive.js';
import { renderPlanText } from '../render/text.js';
import { renderPlanSql } from '../render/sql.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderApplyHtml, renderPlanHtml } from '../render/html.js';
import { renderApplyMarkdown, renderApplyText, renderArchivesText, type JournalStep, type SnapshotPartition, type TableSnapshots } from '../render/history.js';
import { wantsColor } from '../cli/output.js';
import { readPlanFile } from '../workflow/planfile.js';
import { printable } from '../util/printable.js';
import { WorkflowError } from '../workflow/planning.js';

export default class Show extends GppartCommand {
  static override summary = 'Render a saved plan (no database needed), or a past apply from the journal.';
  static override description = `gppart show PLANFILE renders a plan written by \`gppart plan --out\` as text, markdown (for a change ticket), json, sql (a psql script) or html (one self-contained page with a timeline per table); it checks the file's hash first and needs no database.

gppart show --apply ID reads apply ID from the database: its snapshots before and after as a layout diff (html: as a timeline), and each journal step with status, rows and timings, and why a step failed, was interrupted or skipped; --format markdown makes it a note that closes the change ticket.`;
  static override examples = [
    '<%= config.bin %> show plan.json --format markdown > change-1234.md',
    '<%= config.bin %> show plan.json --format sql > change-1234.sql',
    '<%= config.bin %> show plan.json --format html > change-1234.html',
    '<%= config.bin %> show --apply 42',
    '<%= config.bin %> show --apply 42 --format markdown >> change-1234.md',
  ];
  static override args = {
    planfile: Args.string({ description: 'A plan written by `gppart plan --out`.', required: false, ignoreStdin: true }),
  };
  static override flags = {
    ...connectionFlags,
    apply: Flags.integer({ description: 'Show this past apply (an id from `gppart history`).', helpValue: 'ID', min: 1 }),
    format: Flags.string({ description: 'Output format (--apply: text, markdown to close a change ticket, json or html).', options: ['text', 'markdown', 'json', 'sql', 'html'], default: 'text' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Show);
    if (flags.apply !== undefined) {
      if (args.planfile) throw new WorkflowError('give either PLANFILE or --apply ID, not both');
      if (flags.format === 'sql') throw new WorkflowError('--apply shows as text, markdown, json or html, not sql');
      await this.showApply(flags.apply, flags.format, flags['database-url']);
      return;
    }
    if (!args.planfile) throw new WorkflowError('nothing to show: give a PLANFILE (from gppart plan --out) or --apply ID (from gppart history)');
    // Checked whole before anything is shown: hash, embedded policy, and every step's call
    // against its kind and partitions, so what is shown is what apply would run.
    const { doc, plan, policy } = readPlanFile(args.planfile);
    const driver = driverFor(plan.server.dialect);
    switch (flags.format) {
      case 'json':
        this.say(JSON.stringify(doc, null, 2));
        break;
      case 'sql':
        this.say(renderPlanSql(plan, (s) => driver.renderCall(s.call)));
        break;
      case 'markdown':
        this.say(renderPlanMarkdown(plan, { planHash: doc.planHash, renderCall: (s) => driver.renderCall(s.call), policy: doc.policy, context: doc.context }));
        break;
      case 'html':
        this.say(renderPlanHtml(plan, { planHash: doc.planHash, renderCall: (s) => driver.renderCall(s.call), policy }));
        break;
      default:
        this.say(renderPlanText(plan, { color: wantsColor(), throughput: doc.context?.throughput }, (s) => driver.renderCall(s.call)));
        this.say(`Plan hash ${doc.planHash}; apply exactly it with: gppart apply ${printable(args.planfile)}`);
    }
  }

  private async showApply(id: number, format: string, url: string | undefined): Promise<void> {
    const session = await this.connect(url, 'gppart show');
    if (!(await isInstalled(session.client))) throw new WorkflowError('schema gppart is not installed in this database; there is no apply history');
    const apply = await getApply(session.client, id);
    if (!apply) throw new WorkflowError(`there is no apply ${id} in gppart.applies; gppart history lists them`);
    const details = await applyDetails(session.client, id);
    const steps: JournalStep[] = details.journal.map((r) => ({
      stepNo: Number(r.step_no),
      table: r.table_name,
      kind: r.kind,
      call: r.call,
      status: r.status,
      rows: r.rows === null ? null : Number(r.rows),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      seconds: r.seconds === null ? null : Number(r.seconds),
      error: r.error,
    }));
    const byTable = new Map<string, TableSnapshots>();
    for (const s of details.snapshots) {
      const state = s.state as { partitions?: SnapshotPartition[]; keyType?: string };
      const keyType = state.keyType === 'timestamp' || state.keyType === 'timestamptz' ? state.keyType : 'date';
      const entry = byTable.get(s.table_name) ?? { table: s.table_name, keyType, before: null, after: null };
      const parts = state.partitions ?? [];
      if (s.phase === 'before') entry.before = parts;
      else entry.after = parts;
      byTable.set(s.table_name, entry);
    }
    const snapshots = [...byTable.values()];
    const archives = (await listArchives(session.client, null)).filter((a) => a.applyId === id);
    if (format === 'json') {
      this.say(JSON.stringify({ apply, steps, snapshots, archives }, null, 2));
    } else if (format === 'html') {
      this.say(renderApplyHtml(apply, steps, snapshots));
    } else if (format === 'markdown') {
      this.say(renderApplyMarkdown(apply, steps, snapshots, await serverInfo(session)));
    } else {
      this.say(renderApplyText(apply, steps, snapshots));
      if (archives.length) this.say(`archived by this apply:\n${renderArchivesText(archives)}`);
    }
  }
}
