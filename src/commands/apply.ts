import { Args, Flags, type Interfaces } from '@oclif/core';
import { connectionFlags, GppartCommand, nowFlag, policyFlags, targetFlag } from '../cli/base.js';
import { wantsColor } from '../cli/output.js';
import { askYes } from '../cli/prompt.js';
import { executePlan, type ApplyResult } from '../apply/executor.js';
import { applyOutcome, errorOutcome, exitCode, type Outcome } from '../cli/exit-codes.js';
import { postSummary, runSummary, worthNotifying } from '../notify/webhook.js';
import { isEmpty } from '../plan/plan.js';
import type { Plan as PlanDoc } from '../plan/model.js';
import { renderPlanText, summaryLine } from '../render/text.js';
import { eventLine, planEvent } from '../render/events.js';
import { applyNotes, confirmationQuestion, confirmationWarnings, otherDayNote, type FinishedStep } from '../render/apply-summary.js';
import { inkReporter, jsonReporter, stepWords, textReporter, type ApplyReporter } from '../cli/apply-reporters.js';
import { backendPid } from '../catalog/lock-waits.js';
import { monitorSteps } from '../cli/step-monitor.js';
import { reviewContext } from '../workflow/review.js';
import { applyBudget, clientName, planToApply, readApplyInput, refuseUnrunnable, type ApplyRequest } from '../workflow/apply-run.js';
import { computePlan, readTables, WorkflowError } from '../workflow/planning.js';
import { TOOL_VERSION } from '../version.js';

export default class Apply extends GppartCommand {
  static override summary = 'Run the plan: one stored-function call per step, each in its own transaction.';
  static override description = `Computes the plan (or reads PLANFILE written by \`gppart plan --out\`), shows it, asks for confirmation, then runs each step under a per-table advisory lock, with a journal row per step and a snapshot of each table before and after (in schema gppart and as JSON files under --state-dir). Finally it plans again and reports anything still pending.

Everything that would refuse the apply is checked before the plan is shown or the question asked: a PLANFILE that is stale, made for another database, or not a plan gppart made; schema gppart missing or older than this gppart; an unknown --target; destructive steps or a now other than today under --auto-approve.

With PLANFILE it applies exactly that plan: it plans again from the policy embedded in the file, for the file's now, against the database, and runs those steps only if they are the file's. --auto-approve skips the question but never permits destructive steps (drop, unload, purge, detach): those need --allow-destroy too. An apply whose now is not today says so in the question; under --auto-approve, a --now other than today, or a PLANFILE made for a date after today, needs --allow-now-override (a PLANFILE made on an earlier day is what was reviewed: it is applied with a note).

While a step waits for a lock, apply says who holds it. Ctrl-C (SIGINT) or SIGTERM cancels the running step, which rolls back, starts no further step, and says what finished, what was rolled back and what to run next; the journal records the step as interrupted. A second Ctrl-C exits at once (the server still rolls the step back).

--format json streams one JSON event per line for CI (docs/events.md); it needs --auto-approve.

Unattended runs: --max-steps and --max-duration stop it between steps (the next run goes on); --detailed-exitcode exits 0 nothing to do, 2 applied, 3 partly applied, 4 refused, 5 busy (a lock), 1 failed; GPPART_NOTIFY_URL receives a JSON summary of every run that applied, failed or was refused (docs/scheduling.md).`;
  static override examples = [
    '<%= config.bin %> apply',
    '<%= config.bin %> apply plan.json',
    '<%= config.bin %> apply --auto-approve --allow-destroy   # nightly, from a scheduler',
    '<%= config.bin %> apply --auto-approve --detailed-exitcode --max-duration 4h   # stop starting steps after 4 hours',
    '<%= config.bin %> apply --auto-approve --allow-destroy --format json > apply-events.jsonl   # CI',
  ];
  static override args = {
    planfile: Args.string({ description: 'A plan written by `gppart plan --out`.', required: false, ignoreStdin: true }),
  };
  static override flags = {
    ...policyFlags,
    ...connectionFlags,
    ...nowFlag,
    ...targetFlag,
    'auto-approve': Flags.boolean({ description: 'Do not ask for confirmation.' }),
    'allow-destroy': Flags.boolean({ description: 'Permit destructive steps (drop, unload, purge, detach) under --auto-approve.' }),
    'allow-now-override': Flags.boolean({ description: "Permit, under --auto-approve, an apply whose now (--now, or the PLANFILE's) is not today." }),
    'state-dir': Flags.string({ description: 'Where to write the local JSON snapshots.', default: 'gppart-state', helpValue: 'DIR' }),
    'max-steps': Flags.integer({ description: 'Start at most this many steps in this run; the rest wait for the next one.', min: 1, helpValue: 'N' }),
    'max-duration': Flags.string({ description: 'Start no step after this much time (2h, 90m, 1h30m); a running step is never interrupted.', helpValue: 'DURATION' }),
    'detailed-exitcode': Flags.boolean({ description: 'Exit 0 nothing to do, 2 applied, 3 partly applied, 4 refused, 5 busy, 1 failed.' }),
    format: Flags.string({
      description: 'text: the plan, the question and progress for people (a live view at a terminal); json: one JSON event per line for CI (schemas/apply-events.schema.json), needs --auto-approve.',
      options: ['text', 'json'],
      default: 'text',
    }),
  };

