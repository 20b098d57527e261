// The SVG timeline of the HTML report, on fixed plans: a golden file (reviewed once), then what must
// hold for any plan — one bar per partition or run, bars in order and apart, `now` on the axis,
// names escaped, and a bar count bounded by the width however long the history.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { planTimeline } from '../../../src/render/timeline-sources.js';
import { MIN_BAR_WIDTH, tablespaceColors, timelineSvg, timeScale, type TimelineSvg } from '../../../src/render/timeline-svg.js';
import type { TableTimeline } from '../../../src/render/timeline.js';
import type { PlanFixture } from './timeline-fixtures.js';
import { dailyPlan, demoPlan, HOSTILE_NAME, hostileDemoPlan } from './timeline-fixtures.js';

const GOLDEN = new URL('../../fixtures/golden/demo-timeline.svg', import.meta.url);

function timelineOf(f: PlanFixture): TableTimeline {
  return planTimeline(f.plan, f.plan.tables[0]!, f.policy.tables[0]);
}

function draw(t: TableTimeline): TimelineSvg {
  return timelineSvg(t, { idPrefix: 't0-', fill: tablespaceColors([...t.before, ...(t.after ?? [])].map((p) => p.tablespace)) });
}

/** The picture as a browser's XML parser reads it (throws on anything malformed). */
function parseSvg(svg: string): Document {
  return new JSDOM(svg, { contentType: 'image/svg+xml' }).window.document;
}

function expectWellFormedBars(t: TableTimeline, pic: TimelineSvg): void {
  for (const lane of ['before', 'after'] as const) {
    const parts = (lane === 'before' ? t.before : t.after!).filter((p) => !p.isDefault);
    const bars = pic.bars.filter((b) => b.lane === lane);
    // every partition in exactly one bar
    expect(bars.reduce((n, b) => n + b.run.parts.length, 0)).toBe(parts.length);
    expect(new Set(bars.flatMap((b) => b.run.parts)).size).toBe(parts.length);
    for (let i = 1; i < bars.length; i++) {
      // ordered by time, and no bar overlaps the next
      expect(bars[i]!.run.from).toBeGreaterThanOrEqual(bars[i - 1]!.run.to);
      expect(bars[i]!.x).toBeGreaterThanOrEqual(bars[i - 1]!.x + bars[i - 1]!.width - 1e-9);
    }
    for (const b of bars) expect(b.width).toBeGreaterThan(0);
  }
  const doc = parseSvg(pic.svg);
  expect(doc.querySelectorAll('g.bar').length).toBe(pic.bars.length);
}

describe('timelineSvg', () => {
  it('draws the demo plan as reviewed once (golden file)', () => {
    const svg = draw(timelineOf(demoPlan())).svg;
    if (process.env.GPPART_UPDATE_GOLDEN) writeFileSync(GOLDEN, svg + '\n');
    expect(svg + '\n').toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('one bar per partition, ordered and apart, `now` and the policy drawn inside the axis', () => {
    const t = timelineOf(demoPlan());
    const pic = draw(t);
    expectWellFormedBars(t, pic);
    expect(pic.bars.filter((b) => b.lane === 'before')).toHaveLength(30);
    expect(pic.bars.every((b) => b.run.parts.length === 1)).toBe(true);
    const scale = timeScale(t);
    expect(t.now!.at).toBeGreaterThan(scale.from);
    expect(t.now!.at).toBeLessThan(scale.to);
    const doc = parseSvg(pic.svg);
    const now = doc.querySelector('g.mark[data-kind="now"] line')!;
    const x = Number(now.getAttribute('x1'));
    const xs = pic.bars.flatMap((b) => [b.x, b.x + b.width]);
    expect(x).toBeGreaterThan(Math.min(...xs));
    expect(x).toBeLessThan(Math.max(...xs));
    expect(doc.querySelectorAll('g.band')).toHaveLength(2);
    expect(doc.querySelector('g.mark[data-kind="retention"] title')!.textContent).toBe('retention: partitions wholly before 2021-05-15 are dropped (drop_after 3 years)');
    // widths are true to time: a quarter is about three months
    const month = pic.bars.find((b) => b.lane === 'after' && b.run.parts[0]!.fromText === '2024-01-01')!;
    const quarter = pic.bars.find((b) => b.lane === 'after' && b.run.parts[0]!.fromText === '2023-01-01')!;
    expect(quarter.width / month.width).toBeCloseTo(90 / 31, 1);
    // the changes it marks: a drop and merges before; merges and new partitions after
    expect(new Set(pic.bars.filter((b) => b.lane === 'before').map((b) => b.run.change))).toEqual(new Set([null, 'drop', 'merge']));
    expect(new Set(pic.bars.filter((b) => b.lane === 'after').map((b) => b.run.change))).toEqual(new Set([null, 'merge', 'split']));
    expect(pic.storages).toContain('ao_column');
  });

  it('is deterministic: the same plan gives the same bytes', () => {
    expect(draw(timelineOf(demoPlan())).svg).toBe(draw(timelineOf(demoPlan())).svg);
  });

  it('shows a hostile name as text: no markup, no broken line, no lost bar', () => {
    const t = timelineOf(hostileDemoPlan());
    const pic = draw(t);
    expectWellFormedBars(t, pic);
    expect(pic.bars.length).toBe(draw(timelineOf(demoPlan())).bars.length);
    const doc = parseSvg(pic.svg);
    expect(doc.querySelector('script')).toBeNull();
    expect(pic.svg).not.toContain('<script');
    expect(pic.svg).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const titles = [...doc.querySelectorAll('g.bar title')].map((e) => e.textContent ?? '');
    expect(titles.some((s) => s.includes('x<script>alert(1)</script>\\n# :crit; %%{init}%% `"&\\u202e_p2020'))).toBe(true);
    expect(titles.some((s) => s.includes(`warm${HOSTILE_NAME.replace('\n', '\\n').replace('\u202e', '\\u202e')}`))).toBe(true);
  });

  it('10,000 daily partitions: runs collapse, the bar count stays bounded by the width', () => {
    for (const mode of ['keep', 'reshape'] as const) {
      const t = timelineOf(dailyPlan(mode));
      const pic = draw(t);
      expectWellFormedBars(t, pic);
      expect(t.before.filter((p) => !p.isDefault)).toHaveLength(10_000);
      // at most one bar per MIN_BAR_WIDTH of axis, and a narrow run between two wide ones
      expect(pic.bars.filter((b) => b.lane === 'before').length).toBeLessThan(2 * (754 / MIN_BAR_WIDTH));
      expect(pic.bars.length).toBeLessThan(100);
      expect(pic.svg.length).toBeLessThan(100_000);
    }
  });
});
