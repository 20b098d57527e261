// GPPART_NOTIFY_URL: an HTTP POST of a run's summary (JSON) when an unattended apply applied
// something, failed, or was refused, so a team hears of it instead of finding it in a log.
// A webhook that is down never changes the run's outcome: a short timeout and one line on stderr.

import type { ApplyResult } from '../apply/executor.js';
import type { Outcome } from '../cli/exit-codes.js';
import type { Plan } from '../plan/model.js';

export const NOTIFY_TIMEOUT_MS = 5000;

export interface TableSummary {
  table: string;
  planned: number;
  done: number;
  failed: number;
  /** Cancelled by SIGINT/SIGTERM while running, rolled back. */
  interrupted: number;
  /** Not run: an earlier step of the table failed, or the apply was interrupted. */
  skipped: number;
  /** Not run: the run's budget ran out first; the next run takes them. */
  deferred: number;
  /** Not run: the apply was refused. */
  refused: number;
  rows: number;
  errors: string[];
}

/** What the webhook receives. Never holds a connection string, a password or the webhook's own URL. */
export interface RunSummary {
  tool: 'gppart';
  version: string;
  event: 'apply';
  status: Outcome;
  /** The exit code with --detailed-exitcode (docs/scheduling.md). */
  exit_code: number;
  apply_id: number | null;
  database: string | null;
  dialect: string | null;
  policy: { file: string; sha256: string } | null;
  plan_sha256: string | null;
  now: string | null;
  /** user@host that ran the apply. */
  client: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  steps: { planned: number; done: number; failed: number; interrupted: number; skipped: number; deferred: number; refused: number };
  rows: number;
  tables: TableSummary[];
  /** Why it was refused or failed, when it was. */
  message: string | null;
}

export interface SummaryInput {
  version: string;
  status: Outcome;
  exitCode: number;
  plan: Plan | null;
  planHash: string | null;
  policy: { file: string; sha256: string } | null;
  result: ApplyResult | null;
  message: string | null;
  client: string;
  startedAt: Date;
  finishedAt: Date;
}

export function runSummary(i: SummaryInput): RunSummary {
  const tables = new Map<string, TableSummary>();
  const table = (name: string) => {
    let t = tables.get(name);
    if (!t) tables.set(name, (t = { table: name, planned: 0, done: 0, failed: 0, interrupted: 0, skipped: 0, deferred: 0, refused: 0, rows: 0, errors: [] }));
    return t;
  };
  for (const t of i.plan?.tables ?? []) {
    if (t.steps.length === 0) continue;
    const s = table(t.table);
    s.planned = t.steps.length;
    if (!i.result) s.refused = i.status === 'refused' ? t.steps.length : 0;
  }
  for (const o of i.result?.outcomes ?? []) {
    const s = table(o.table);
    s[o.status]++;
    s.rows += o.rows;
    // A skipped or deferred step's text is why it did not run, not an error.
    if (o.error && (o.status === 'failed' || o.status === 'interrupted')) s.errors.push(o.error);
  }
  const list = [...tables.values()];
  const sum = (k: 'planned' | 'done' | 'failed' | 'interrupted' | 'skipped' | 'deferred' | 'refused' | 'rows') => list.reduce((n, t) => n + t[k], 0);
  return {
    tool: 'gppart',
    version: i.version,
    event: 'apply',
    status: i.status,
    exit_code: i.exitCode,
    apply_id: i.result?.applyId ?? null,
    database: i.plan?.server.database ?? null,
    dialect: i.plan?.server.dialect ?? null,
    policy: i.policy,
    plan_sha256: i.planHash,
    now: i.plan?.now ?? null,
    client: i.client,
    started_at: i.startedAt.toISOString(),
    finished_at: i.finishedAt.toISOString(),
    duration_ms: i.finishedAt.getTime() - i.startedAt.getTime(),
    steps: { planned: sum('planned'), done: sum('done'), failed: sum('failed'), interrupted: sum('interrupted'), skipped: sum('skipped'), deferred: sum('deferred'), refused: sum('refused') },
    rows: sum('rows'),
    tables: list,
    message: i.message,
  };
}

/** Quiet nights stay quiet: only a run that changed something, failed or was refused is told. */
export function worthNotifying(status: Outcome): boolean {
  return status !== 'nothing-to-do';
}

/**
 * POSTs `body` (the summary as JSON) to `url`. Never throws: returns null when the webhook
 * answered 2xx, else the one line to print on stderr. The line names only the webhook's origin:
 * its path and query often are the secret (a chat webhook's token).
 */
export async function postSummary(url: string, body: string, version: string, timeoutMs = NOTIFY_TIMEOUT_MS): Promise<string | null> {
  let origin: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    origin = u.origin;
  } catch {
    return 'gppart: GPPART_NOTIFY_URL is not an http(s) URL; no notification was sent (the run is unaffected)';
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `gppart/${version}` },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return null;
    return `gppart: the notification to ${origin} was answered ${res.status} ${res.statusText}`.trimEnd() + ' (the run is unaffected)';
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return `gppart: could not notify ${origin}: ${why} (the run is unaffected)`;
  }
}
