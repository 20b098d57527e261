import { Flags } from '@oclif/core';
import { connectionFlags, GppartCommand, nowFlag, policyFlags, targetFlag } from '../cli/base.js';
import { wantsColor } from '../cli/output.js';
import { isEmpty } from '../plan/plan.js';
import { renderPlanText } from '../render/text.js';
import { renderPlanSql } from '../render/sql.js';
import { renderPlanMarkdown } from '../render/markdown.js';
import { renderPlanHtml } from '../render/html.js';
import { driftLine } from '../render/drift.js';
import { EXIT } from '../cli/exit-codes.js';
import { computePlan, loadPolicyFile, resolveNow, selectTables } from '../workflow/planning.js';
import { printable } from '../util/printable.js';
import { toPlanFile, writePlanFile } from '../workflow/planfile.js';
import { reviewContext } from '../workflow/review.js';

export default class Plan extends GppartCommand {
  static override summary = 'Show the steps that would bring the partitions in line with the policy.';
  static override description =
    'Introspects the tables named in the policy, computes the target layout for --now (default: today) and prints the ordered steps: drop or detach, purge of expired DEFAULT rows, unload (to S3), split and merge, move. Changes nothing. The same policy, database state and --now always give the same plan.';
  static override examples = [
    '<%= config.bin %> plan',
    '<%= config.bin %> plan --now 2026-01-01 --format json',
    '<%= config.bin %> plan --out plan.json --format markdown > change-1234.md',
    '<%= config.bin %> plan --format html > plan.html   # open in a browser: a timeline per table',
    '<%= config.bin %> plan --out plan.json && <%= config.bin %> apply plan.json',
    '<%= config.bin %> plan --detailed-exitcode   # 0 no changes, 2 changes (the last line names the tables), 1 error',
  ];
  static override flags = {
    ...policyFlags,
    ...connectionFlags,
    ...nowFlag,
    ...targetFlag,
    format: Flags.string({
      description:
        'Output format (default: a coloured view at a terminal, plain text otherwise; markdown is made for a change ticket, html is one self-contained page with a timeline per table).',
      options: ['text', 'markdown', 'json', 'sql', 'html'],
    }),
    out: Flags.string({ description: 'Also write the plan to this file, for `gppart apply PLANFILE` and `gppart show`.', helpValue: 'PLANFILE' }),
    'detailed-exitcode': Flags.boolean({
      description: 'Exit 0 when there are no changes, 2 when there are, 1 on error; as text, end with a line naming the tables out of policy (a monitoring check).',
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Plan);
    const now = resolveNow(flags.now);
    const loaded = loadPolicyFile(flags.config);
    const policy = selectTables(loaded.policy, flags.target);
    const session = await this.connect(flags['database-url'], 'gppart plan');
    const { plan, driver } = await computePlan(session, policy, now);
    // Who, when and the journal's history: for the reviewer, beside the plan, never part of it.
    const context = await reviewContext(session, plan.tables.map((t) => t.table));
    const policyRef = { file: loaded.policy.file, text: loaded.text };
    const doc = toPlanFile(plan, policyRef, context);
    if (flags.out) writePlanFile(flags.out, doc);
    const call = (s: Parameters<typeof driver.renderCall>[0]) => driver.renderCall(s);
    if (flags.format === 'json') {
      // The plan itself, the same for the same input: who ran it and when stay in the plan file.
      const { policy: _p, context: _c, ...printable } = doc;
      this.say(JSON.stringify(printable, null, 2));
    } else if (flags.format === 'sql') {
      this.say(renderPlanSql(plan, (s) => call(s.call)));
    } else if (flags.format === 'markdown') {
      this.say(renderPlanMarkdown(plan, { planHash: doc.planHash, renderCall: (s) => call(s.call), policy: policyRef, context }));
    } else if (flags.format === 'html') {
      this.say(renderPlanHtml(plan, { planHash: doc.planHash, renderCall: (s) => call(s.call), policy }));
    } else if (!flags.format && wantsColor()) {
      // Ink and React cost ~250 ms to load: only a person at a terminal pays for them.
      const { planToTerminalString } = await import('../render/ink/live.js');
      this.say(planToTerminalString(plan, { throughput: context.throughput }));
      if (flags.out) this.say(`Saved the plan to ${printable(flags.out)}; apply exactly it with: gppart apply ${printable(flags.out)}`);
    } else {
      this.say(renderPlanText(plan, { color: false, throughput: context.throughput }, (s) => call(s.call)));
      if (flags.out) this.say(`Saved the plan to ${printable(flags.out)}; apply exactly it with: gppart apply ${printable(flags.out)}`);
    }
    if (flags['detailed-exitcode']) {
      if (!flags.format || flags.format === 'text') this.say(driftLine(plan));
      process.exitCode = isEmpty(plan) ? EXIT.nothingToDo : EXIT.changes;
    }
  }
}
