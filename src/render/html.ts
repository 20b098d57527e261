// A plan (or a past apply) as one self-contained HTML file a reviewer opens in any browser and can
// print: the ticket's header facts, the summary, per table an SVG timeline of its partitions before
// and after (src/render/timeline-svg.ts), then every step with its exact call. No script, no
// network, no font or image from elsewhere: CSS and SVG are inline, and a Content-Security-Policy
// says so to the browser. Every value from a plan, a policy or the database goes through html().
import type { ApplySummary, Plan, Step, TablePlan } from '../plan/model.js';
import type { Policy, TablePolicy } from '../policy/types.js';
import { html } from './escape.js';
import { formatBytes, formatCount, KIND_SYMBOL, stepHeadline, summaryLine } from './text.js';
import { changeWord, MIXED, type TableTimeline } from './timeline.js';
import { applyTimeline, nowKey, planTimeline, type JournalStepLike, type SnapshotPartitionLike } from './timeline-sources.js';
import { changeColor, storageName, storagePattern, tablespaceColors, tablespaceName, timelineSvg } from './timeline-svg.js';

const STYLE = `
:root { color-scheme: light; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; margin: 24px auto; max-width: 1080px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 12px; } h1 code, h2 code { font-size: inherit; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; } th { background: #f6f8fa; }
.summary { font-weight: 600; }
figure { margin: 12px 0; } svg.timeline { width: 100%; height: auto; display: block; border: 1px solid #d0d7de; border-radius: 4px; background: #fff; }
svg text { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; fill: #1f2328; }
svg .lbl { font-size: 11px; } svg .sz { font-size: 10px; fill: #424a53; } svg .lane { font-size: 12px; font-weight: 600; }
svg .tick { font-size: 10px; fill: #57606a; } svg .band-label { font-size: 10px; fill: #57606a; } svg .mark-label { font-size: 10px; fill: #82071e; }
ul.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: #424a53; }
ul.legend svg { vertical-align: -2px; margin-right: 4px; }
.note { color: #57606a; font-style: italic; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: 4px 8px; border-radius: 4px; margin: 4px 0; }
ol.steps { padding-left: 28px; } ol.steps > li { margin: 10px 0; break-inside: avoid; }
.kind { display: inline-block; min-width: 64px; font-weight: 600; }
.destructive { color: #cf222e; font-weight: 600; }
.status-failed { color: #cf222e; font-weight: 600; } .status-done { color: #1a7f37; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: 6px 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 28px; color: #57606a; font-size: 12px; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function page(title: string, body: string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const code = (s: string) => `<code>${html(s)}</code>`;
const facts = (rows: Array<[string, string]>) => ['<table class="facts">', ...rows.map(([k, v]) => `<tr><th>${html(k)}</th><td>${v}</td></tr>`), '</table>'];
const sum = (steps: Step[], f: (s: Step) => number) => steps.reduce((n, s) => n + f(s), 0);

// ------------------------------------------------------------------ pictures

/** A legend's sample; patterns are the picture's own (same page, same ids). */
function swatch(body: string): string {
  return `<svg width="22" height="12" viewBox="0 0 22 12" aria-hidden="true">${body}</svg>`;
}

function figure(t: TableTimeline, index: number, fill: ReturnType<typeof tablespaceColors>): string[] {
  const prefix = `t${index}-`;
  const pic = timelineSvg(t, { idPrefix: prefix, fill });
  const legend: string[] = [];
  for (const ts of pic.tablespaces) {
    legend.push(`<li>${swatch(`<rect x="0.5" y="0.5" width="21" height="11" fill="${fill(ts)}" stroke="#8c959f"/>`)}${html(tablespaceName(ts))}</li>`);
  }
  for (const st of pic.storages) {
    if (st === null) continue;
    const pattern = storagePattern(st);
    const body =
      st === 'external'
        ? '<rect x="0.5" y="0.5" width="21" height="11" fill="#c6d4e1" fill-opacity="0.35" stroke="#24292f" stroke-dasharray="3 2"/>'
        : `<rect x="0.5" y="0.5" width="21" height="11" fill="#ffffff" stroke="#8c959f"/>${pattern ? `<rect x="0.5" y="0.5" width="21" height="11" fill="url(#${prefix}${pattern})"/>` : ''}`;
    legend.push(`<li>${swatch(body)}${html(storageName(st))}</li>`);
  }
  if (pic.storages.includes(null)) legend.push(`<li>${swatch('<rect x="0.5" y="0.5" width="21" height="11" fill="#ffffff" stroke="#8c959f"/>')}${html(storageName(null))}</li>`);
  for (const c of pic.changes) {
    legend.push(`<li>${swatch(`<rect x="0" y="3" width="22" height="6" fill="${changeColor(c)}"/>`)}${html(`${changeWord(c, 'after')} (${c})`)}</li>`);
  }
  if (t.now) legend.push(`<li>${swatch('<line x1="11" y1="0" x2="11" y2="12" stroke="#d1242f" stroke-width="2"/>')}now</li>`);
  if (t.bands.length) legend.push(`<li>${swatch('<rect x="0" y="0" width="22" height="12" fill="#eef1f4"/><line x1="11" y1="0" x2="11" y2="12" stroke="#8c959f" stroke-dasharray="3 2"/>')}the policy's bands and their edges</li>`);
  for (const m of t.marks) legend.push(`<li>${swatch(`<line x1="11" y1="0" x2="11" y2="12" stroke="${m.kind === 'archive' ? '#8250df' : '#cf222e'}" stroke-width="2" stroke-dasharray="2 2"/>`)}${html(m.label)}</li>`);
  if (pic.bars.some((b) => b.run.tablespace === MIXED || b.run.storage === MIXED)) {
    legend.push(`<li>${swatch(`<rect x="0.5" y="0.5" width="21" height="11" fill="${fill(MIXED)}" stroke="#8c959f"/><rect x="0.5" y="0.5" width="21" height="11" fill="url(#${prefix}mixed)"/>`)}narrow neighbours of several tablespaces or storages, as one bar</li>`);
  }
  if (pic.bars.some((b) => b.run.parts.length > 1)) legend.push('<li><b>N × period</b>: alike neighbours too narrow to draw one by one, as one bar</li>');
  legend.push('<li>hover a bar for its partitions, bounds and size</li>');
  const out = ['<figure>', pic.svg, `<figcaption><ul class="legend">${legend.join('')}</ul></figcaption>`, '</figure>'];
  if (t.note) out.push(`<p class="note">${html(t.note)}</p>`);
  return out;
}

