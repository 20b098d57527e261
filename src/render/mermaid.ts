// A table's timeline as a Mermaid gantt chart for the markdown ticket: GitHub, GitLab and Gitea draw
// a ```mermaid block (Azure DevOps' wiki and Jira/Confluence's Mermaid apps take the same lines;
// docs/reviewing.md); anywhere else it stays a code block whose lines read as "change, partition,
// tablespace, size: start, end".
// Two sections (before, after), one bar per partition or per run of alike neighbours when there are
// many, a `now` milestone. Same timeline, same bytes.
import { DateTime } from 'luxon';
import { isDestructiveKind, type KeyPoint, type Plan, type StepKind, type TablePlan } from '../plan/model.js';
import { printable } from '../util/printable.js';
import { mdBlock } from './escape.js';
import { planTimeline } from './timeline-sources.js';
import { changeWord, MIXED, runsAtMost, sizeText, type Lane, type Run, type TableTimeline } from './timeline.js';

/** Bars per section before alike neighbours are drawn as runs: a gantt row each, and a ticket is read on one screen. */
export const MERMAID_MAX_BARS = 40;
/**
 * The longest chart every renderer draws: Gitea's default MERMAID_MAX_SOURCE_CHARACTERS (GitLab
 * and Mermaid itself allow 50,000). A longer chart is drawn with fewer, longer runs.
 */
export const MERMAID_MAX_CHARS = 5000;

/**
 * Task text for a gantt line. Mermaid reads a task's text up to the first `:`, and `#…;` as an
 * entity code; `%%` starts a comment, `;` and `#` end a task's data. These (and HTML's `<>&"`,
 * which some renderers pass through) are written as Mermaid's decimal entity codes, which every
 * renderer that draws the chart shows as the character; line breaks and other invisible characters
 * were made visible escapes by printable() already.
 */
export function mermaidText(s: string): string {
  return printable(s).replace(/[:;#%<>&"`]/g, (c) => `#${c.charCodeAt(0)};`);
}

const BAR_TAG: Record<Lane, (r: Run) => string> = {
  // before: what a destructive step takes is critical, what is rewritten or moved active, what stays done.
  before: (r) => (r.change === null ? 'done' : r.change !== MIXED && isDestructiveKind(r.change as StepKind) ? 'crit' : 'active'),
  // after: what the steps leave is active, what was there already done.
  after: (r) => (r.change === null ? 'done' : 'active'),
};

function dateFormatFor(points: KeyPoint[]): { mermaid: string; luxon: string } {
  const midnight = points.every((k) => k % 86_400_000 === 0);
  return midnight ? { mermaid: 'YYYY-MM-DD', luxon: 'yyyy-MM-dd' } : { mermaid: 'YYYY-MM-DD HH:mm', luxon: 'yyyy-MM-dd HH:mm' };
}

/** Year and month, or month and day for a short span: Mermaid places the ticks itself, and a year alone repeats under ticks a quarter apart. */
function axisFormatFor(span: number): string {
  return span / 86_400_000 > 60 ? '%Y-%m' : '%m-%d';
}

function taskLabel(r: Run, lane: Lane): string {
  const one = r.parts.length === 1;
  const what = one ? r.parts[0]!.name : `${r.parts.length} × ${r.period ?? 'partitions'}`;
  // The default tablespace goes unsaid, to keep the chart within MERMAID_MAX_CHARS.
  const ts = r.tablespace === MIXED ? ' · several tablespaces' : r.tablespace === null ? '' : ` · ${r.tablespace}`;
  // The change word first: it is one of a few fixed words, so no name can start the line as a Mermaid keyword.
  return `${changeWord(r.change, lane)} ${what}${ts} · ${sizeText(r.rows, r.bytes)}`;
}

/**
 * The gantt chart's lines (without the fence), or null when the timeline has no bounded partition
 * to draw: at most MERMAID_MAX_BARS bars a section, fewer when the chart would be longer than
 * MERMAID_MAX_CHARS. Unbounded ends (MINVALUE, MAXVALUE) are cut at the chart's edge and said in the label.
 */
export function mermaidGantt(t: TableTimeline): string[] | null {
  let lines: string[] | null = null;
  for (const max of [MERMAID_MAX_BARS, 24, 16, 8, 4, 1]) {
    lines = ganttLines(t, max);
    if (!lines || lines.join('\n').length <= MERMAID_MAX_CHARS) break;
  }
  return lines;
}

function ganttLines(t: TableTimeline, maxBars: number): string[] | null {
  const lanes: Array<[Lane, Run[]]> = [
    ['before', runsAtMost(t.before, maxBars)],
    ['after', runsAtMost(t.after ?? [], maxBars)],
  ];
  const finite = lanes
    .flatMap(([, runs]) => runs.flatMap((r) => [r.from, r.to]))
    .concat(t.now ? [t.now.at] : [])
    .filter((k) => Number.isFinite(k));
  if (!lanes.some(([, runs]) => runs.length) || !finite.length) return null;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const span = Math.max(hi - lo, 86_400_000);
  const edge = (k: KeyPoint) => (k === -Infinity ? lo - span * 0.05 : k === Infinity ? hi + span * 0.05 : k);
  const format = dateFormatFor(lanes.flatMap(([, runs]) => runs.flatMap((r) => [edge(r.from), edge(r.to)])).concat(t.now ? [t.now.at] : []));
  const date = (k: KeyPoint) => DateTime.fromMillis(edge(k), { zone: 'utc' }).toFormat(format.luxon);

  const out: string[] = ['gantt', `  title ${mermaidText(`${t.table} · partitions before and after`)}`, `  dateFormat ${format.mermaid}`, `  axisFormat ${axisFormatFor(span)}`, '  todayMarker off'];
  for (const [lane, runs] of lanes) {
    const parts = lane === 'before' ? t.before : (t.after ?? []);
    const def = parts.find((p) => p.isDefault);
    const count = parts.filter((p) => !p.isDefault).length;
    const known = lane === 'before' || t.after !== null;
    const head = known ? `${lane} · ${count} partition${count === 1 ? '' : 's'}${def ? ` + DEFAULT ${def.name} (${sizeText(def.rows, def.bytes)})` : ''}` : `${lane} · not known`;
    out.push(`  section ${mermaidText(head)}`);
    runs.forEach((r, i) => {
      const unbounded = `${r.from === -Infinity ? ' from MINVALUE' : ''}${r.to === Infinity ? ' to MAXVALUE' : ''}`;
      out.push(`  ${mermaidText(taskLabel(r, lane) + unbounded)} :${BAR_TAG[lane](r)}, ${lane === 'before' ? 'b' : 'a'}${i + 1}, ${date(r.from)}, ${date(r.to)}`);
    });
  }
  if (t.now && Number.isFinite(t.now.at)) out.push(`  section ${mermaidText('now')}`, `  ${mermaidText(t.now.label)} :milestone, now, ${date(t.now.at)}, 0d`);
  return out;
}

/** The ticket's timeline of one table: a sentence saying how to read it, then the ```mermaid block. */
export function markdownTimeline(plan: Plan, t: TablePlan): string[] {
  const lines = mermaidGantt(planTimeline(plan, t));
  if (!lines) return [];
  return [
    '',
    'Timeline, before and after (a Mermaid gantt chart; where it is not drawn, each line reads: change, partition, tablespace, size, then its style, id, start and end):',
    '',
    ...mdBlock('mermaid', lines),
  ];
}
