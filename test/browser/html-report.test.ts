// The HTML report and the ticket's Mermaid chart in a real browser: headless Chromium (Debian's
// `chromium`, driven by playwright-core) opens the files offline, and the test checks the page
// loaded without a console error or a request, the SVG has the bars the plan has, the screenshot is
// a picture (decoded: many colours, the bar's own fill where the bar is), and it prints.
// Without a chromium binary these tests are reported skipped, by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { postgresDriver } from '../../src/catalog/postgres.js';
import type { Plan } from '../../src/plan/model.js';
import { renderPlanHtml } from '../../src/render/html.js';
import { mermaidGantt } from '../../src/render/mermaid.js';
import { planTimeline } from '../../src/render/timeline-sources.js';
import { dailyPlan, demoPlan, hostileDemoPlan, type PlanFixture } from '../unit/render/timeline-fixtures.js';

/** GPPART_CHROMIUM names another binary (set to a missing path, it shows what a machine without one reports). */
const CHROMIUM = (process.env.GPPART_CHROMIUM ? [process.env.GPPART_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find((p) => existsSync(p));
/** The flags that let Chromium start as root on a machine without a network. */
if (!CHROMIUM) console.warn(`test/browser/html-report.test.ts: skipped, no chromium binary at ${process.env.GPPART_CHROMIUM ?? '/usr/bin/chromium'} (apt-get install chromium)`);

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const driver = postgresDriver('postgres');
const call = (s: Plan['tables'][number]['steps'][number]) => driver.renderCall(s.call);

function report(f: PlanFixture): string {
  return renderPlanHtml(f.plan, { planHash: 'ab'.repeat(32), renderCall: call, policy: f.policy });
}

interface Loaded {
  page: Page;
  errors: string[];
  requests: string[];
}

/** Opens `file` offline; every console error, page error, dialog and non-file request is recorded. */
async function open(browser: Browser, file: string): Promise<Loaded> {
  const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** Decoded screenshot facts: distinct colours (a blank or one-colour page has 1-2) and the share of non-white pixels. */
function pixels(png: Buffer): { image: PNG; colours: number; inked: number } {
  const image = PNG.sync.read(png);
  const seen = new Set<number>();
  let inked = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    seen.add((r << 16) | (g << 8) | b);
    if (r < 245 || g < 245 || b < 245) inked++;
  }
  return { image, colours: seen.size, inked: inked / (image.width * image.height) };
}

function pixelAt(image: PNG, x: number, y: number): [number, number, number] {
  const i = (Math.round(y) * image.width + Math.round(x)) * 4;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

const hex = (c: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];

describe.skipIf(!CHROMIUM)(`HTML report in headless Chromium${CHROMIUM ? '' : ' (skipped: no chromium binary; apt-get install chromium, or set GPPART_CHROMIUM)'}`, () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gppart-browser-'));
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: FLAGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the demo plan offline: no error, no request, every bar drawn, a real picture, and it prints', async () => {
    const f = demoPlan();
    const file = join(dir, 'demo.html');
    writeFileSync(file, report(f));
    const { page, errors, requests } = await open(browser, file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.locator('svg.timeline g.bar[data-lane="before"]').count()).toBe(30);
    expect(await page.locator('svg.timeline g.bar[data-lane="after"]').count()).toBe(19);
    const svgBox = (await page.locator('svg.timeline').boundingBox())!;
    expect(svgBox.width).toBeGreaterThan(900);
    expect(svgBox.height).toBeGreaterThan(100);

    const shot = await page.screenshot({ fullPage: true });
    const { image, colours, inked } = pixels(shot);
    expect(colours).toBeGreaterThan(50);
    expect(inked).toBeGreaterThan(0.05);
    // Where the first bar is, the screen shows its tablespace's fill.
    const bar = page.locator('svg.timeline g.bar[data-lane="before"]').first();
    const fill = (await bar.locator('rect').first().getAttribute('fill'))!;
    const box = (await bar.locator('rect').first().boundingBox())!;
    const seen = pixelAt(image, box.x + box.width / 2, box.y + box.height - 3);
    hex(fill).forEach((c, i) => expect(Math.abs(c - seen[i]!)).toBeLessThanOrEqual(8));

    // The README's picture: GPPART_SCREENSHOT_DIR=docs npx vitest run test/browser (docs/reviewing.md).
    const figure = await page.locator('figure').first().screenshot();
    expect(pixels(figure).colours).toBeGreaterThan(20);
    if (process.env.GPPART_SCREENSHOT_DIR) writeFileSync(join(process.env.GPPART_SCREENSHOT_DIR, 'timeline.png'), figure);

    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(6);
    await page.context().close();
  });

  it('a plan of hostile names runs nothing and opens no dialog', async () => {
    const file = join(dir, 'hostile.html');
    writeFileSync(file, report(hostileDemoPlan()));
    const { page, errors, requests } = await open(browser, file);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll('script').length)).toBe(0);
    expect(await page.locator('svg.timeline g.bar').count()).toBe(49);
    expect(await page.locator('section h2').first().textContent()).toContain('x<script>alert(1)</script>');
    await page.context().close();
  });

  it('10,000 daily partitions open as a legible picture of a few dozen bars', async () => {
    const file = join(dir, 'daily.html');
    writeFileSync(file, report(dailyPlan('reshape')));
    const { page, errors } = await open(browser, file);
    expect(errors).toEqual([]);
    const bars = await page.locator('svg.timeline g.bar').count();
    expect(bars).toBeGreaterThan(2);
    expect(bars).toBeLessThan(100);
    const { colours } = pixels(await page.locator('figure').first().screenshot());
    expect(colours).toBeGreaterThan(20);
    await page.context().close();
  });

  it("the ticket's Mermaid chart renders in Mermaid itself: one bar per line, the milestone, no error", async () => {
    const f = demoPlan();
    const lines = mermaidGantt(planTimeline(f.plan, f.plan.tables[0]!))!;
    const file = join(dir, 'gantt.html');
    writeFileSync(file, '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="chart"></div></body></html>');
    const { page, errors, requests } = await open(browser, file);
    const require = createRequire(import.meta.url);
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    const svg = await page.evaluate(async (text) => {
      const m = (window as unknown as { mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      m.initialize({ startOnLoad: false, securityLevel: 'strict' });
      const { svg } = await m.render('gantt', text);
      document.getElementById('chart')!.innerHTML = svg;
      return svg;
    }, lines.join('\n'));
    expect(svg).toContain('<svg');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const tasks = await page.locator('#chart rect.task:not(.milestone)').count();
    const milestones = await page.locator('#chart rect.milestone').count();
    expect(tasks).toBe(lines.filter((l) => / :(done|active|crit), /.test(l)).length);
    expect(milestones).toBe(1);
    const { colours } = pixels(await page.locator('#chart').screenshot());
    expect(colours).toBeGreaterThan(20);
    await page.context().close();
  });
});