  private detailed = false;

  /** A refusal exits 4 and a busy lock 5 under --detailed-exitcode; anything else 1. */
  protected override errorExitCode(err: Error): number {
    return exitCode(errorOutcome(err), this.detailed);
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Apply);
    this.detailed = flags['detailed-exitcode'];
    // JSON events are for pipelines: nobody is there to answer the question.
    if (flags.format === 'json' && !flags['auto-approve']) {
      throw new WorkflowError('--format json cannot ask for confirmation: add --auto-approve (and --allow-destroy to permit drops)');
    }
    const run: RunRecord = { startedAt: new Date(), plan: null, planHash: null, policy: null, result: null };
    try {
      await this.applyRun(args, flags, run);
    } catch (err) {
      if (flags.format === 'json') this.say(eventLine({ event: 'error', message: (err as Error).message ?? String(err) }));
      await this.notify(run, errorOutcome(err), (err as Error).message ?? String(err));
      throw err;
    }
  }

  private async applyRun(args: { planfile?: string }, flags: ApplyFlags, run: RunRecord): Promise<void> {
    const budget = applyBudget(flags['max-steps'], flags['max-duration']);
    const autoApprove = flags['auto-approve'];
    const request: ApplyRequest = {
      planfile: args.planfile,
      config: flags.config,
      now: flags.now,
      target: flags.target,
      autoApprove,
      allowDestroy: flags['allow-destroy'],
      allowNowOverride: flags['allow-now-override'],
    };
    const input = readApplyInput(request);
    const { file, policy, now, when } = input;
    const session = await this.connect(flags['database-url'], 'gppart apply');
    const toApply = await planToApply(session, input, request);
    const { plan, planHash, driver, migrationsDir, destructive, empty } = toApply;
    run.plan = plan;
    run.planHash = planHash;
    run.policy = { file: policy.file, sha256: plan.policyHash };
    await refuseUnrunnable(session, toApply, request);

    const json = flags.format === 'json';
    // A person at a terminal gets the Ink views; a pipe, CI or NO_COLOR the plain text, unchanged.
    const tui = !json && wantsColor();
    // Ink and React cost ~250 ms to load: only a person at a terminal pays for them.
    const ink = tui ? await import('../render/ink/live.js') : null;
    if (json) {
      this.say(eventLine(planEvent(plan, planHash)));
    } else {
      const { throughput } = await reviewContext(session, plan.tables.map((t) => t.table));
      this.say(ink ? ink.planToTerminalString(plan, { throughput }) : renderPlanText(plan, { color: false, throughput }, (s) => driver.renderCall(s.call)));
    }
    if (empty) return;

    const otherDay = otherDayNote(now, when.today, when.isToday);
    if (autoApprove) {
      if (otherDay && !json) this.say(`\nNOTE: ${otherDay}${input.needsOverride ? '; --allow-now-override was given' : ' (the plan file was made then)'}.`);
    } else {
      for (const line of confirmationWarnings(destructive.length, otherDay)) this.say(line);
      if (!(await askYes(confirmationQuestion(now, otherDay !== null)))) {
        this.say('Apply cancelled; nothing was changed.');
        process.exitCode = 1;
        return;
      }
    }

    const who = clientName();
    // A second connection watches the step's locks and can cancel it: the step's own connection is busy running it.
    const monitor = await this.connect(flags['database-url'], 'gppart apply monitor');
    const stepPid = await backendPid(session.client);
    const reporter: ApplyReporter = json
      ? jsonReporter(plan, (l) => this.say(l))
      : ink
        ? inkReporter(ink.mountApplyView(plan), (l) => this.say(l))
        : textReporter(plan, (l) => this.say(l), (l) => this.warnLine(l));

    const watched = monitorSteps(monitor.client, stepPid, reporter);

    const t0 = performance.now();
    let result: Awaited<ReturnType<typeof executePlan>>;
    try {
      result = await executePlan({
        session,
        driver,
        plan,
        planHash,
        // Recorded with the apply: the next plan's ticket shows what changed in the policy since.
        policyText: file ? file.doc.policy.text : input.policyText!.text,
        client: who,
        toolVersion: TOOL_VERSION,
        stateDir: flags['state-dir'],
        migrationsDir,
        reintrospect: (tables) => readTables(session, driver, tables.map((t) => ({ schema: t.schema, name: t.name }))),
        replan: async () => (await computePlan(session, policy, now)).plan,
        listener: watched.listener,
        budget,
        signal: watched.signal,
      });
      run.result = result;
    } catch (err) {
      // An error (lock held, stale plan) must reach a released terminal, below the last frame.
      await reporter.abandon();
      throw err;
    } finally {
      await watched.dispose();
    }

    const words = stepWords(plan);
    const finished: FinishedStep[] = result.outcomes.map((o, i) => ({ ...o, headline: words[i]?.headline ?? o.kind }));
    const limit = result.stoppedBy === 'max-steps' ? `--max-steps ${flags['max-steps']}` : result.stoppedBy ? `--max-duration ${flags['max-duration']}` : null;
    const converged = isEmpty(result.replan);
    const notes = applyNotes(result, limit, converged);
    const signal = watched.signal.aborted ? String(watched.signal.reason) : null;
    await reporter.finished({ result, steps: finished, signal, notes, converged, remaining: summaryLine(result.replan), ms: performance.now() - t0 });
    const outcome = applyOutcome(result, converged);
    process.exitCode = exitCode(outcome, this.detailed);
    await this.notify(run, outcome, null);
  }

  /** Tells GPPART_NOTIFY_URL, when set, about a run that applied, failed or was refused. */
  private async notify(run: RunRecord, outcome: Outcome, message: string | null): Promise<void> {
    const url = process.env.GPPART_NOTIFY_URL;
    if (!url || !worthNotifying(outcome)) return;
    const summary = runSummary({
      version: TOOL_VERSION, status: outcome, exitCode: exitCode(outcome, true), ...run,
      message: message === null ? null : this.redacted(message), client: clientName(), finishedAt: new Date(),
    });
    const problem = await postSummary(url, this.redacted(JSON.stringify(summary)), TOOL_VERSION);
    if (problem) this.warnLine(problem);
  }
}

type ApplyFlags = Interfaces.InferredFlags<typeof Apply.flags>;

/** What is known of a run so far, for its notification. */
interface RunRecord {
  startedAt: Date;
  plan: PlanDoc | null;
  planHash: string | null;
  policy: { file: string; sha256: string } | null;
  result: ApplyResult | null;
}
