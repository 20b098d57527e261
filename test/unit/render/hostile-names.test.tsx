// Names may hold anything PostgreSQL allows, and a plan file anything at all: every output format
// must keep them where they land (no line break out of a comment, no markdown or HTML syntax, no
// escape sequence reaching the terminal).
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { PlanView } from '../../../src/render/ink/PlanView.js';
import { ApplyView, initialApplyState } from '../../../src/render/ink/ApplyView.js';
import { renderPlanText } from '../../../src/render/text.js';
import { renderPlanSql } from '../../../src/render/sql.js';
import { renderPlanMarkdown } from '../../../src/render/markdown.js';
import { renderApplyMarkdown, renderApplyText, renderHistoryText } from '../../../src/render/history.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import type { Plan } from '../../../src/plan/model.js';
import { samplePlan } from './sample-plan.js';

const HOSTILE = 'or\n\\! touch /tmp/gppart-pwned\n`|<img src=x onerror=alert(1)>[click](https://evil.example)\u001b[2J\r\u0085\u202e**x**ders';
/** Every control/invisible character but the line breaks a renderer puts between its own lines. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2028]/;
const driver = postgresDriver('postgres');
const call = (s: Plan['tables'][number]['steps'][number]) => driver.renderCall(s.call);

/** The sample plan with every "orders" (table, partitions, reasons, layout, calls) replaced by HOSTILE. */
function hostilePlan(): Plan {
  const json = JSON.stringify(samplePlan({ exclusive: true })).replaceAll('orders', JSON.stringify(HOSTILE).slice(1, -1));
  const plan = JSON.parse(json) as Plan;
  plan.server = { ...plan.server, database: `dwh\n# heading`, identity: `db:5432/dwh\u001b]0;title\u0007` };
  plan.tables[0]!.warnings.push(`warning about ${HOSTILE}`);
  return plan;
}

function expectNoInjectedLine(out: string): void {
  expect(out).not.toMatch(RAW);
  expect(out).not.toContain('\u001b');
  for (const line of out.split('\n')) expect(line.trimStart()).not.toMatch(/^\\!/);
}

describe('renderers with hostile names', () => {
  const plan = hostilePlan();

  it('text: one visible line per value, escapes shown', () => {
    const out = renderPlanText(plan, { color: false }, call);
    expectNoInjectedLine(out);
    expect(out).toContain('sales.or\\n\\! touch /tmp/gppart-pwned\\n`|<img');
    expect(out).toContain('\\x1b[2J\\r\\x85\\u202e**x**ders');
  });

  it('sql: only comments, the two psql settings and the step statements; nothing can leave a comment', () => {
    const out = renderPlanSql(plan, call);
    expectNoInjectedLine(out);
    const lines = out.split('\n');
    expect(lines.filter((l) => l.startsWith('\\'))).toEqual(['\\encoding UTF8', '\\set ON_ERROR_STOP on']);
    for (const l of lines) {
      if (l === '' || l.startsWith('-- ') || l.startsWith('\\')) continue;
      expect(l).toMatch(/^(BEGIN;|SET LOCAL lock_timeout = '\d+ms';|LOCK TABLE ONLY "sales"\.U&"[^\n]*" IN ACCESS EXCLUSIVE MODE;|SELECT "gppart"\."\w+"\(.*\);|COMMIT;)$/);
    }
    expect(out).toContain("E'or\\x0a\\\\! touch /tmp/gppart-pwned\\x0a`|<img");
  });

  it('markdown: no HTML, link, heading or extra table cell from a name', () => {
    const out = renderPlanMarkdown(plan, { planHash: 'ab'.repeat(32), renderCall: call, policy: { file: 'gppart.yaml', text: 'version: 1\n' } });
    expectNoInjectedLine(out);
    // Outside code (where nothing is markup), no raw HTML or link may remain.
    const prose = out.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/(`+)(?:[^`]|(?!\1)`+)*?\1(?!`)/g, '');
    expect(prose).toContain('\\<img');
    expect(prose).not.toMatch(/(^|[^\\])<img/m);
    expect(prose).not.toMatch(/(^|[^\\])\]\(https/m);
    expect(out).not.toMatch(/^# heading/m);
    const header = out.split('\n').find((l) => l.startsWith('| table |'))!;
    const row = out.split('\n').find((l) => l.startsWith('| ``sales.or') || l.startsWith('| `sales.or'))!;
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    expect(cells(row)).toBe(cells(header));
  });

  it('Ink plan and apply views: escapes shown, no escape sequence from a name', () => {
    const strip = (s: string | undefined) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');
    const view = render(<PlanView plan={plan} maxLayoutLines={100} />);
    const frame = strip(view.lastFrame());
    view.unmount();
    expectNoInjectedLine(frame);
    expect(frame).toContain('\\x1b[2J');
    const state = initialApplyState(plan);
    state.applyId = 7;
    state.steps[0] = { ...state.steps[0]!, status: 'failed', ms: 10, error: `relation "${HOSTILE}" does not exist` };
    const apply = render(<ApplyView state={state} clock={() => 0} />);
    const applyFrame = strip(apply.lastFrame());
    apply.unmount();
    expectNoInjectedLine(applyFrame);
    expect(applyFrame).toContain('FAILED (rolled back): relation "or\\n\\! touch');
  });

  it('history and show --apply: users, tables, calls and errors escaped', () => {
    const apply = {
      id: 3, startedAt: '2026-11-25 10:00:00+00', finishedAt: null, status: 'failed', user: `u\n\u001b[31mroot`, client: `c\r`,
      policyHash: null, planHash: null, now: '2026-11-25', stepsDone: 0, stepsFailed: 1, stepsSkipped: 0, stepsDeferred: 0, stepsInterrupted: 0, stepsStarted: 0, rowsByKind: {},
    };
    expectNoInjectedLine(renderHistoryText([apply]));
    const steps = [{ stepNo: 1, table: `sales.${HOSTILE}`, kind: 'drop', call: `SELECT x('${HOSTILE}')`, status: 'failed', rows: null, startedAt: 'x', finishedAt: null, seconds: null, error: HOSTILE }];
    const snaps = [{ table: `sales.${HOSTILE}`, before: [{ name: HOSTILE, isDefault: false, from: '2020-01-01', to: `2021\n\\! x`, tablespace: HOSTILE }], after: [] }];
    expectNoInjectedLine(renderApplyText(apply, steps, snaps));
    const md = renderApplyMarkdown(apply, steps, snaps, { dialect: 'postgres', version: 'PostgreSQL 17', database: HOSTILE, identity: 'h:1/x' });
    expectNoInjectedLine(md);
    const prose = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '').replace(/(`+)(?:[^`]|(?!\1)`+)*?\1(?!`)/g, '');
    expect(prose).toContain('\\<img');
    expect(prose).not.toMatch(/(^|[^\\])<img/m);
  });
});
