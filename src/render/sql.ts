// A plan as a psql script a DBA could run by hand instead of `gppart apply`: one transaction per
// step, stopping at the first error, with the same lock settings apply would use. Safe to feed to
// `psql -f` whatever the names are: comments go through sqlComment() (no line break can end one),
// and the statements come from the driver, whose literals and identifiers hold no raw control
// characters either.
import type { Plan, Step } from '../plan/model.js';
import { summaryLine } from './text.js';
import { stepTransactionSql } from '../catalog/dialect.js';
import { sqlComment } from './escape.js';

export function renderPlanSql(plan: Plan, renderCall: (s: Step) => string): string {
  const out: string[] = [
    `-- gppart ${sqlComment(plan.toolVersion)} plan for ${sqlComment(plan.server.identity)} (${sqlComment(plan.server.version)}), now ${sqlComment(plan.now)}`,
    `-- policy ${sqlComment(plan.policyHash)}`,
    `-- ${summaryLine(plan)}`,
    // The script is UTF-8: a client encoding such as SJIS, whose multibyte characters can end in a
    // byte that looks like a quote or a backslash, would read its literals differently.
    '\\encoding UTF8',
    '\\set ON_ERROR_STOP on',
    '',
  ];
  for (const t of plan.tables) {
    if (!t.steps.length) continue;
    out.push(`-- ${sqlComment(t.table)} (fingerprint ${sqlComment(t.fingerprint)})`);
    for (const [i, s] of t.steps.entries()) {
      out.push(`-- step ${i + 1}: ${s.kind}: ${sqlComment(s.reason)}`);
      if (s.kind === 'unload' && s.archive?.via === 'client') {
        // The rows stream from this session to object storage through gppart itself: no SQL does that.
        out.push(
          `-- it streams the partition to ${sqlComment(`s3://${s.archive.bucket}/${s.archive.folder}`)} through the gppart client; the script stops here`,
          `\\echo 'gppart: step ${i + 1} of this table unloads to S3 through the gppart client: run gppart apply for it and the steps after it'`,
          '\\quit',
          '',
        );
        return out.join('\n');
      }
      const tx = stepTransactionSql(renderCall(s), t.lock, t);
      out.push(...tx.begin.map((l) => `${l};`), `${tx.call};`, `${tx.commit};`, '');
    }
  }
  return out.join('\n');
}
