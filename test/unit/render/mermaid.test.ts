// The Mermaid gantt chart of the markdown ticket: a golden file (reviewed once), its structure, and
// Mermaid's own parser (the npm package, offline) reading back exactly the bars, dates and names
// that were meant, hostile names included.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { literalToKey } from '../../../src/plan/keys.js';
import { printable } from '../../../src/util/printable.js';
import { markdownTimeline, MERMAID_MAX_BARS, MERMAID_MAX_CHARS, mermaidGantt, mermaidText } from '../../../src/render/mermaid.js';
import { renderPlanMarkdown } from '../../../src/render/markdown.js';
import { planTimeline } from '../../../src/render/timeline-sources.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import { parseGantt } from '../../support/mermaid.js';
import { dailyPlan, demoPlan, HOSTILE_NAME, hostileDemoPlan, type PlanFixture } from './timeline-fixtures.js';

const GOLDEN = new URL('../../fixtures/golden/demo-gantt.mmd', import.meta.url);
const driver = postgresDriver('postgres');

function gantt(f: PlanFixture): string[] {
  return mermaidGantt(planTimeline(f.plan, f.plan.tables[0]!))!;
}

/** Task lines of a section: "  text :tags, id, start, end". */
function taskLines(lines: string[], section: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(`  section ${section}`));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('  section '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('mermaidGantt', () => {
  it('draws the demo plan as reviewed once (golden file)', () => {
    const text = gantt(demoPlan()).join('\n') + '\n';
    if (process.env.GPPART_UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('has a before and an after section, one bar per partition in order, and `now` inside the range', () => {
    const lines = gantt(demoPlan());
    expect(lines.slice(0, 5)).toEqual(['gantt', '  title sales.orders · partitions before and after', '  dateFormat YYYY-MM-DD', '  axisFormat %Y-%m', '  todayMarker off']);
    const before = taskLines(lines, 'before');
    const after = taskLines(lines, 'after');
    expect(before).toHaveLength(30);
    expect(after).toHaveLength(19);
    for (const section of [before, after]) {
      const spans = section.map((l) => /, (\d{4}-\d\d-\d\d), (\d{4}-\d\d-\d\d)$/.exec(l)!.slice(1).map((d) => literalToKey('date', d)));
      for (const [s, e] of spans) expect(e!).toBeGreaterThan(s!);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]!).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
    }
    expect(before[0]).toBe('  dropped orders_p2020 · ~120,000 rows, 11.4 MB :crit, b1, 2020-01-01, 2021-01-01');
    expect(after.filter((l) => l.startsWith('  new '))).toHaveLength(2);
    expect(lines.slice(-2)).toEqual(['  section now', '  now 2024-05-15 :milestone, now, 2024-05-15, 0d']);
  });

  it('Mermaid reads back every bar with its dates and text', async () => {
    const lines = gantt(demoPlan());
    const model = await parseGantt(lines.join('\n'));
    expect(model.sections).toEqual([
      'before · 30 partitions + DEFAULT orders_default (~800 rows, 78.1 kB)',
      // A split out of a DEFAULT without key statistics: nobody can tell what stays in it.
      'after · 19 partitions + DEFAULT orders_default (size unknown)',
      'now',
    ]);
    expect(model.tasks).toHaveLength(30 + 19 + 1);
    expect(model.tasks[0]).toEqual({
      text: 'dropped orders_p2020 · ~120,000 rows, 11.4 MB',
      section: model.sections[0],
      start: literalToKey('date', '2020-01-01'),
      end: literalToKey('date', '2021-01-01'),
      milestone: false,
      tags: ['crit'],
    });
    const now = model.tasks[model.tasks.length - 1]!;
    expect(now).toMatchObject({ text: 'now 2024-05-15', milestone: true, start: literalToKey('date', '2024-05-15') });
    const bars = model.tasks.filter((t) => !t.milestone);
    expect(now.start).toBeGreaterThan(Math.min(...bars.map((t) => t.start)));
    expect(now.start).toBeLessThan(Math.max(...bars.map((t) => t.end)));
  });

  it('a hostile name stays text inside its bar: Mermaid finds the bars, sections and dates written', async () => {
    const lines = gantt(hostileDemoPlan());
    expect(lines.join('\n')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e<>]/);
    const model = await parseGantt(lines.join('\n'));
    const written = lines.filter((l) => / :(done|active|crit|milestone), /.test(l));
    expect(model.sections).toHaveLength(3);
    expect(model.tasks).toHaveLength(written.length);
    written.forEach((l, i) => {
      const [, start, end] = /, (\d{4}-\d\d-\d\d), (\d{4}-\d\d-\d\d|0d)$/.exec(l)!;
      expect(model.tasks[i]!.start).toBe(literalToKey('date', start!));
      if (end !== '0d') expect(model.tasks[i]!.end).toBe(literalToKey('date', end!));
    });
    expect(model.tasks[0]!.text).toBe(`dropped ${printable(HOSTILE_NAME)}_p2020 · ~120,000 rows, 11.4 MB`);
    expect(mermaidText('a:b;c#d%e<f')).toBe('a#58;b#59;c#35;d#37;e#60;f');
  });

  it('stays within MERMAID_MAX_CHARS (Gitea draws nothing longer) by drawing longer runs', () => {
    for (const f of [demoPlan(), hostileDemoPlan()]) expect(gantt(f).join('\n').length).toBeLessThanOrEqual(MERMAID_MAX_CHARS);
    // the hostile names are long: its chart has fewer bars than the demo's
    expect(gantt(hostileDemoPlan()).length).toBeLessThan(gantt(demoPlan()).length);
  });

  it('10,000 daily partitions: at most MERMAID_MAX_BARS bars a section, runs named by count and period', async () => {
    const lines = gantt(dailyPlan('reshape'));
    expect(taskLines(lines, 'before').length).toBeLessThanOrEqual(MERMAID_MAX_BARS);
    expect(taskLines(lines, 'after').length).toBeLessThanOrEqual(MERMAID_MAX_BARS);
    expect(taskLines(lines, 'before')[0]).toMatch(/^ {2}merged 9892 × 1 day · ~9,892,000 rows, 943.4 MB :active, b1, 1997-06-01, 2024-07-01$/);
    const model = await parseGantt(lines.join('\n'));
    expect(model.tasks.length).toBe(lines.filter((l) => / :(done|active|crit|milestone), /.test(l)).length);
  });
});

describe('the markdown ticket', () => {
  it('carries one mermaid block per table, after the table section, with a sentence on how to read it', () => {
    const { plan } = demoPlan();
    const md = renderPlanMarkdown(plan, { planHash: 'ab'.repeat(32), renderCall: (s) => driver.renderCall(s.call), policy: { file: 'gppart.yaml', text: 'version: 1\n' } });
    expect(md.match(/^```mermaid$/gm)).toHaveLength(1);
    expect(md).toContain(markdownTimeline(plan, plan.tables[0]!).join('\n'));
    expect(md).toMatch(/Timeline, before and after \(a Mermaid gantt chart; where it is not drawn, each line reads/);
  });

  it('is the same bytes for the same plan', () => {
    expect(markdownTimeline(demoPlan().plan, demoPlan().plan.tables[0]!)).toEqual(markdownTimeline(demoPlan().plan, demoPlan().plan.tables[0]!));
  });
});