/** One tablespace colour per name across the whole page, so a colour means the same in every table. */
function pageColors(timelines: readonly TableTimeline[]): ReturnType<typeof tablespaceColors> {
  return tablespaceColors(timelines.flatMap((t) => [...t.before, ...(t.after ?? [])].map((p) => p.tablespace)));
}

// ------------------------------------------------------------------ plans

function tablePolicy(policy: Policy | null | undefined, t: TablePlan): TablePolicy | null {
  return policy?.tables.find((p) => p.table.schema === t.schema && p.table.name === t.name) ?? null;
}

function stepItem(s: Step, renderCall: (s: Step) => string): string {
  const sym = (KIND_SYMBOL as Record<string, string | undefined>)[s.kind] ?? '?';
  return [
    `<li class="step" data-kind="${html(s.kind)}">`,
    `<div><span class="kind mono">${html(`${sym} ${s.kind}`)}</span> ${html(stepHeadline(s))}${s.destructive ? ' <span class="destructive">destructive</span>' : ''}</div>`,
    `<div>moves ~${formatCount(s.estimatedRows)} rows, ~${html(formatBytes(s.estimatedBytes))}</div>`,
    `<div>why: ${html(s.reason)}</div>`,
    `<pre>${html(renderCall(s))};</pre>`,
    '</li>',
  ].join('\n');
}

export interface PlanHtmlOptions {
  planHash: string;
  renderCall: (s: Step) => string;
  /** The policy the plan was made from: its bands, retention and archive points are drawn. */
  policy?: Policy | null;
}

