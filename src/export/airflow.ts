// `gppart export airflow`: one DAG per policy, one task group per table (plan → apply), for
// Apache Airflow 2.4 to 2.10. The DAG carries the policy text it was generated from, so the
// workers need only gppart on the PATH and the Airflow connection; what runs is what was reviewed.

import { EXIT } from '../cli/exit-codes.js';
import { formatTableName } from '../policy/table-name.js';
import type { Policy } from '../policy/types.js';
import type { QualifiedName } from '../plan/model.js';
import { describeSchedule, provenance, type ExportedFile, type ScheduledJob } from './job.js';

/** The Airflow versions the generated file is written for (stated in it). */
export const AIRFLOW_RANGE = 'apache-airflow>=2.4,<3';

/** A Python string literal for any text: ASCII only, every other character escaped. */
export function pyString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c < 0x80) out += ch;
    else if (c <= 0xffff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out + '"';
}

/**
 * Lines for a docstring: backslashes, control and non-ASCII characters escaped as in a string
 * literal, and no two quotes left side by side, so nothing in a file name can end the docstring.
 */
function pyDocLines(lines: string[]): string {
  return lines.map((l) => pyString(l).slice(1, -1).replace(/\\"/g, '"').replace(/"(?=")/g, '\\"')).join('\n');
}

function pyList(items: string[]): string {
  return `[${items.map(pyString).join(', ')}]`;
}

/** Task group ids `schema__table`: letters, digits, _ and - only (Airflow joins group and task ids with a dot). */
export function groupIds(tables: QualifiedName[]): string[] {
  const used = new Set<string>();
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_');
  return tables.map((t) => {
    const base = `${clean(t.schema)}__${clean(t.name)}`.slice(0, 200);
    let id = base;
    for (let n = 2; used.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    used.add(id.toLowerCase());
    return id;
  });
}

/** The policy text as implicitly joined Python string literals, one line of the file per line. */
function pyText(text: string): string {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if (lines.length === 0) return '""';
  return `(\n${lines.map((l) => `    ${pyString(l)}`).join('\n')}\n)`;
}

export function airflowDag(job: ScheduledJob, policy: Policy, policyText: string): ExportedFile {
  const s = job.schedule;
  const tables = policy.tables.map((t) => formatTableName(t.table));
  const groups = groupIds(policy.tables.map((t) => t.table));
  const [y, m, d] = (s.startDate ?? '2000-01-01').split('-').map(Number);
  const tz = pyString(s.timezone);
  const retryDelay = `timedelta(seconds=${s.retryDelay.ms / 1000})`;
  const taskGroups = tables.map((table, i) => {
    const g = groups[i]!;
    return [
      `    with TaskGroup(group_id=${pyString(g)}, tooltip=${pyString(table)}):`,
      `        plan_${i + 1} = PythonOperator(`,
      `            task_id="plan", python_callable=plan_table, op_kwargs={"table": ${pyString(table)}},`,
      `            pool=POOL, retries=RETRIES, retry_delay=RETRY_DELAY,`,
      `        )`,
      `        apply_${i + 1} = PythonOperator(`,
      `            task_id="apply", python_callable=apply_table,`,
      `            op_kwargs={"table": ${pyString(table)}, "plan_task_id": ${pyString(`${g}.plan`)}},`,
      `            pool=POOL, retries=RETRIES, retry_delay=RETRY_DELAY,`,
      `        )`,
      `        plan_${i + 1} >> apply_${i + 1}`,
    ].join('\n');
  });

  const doc = pyDocLines([
    `gppart: ${job.name} - partition maintenance for the tables of ${job.policyFile}.`,
    '',
    ...provenance(job, 'airflow'),
  ]);
  const text = `"""${doc}
Written for Apache Airflow 2.4 to 2.10 (${AIRFLOW_RANGE}). gppart's own tests compile this file
and check its structure; they do not run it under Airflow.

Schedule: ${pyDocLines([describeSchedule(s)])}; missed runs are not caught up; one run at a time.
Each table is a task group: \`plan\` prints the plan as markdown into its log and hands the plan
file (the artifact) to \`apply\` through XCom; \`apply\` applies exactly that plan. A table that
fails or is refused does not stop the others. Only a run that could not get a lock (exit code ${EXIT.busy})
is retried; its retry plans afresh, since the first try may have applied some steps. Workers need
\`gppart\` on the PATH (or GPPART_BIN) and the Airflow connection ${s.connection}; set
GPPART_NOTIFY_URL in the workers' environment to be told about applies, failures and refusals.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException, AirflowSkipException
from airflow.hooks.base import BaseHook
from airflow.operators.python import PythonOperator
from airflow.timetables.trigger import CronTriggerTimetable
from airflow.utils.task_group import TaskGroup

GPPART_VERSION = ${pyString(job.toolVersion)}
POLICY_FILE = ${pyString(job.policyFile)}
POLICY_SHA256 = ${pyString(job.policyHash)}
CONNECTION_ID = ${pyString(s.connection)}
POOL = ${pyString(s.pool)}
RETRIES = ${s.retries}
RETRY_DELAY = ${retryDelay}
GPPART = os.environ.get("GPPART_BIN", "gppart")
APPLY_FLAGS = ${pyList(job.applyFlags)}
POLICY_TEXT = ${pyText(policyText)}

# gppart's exit codes with --detailed-exitcode (docs/scheduling.md).
NOTHING_TO_DO = ${EXIT.nothingToDo}
FAILED = ${EXIT.failed}
APPLIED = ${EXIT.changes}  # for plan: changes pending
PARTLY_APPLIED = ${EXIT.partlyApplied}
REFUSED = ${EXIT.refused}
BUSY = ${EXIT.busy}

# The database comes from the Airflow connection only, never from the worker's own settings.
CONNECTION_VARIABLES = ("GPPART_DATABASE_URL", "DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER",
                        "PGPASSWORD", "PGDATABASE", "PGSSLMODE", "PGSERVICE", "PGPASSFILE")


def _environment():
    """libpq variables from the connection: the password is in no command line and in no file."""
    conn = BaseHook.get_connection(CONNECTION_ID)
    env = {k: v for k, v in os.environ.items() if k not in CONNECTION_VARIABLES}
    env["NO_COLOR"] = "1"
    settings = (("PGHOST", conn.host), ("PGPORT", conn.port), ("PGUSER", conn.login), ("PGPASSWORD", conn.password),
                ("PGDATABASE", conn.schema), ("PGSSLMODE", conn.extra_dejson.get("sslmode")))
    for key, value in settings:
        if value:
            env[key] = str(value)
    return env


def _gppart(args, workdir):
    """Runs gppart with its output in the task log; returns its exit code."""
    print("$ gppart " + " ".join(shlex.quote(a) for a in args), flush=True)
    proc = subprocess.Popen([GPPART] + list(args), cwd=workdir, env=_environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        print(line, end="", flush=True)
    return proc.wait()


def _write_policy(workdir):
    path = os.path.join(workdir, os.path.basename(POLICY_FILE))
    with open(path, "w", encoding="utf-8") as f:
        f.write(POLICY_TEXT)
    return path


def plan_table(table):
    """Plans one table: the markdown goes to the log, the plan file to XCom (None: nothing to do)."""
    with tempfile.TemporaryDirectory(prefix="gppart-") as workdir:
        plan_file = os.path.join(workdir, "plan.json")
        code = _gppart(["plan", "-c", _write_policy(workdir), "--target", table, "--format", "markdown",
                        "--detailed-exitcode", "--out", plan_file], workdir)
        if code == NOTHING_TO_DO:
            return None
        if code == APPLIED:
            with open(plan_file, encoding="utf-8") as f:
                return f.read()
    # Planning only reads the catalog: retrying it is always safe.
    raise AirflowException("gppart plan failed for %s (exit code %d)" % (table, code))


def apply_table(table, plan_task_id, ti):
    """Applies exactly the plan the plan task saved, and turns gppart's exit code into a task state."""
    plan_text = ti.xcom_pull(task_ids=plan_task_id)
    if not plan_text:
        raise AirflowSkipException("%s: nothing to do; the partitions match the policy" % table)
    with tempfile.TemporaryDirectory(prefix="gppart-") as workdir:
        if ti.try_number > 1:
            # The first try may have applied some steps, which makes its plan stale: plan afresh.
            args = ["apply", "-c", _write_policy(workdir), "--target", table]
        else:
            plan_file = os.path.join(workdir, "plan.json")
            with open(plan_file, "w", encoding="utf-8") as f:
                f.write(plan_text)
            args = ["apply", plan_file]
        code = _gppart(args + APPLY_FLAGS, workdir)
    if code in (NOTHING_TO_DO, APPLIED):
        return
    if code == PARTLY_APPLIED:
        print("%s: partly applied (the run's budget or max_steps_per_table); the next run goes on" % table)
        return
    if code == BUSY:
        raise AirflowException("%s: a lock was busy (exit code %d); nothing is half done, a retry is safe" % (table, code))
    if code == REFUSED:
        raise AirflowFailException("%s: apply refused (exit code %d), a person must look: destructive steps "
                                   "without allow_destroy, a stale plan, or schema gppart too old" % (table, code))
    raise AirflowFailException("%s: apply failed (exit code %d); not retried, a person must look" % (table, code))


with DAG(
    dag_id=${pyString(job.name)},
    description=${pyString(`gppart: partitions of the tables in ${job.policyFile}`)},
    schedule=CronTriggerTimetable(${pyString(s.cronPortable)}, timezone=${tz}),
    start_date=pendulum.datetime(${y}, ${m}, ${d}, tz=${tz}),
    catchup=False,
    max_active_runs=1,
    tags=${pyList(s.tags)},
    doc_md=__doc__,
    default_args={"owner": "gppart"},
) as dag:
${taskGroups.join('\n\n')}
`;
  return { name: `${job.name}.py`, text };
}
