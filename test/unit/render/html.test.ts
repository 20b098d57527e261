// The HTML report: one self-contained page (no script, nothing fetched), read back with an HTML
// parser: header facts, summary, one timeline per table with a bar per partition or run, every step
// with its whole call; names from a plan are text, never markup.
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { html } from '../../../src/render/escape.js';
import { renderApplyHtml, renderPlanHtml } from '../../../src/render/html.js';
import { postgresDriver } from '../../../src/catalog/postgres.js';
import type { Plan } from '../../../src/plan/model.js';
import { dailyPlan, demoPlan, HOSTILE_NAME, hostileDemoPlan } from './timeline-fixtures.js';

const driver = postgresDriver('postgres');
const call = (s: Plan['tables'][number]['steps'][number]) => driver.renderCall(s.call);
const HASH = 'ab'.repeat(32);

function parse(page: string): Document {
  return new JSDOM(page).window.document;
}

/** Nothing in the page can reach the network or run: no script, no external reference of any kind. */
function expectSelfContained(page: string): void {
  const doc = parse(page);
  expect(doc.querySelectorAll('script, iframe, object, embed, img, link, base, form')).toHaveLength(0);
  for (const el of doc.querySelectorAll('*')) {
    for (const a of el.getAttributeNames()) {
      expect(a.startsWith('on')).toBe(false);
      if (a === 'href') expect(el.getAttribute(a)).toMatch(/^#/);
      expect(a).not.toBe('src');
    }
  }
  // The SVG namespace is a name, never fetched; any other address would be.
  expect(page.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/url\((?!#)|@import|@font-face|https?:\/\/|\/\/[a-z]/i);
  expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')).toMatch(/^default-src 'none'/);
}

describe('html()', () => {
  it('escapes what would open a tag, an entity or leave an attribute, and shows control characters', () => {
    expect(html(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
    expect(html('a\nb\u202ec')).toBe('a\\nb\\u202ec');
  });
});

describe('renderPlanHtml', () => {
  it('is one self-contained page: facts, summary, a timeline, then every step with its whole call', () => {
    const { plan, policy } = demoPlan();
    const page = renderPlanHtml(plan, { planHash: HASH, renderCall: call, policy });
    expectSelfContained(page);
    const doc = parse(page);
    expect(doc.title).toBe('gppart plan: dwh');
    const facts = [...doc.querySelectorAll('table.facts tr')].map((r) => r.textContent);
    expect(facts).toEqual(['Databasedwh at db:5432/dwh', 'ServerPostgreSQL 17.5 (dialect postgres)', 'Planned for (now)2024-05-15', `Policy hash${plan.policyHash}`, `Plan hash${HASH}`, 'gppart0.1.0']);
    expect(doc.querySelector('p.summary')!.textContent).toBe('Plan: 1 to split, 6 to merge, 0 to move, 0 to unload, 1 to drop.');
    const section = doc.querySelector('section#table-0')!;
    expect(section.querySelectorAll('svg.timeline')).toHaveLength(1);
    expect(section.querySelectorAll('g.bar[data-lane="before"]')).toHaveLength(30);
    expect(section.querySelectorAll('g.bar[data-lane="after"]')).toHaveLength(19);
    expect(section.querySelectorAll('g.band')).toHaveLength(2);
    const steps = [...section.querySelectorAll('ol.steps > li')];
    expect(steps).toHaveLength(plan.tables[0]!.steps.length);
    steps.forEach((li, i) => expect(li.querySelector('pre')!.textContent).toBe(`${call(plan.tables[0]!.steps[i]!)};`));
    expect(steps[0]!.querySelector('.destructive')!.textContent).toBe('destructive');
    const legend = [...section.querySelectorAll('ul.legend li')].map((li) => li.textContent);
    expect(legend).toEqual(expect.arrayContaining(['default tablespace', 'warm', 'append-optimized, column', 'dropped (drop)', 'merged (merge)', 'new (split)', 'now', 'drop after 3 years']));
  });

  it('is the same bytes for the same plan', () => {
    const a = demoPlan();
    const b = demoPlan();
    expect(renderPlanHtml(a.plan, { planHash: HASH, renderCall: call, policy: a.policy })).toBe(renderPlanHtml(b.plan, { planHash: HASH, renderCall: call, policy: b.policy }));
  });

  it('shows hostile names as text: no element, attribute or line break comes from a name', () => {
    const { plan } = hostileDemoPlan();
    const page = renderPlanHtml(plan, { planHash: HASH, renderCall: call });
    expectSelfContained(page);
    const doc = parse(page);
    expect(doc.querySelectorAll('g.bar')).toHaveLength(49);
    expect(doc.querySelector('section h2')!.textContent).toBe(`sales.${HOSTILE_NAME.replace('\n', '\\n').replace('\u202e', '\\u202e')}`);
    expect(page).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('10,000 daily partitions: a bounded picture and a file far from 50 MB', () => {
    const { plan, policy } = dailyPlan('reshape');
    const page = renderPlanHtml(plan, { planHash: HASH, renderCall: call, policy });
    const doc = parse(page);
    expect(doc.querySelectorAll('g.bar').length).toBeLessThan(100);
    const counts = [...doc.querySelectorAll('g.bar[data-lane="before"]')].map((g) => Number(g.getAttribute('data-count')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10_000);
    // the steps' calls name every partition they read: that, not the picture, is most of the page
    expect(page.length).toBeLessThan(2_000_000);
  });
});

describe('renderApplyHtml', () => {
  it('draws an apply from its snapshots and lists its journal steps with status and call', () => {
    const snap = (name: string, from: string, to: string, tablespace: string | null = null) => ({ name, schema: 's', isDefault: false, from, to, tablespace, storage: 'heap', rowEstimate: 10, bytes: 8192 });
    const apply = { id: 7, startedAt: '2024-05-15 10:00:00+00', finishedAt: '2024-05-15 10:01:00+00', status: 'done', user: 'dba', client: null, policyHash: 'p', planHash: 'q', now: '2024-05-15', stepsDone: 2, stepsFailed: 0, stepsStarted: 0 };
    const page = renderApplyHtml(
      apply,
      [
        { stepNo: 1, table: 's.t', kind: 'drop', call: "SELECT gppart.drop_partition('s', 't', 's', 'p1', '2024-01-01', '2024-02-01')", status: 'done', rows: 10, startedAt: 'x', finishedAt: 'y', seconds: 0.5, error: null },
        { stepNo: 2, table: 's.t', kind: 'move', call: `SELECT gppart.move_partition('s', 't', 's', 'p2', …)`, status: 'failed', rows: null, startedAt: 'x', finishedAt: 'y', seconds: 0.1, error: `boom ${HOSTILE_NAME}` },
      ],
      [{ table: 's.t', before: [snap('p1', '2024-01-01', '2024-02-01'), snap('p2', '2024-02-01', '2024-03-01')], after: [snap('p2', '2024-02-01', '2024-03-01', 'warm')] }],
    );
    expectSelfContained(page);
    const doc = parse(page);
    expect(doc.querySelector('h1')!.textContent).toBe('gppart apply 7: done');
    expect([...doc.querySelectorAll('g.bar')].map((g) => `${g.getAttribute('data-lane')} ${g.getAttribute('data-from')} ${g.getAttribute('data-change')}`)).toEqual([
      'before 2024-01-01 drop',
      'before 2024-02-01 move',
      'after 2024-02-01 move',
    ]);
    expect(doc.querySelector('g.mark[data-kind="now"]')).not.toBeNull();
    const steps = [...doc.querySelectorAll('ol.steps > li')];
    expect(steps.map((li) => li.querySelector('.status-done, .status-failed')!.textContent)).toEqual(['done', 'failed']);
    expect(steps[1]!.querySelector('.warning')!.textContent).toContain('boom x<script>alert(1)</script>\\n#');
  });
});