export function renderPlanHtml(plan: Plan, o: PlanHtmlOptions): string {
  const timelines = plan.tables.map((t) => planTimeline(plan, t, tablePolicy(o.policy, t)));
  const fill = pageColors(timelines);
  const body: string[] = [`<h1>gppart plan: ${code(plan.server.database)}</h1>`];
  body.push(
    ...facts([
      ['Database', `${code(plan.server.database)} at ${code(plan.server.identity)}`],
      ['Server', `${html(plan.server.version)} (dialect ${code(plan.server.dialect)})`],
      ['Planned for (now)', code(plan.now)],
      ['Policy hash', code(plan.policyHash)],
      ['Plan hash', code(o.planHash)],
      ['gppart', html(plan.toolVersion)],
    ]),
  );
  const kinds = [...new Set([...Object.keys(plan.summary), ...plan.tables.flatMap((t) => t.steps.map((s) => s.kind))])];
  body.push('<h2>Summary</h2>', `<p class="summary">${html(summaryLine(plan))}</p>`, '<table>');
  body.push(`<tr><th>table</th>${kinds.map((k) => `<th class="num">${html(k)}</th>`).join('')}<th class="num">rows moved</th><th class="num">bytes moved</th></tr>`);
  plan.tables.forEach((t, i) => {
    const count = (k: string) => t.steps.filter((s) => s.kind === k).length;
    body.push(
      `<tr><td><a href="#table-${i}">${code(t.table)}</a></td>${kinds.map((k) => `<td class="num">${count(k)}</td>`).join('')}` +
        `<td class="num">~${formatCount(sum(t.steps, (s) => s.estimatedRows))}</td><td class="num">~${html(formatBytes(sum(t.steps, (s) => s.estimatedBytes)))}</td></tr>`,
    );
  });
  body.push('</table>');
  plan.tables.forEach((t, i) => {
    body.push(`<section id="table-${i}">`, `<h2>${code(t.table)}</h2>`);
    body.push(`<p>Key ${code(t.keyColumn)} (${html(t.keyType)}), lock ${html(t.lock.mode)} (timeout ${t.lock.timeoutMs} ms), fingerprint ${code(t.fingerprint)}.</p>`);
    body.push(...figure(timelines[i]!, i, fill));
    for (const w of t.warnings) body.push(`<p class="warning">warning: ${html(w)}</p>`);
    if (!t.steps.length) body.push('<p>No changes.</p>');
    else body.push('<ol class="steps">', ...t.steps.map((s) => stepItem(s, o.renderCall)), '</ol>');
    if (t.deferred) body.push(`<p>${t.deferred} more step(s) are left for a later run by max_steps_per_table.</p>`);
    body.push('</section>');
  });
  body.push(
    `<footer>Each step runs as one transaction. Apply exactly this plan with ${code('gppart apply PLANFILE')}; it is refused if a table changed since it was made (plan hash ${code(o.planHash.slice(0, 12))}).</footer>`,
  );
  return page(`gppart plan: ${plan.server.database}`, body);
}

// ------------------------------------------------------------------ applies

export interface ApplyHtmlStep extends JournalStepLike {
  stepNo: number;
  rows: number | null;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  error: string | null;
}

export interface ApplyHtmlSnapshots {
  table: string;
  before: readonly SnapshotPartitionLike[] | null;
  after: readonly SnapshotPartitionLike[] | null;
}

export function renderApplyHtml(apply: ApplySummary, steps: readonly ApplyHtmlStep[], snapshots: readonly ApplyHtmlSnapshots[]): string {
  const tables = [...new Set([...snapshots.map((s) => s.table), ...steps.map((s) => s.table)])];
  const timelines = tables.map((table) => {
    const snap = snapshots.find((s) => s.table === table);
    const t = applyTimeline(table, snap?.before ?? null, snap?.after ?? null, steps);
    const at = apply.now ? nowKey(apply.now, t.keyType, 'UTC') : null;
    return at === null ? t : { ...t, now: { at, label: `now ${apply.now}`, title: `the apply's plan was made for now = ${apply.now}`, kind: 'now' as const } };
  });
  const fill = pageColors(timelines);
  const body: string[] = [`<h1>gppart apply ${apply.id}: ${html(apply.status)}</h1>`];
  body.push(
    ...facts([
      ['Started', code(apply.startedAt)],
      ['Finished', apply.finishedAt ? code(apply.finishedAt) : '-'],
      ['By', `${html(apply.user)}${apply.client ? ` (${html(apply.client)})` : ''}`],
      ['Policy hash', apply.policyHash ? code(apply.policyHash) : '-'],
      ['Plan hash', apply.planHash ? code(apply.planHash) : '-'],
      ['Planned for (now)', apply.now ? code(apply.now) : '-'],
      ['Steps', `${apply.stepsDone} done, ${apply.stepsFailed} failed, ${apply.stepsStarted} interrupted`],
    ]),
  );
  tables.forEach((table, i) => {
    body.push(`<section id="table-${i}">`, `<h2>${code(table)}</h2>`);
    body.push(...figure(timelines[i]!, i, fill));
    const mine = steps.filter((s) => s.table === table);
    if (mine.length) {
      body.push('<ol class="steps">');
      for (const s of mine) {
        const secs = s.seconds === null ? '-' : `${s.seconds.toFixed(2)} s`;
        body.push(
          [
            `<li class="step" value="${s.stepNo}" data-kind="${html(s.kind)}">`,
            `<div><span class="kind mono">${html(s.kind)}</span> <span class="status-${html(s.status)}">${html(s.status)}</span>, ${html(secs)}, ${s.rows === null ? '-' : `${formatCount(s.rows)} rows`}, started ${html(s.startedAt)}</div>`,
            `<pre>${html(s.call)}</pre>`,
            ...(s.error ? [`<p class="warning">error: ${html(s.error)}</p>`] : []),
            '</li>',
          ].join('\n'),
        );
      }
      body.push('</ol>');
    }
    body.push('</section>');
  });
  return page(`gppart apply ${apply.id}`, body);
}
