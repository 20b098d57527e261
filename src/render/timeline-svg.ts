// A table's timeline as inline SVG for the HTML report: time on the x axis, before above after,
// fill colour by tablespace, a pattern or outline by storage, a strip under each bar by kind of
// change, `now`, the policy's bands, retention and archive points as lines. Widths are true to
// time; runs of partitions too narrow to see collapse into one bar (src/render/timeline.ts), so the
// number of bars is bounded by the drawing's width, not by the table's history. Every name goes
// through html() (src/render/escape.ts).
import { DateTime } from 'luxon';
import type { KeyPoint } from '../plan/model.js';
import { html } from './escape.js';
import {
  bounded,
  changeWord,
  MIXED,
  rangeText,
  runOf,
  runsForWidth,
  sizeText,
  type Lane,
  type Run,
  type TableTimeline,
  type TimelinePartition,
} from './timeline.js';

const SVG_WIDTH = 1000;
const PLOT_X0 = 78;
const PLOT_X1 = 832;
const DEFAULT_X = 850;
const DEFAULT_W = 140;
const LANE_H = 34;
const STRIP_H = 5;
const LANE_Y: Record<Lane, number> = { before: 46, after: 104 };
const AXIS_Y = 150;
const HEIGHT = 172;
/** Partitions whose bars would be narrower than this (on average, in a run) are drawn as one bar. */
export const MIN_BAR_WIDTH = 4;
const CHAR_W = 6.4;

// ------------------------------------------------------------------ colours and patterns

/** Fills by tablespace (light, so labels stay readable and it prints); assigned in a fixed order. */
const TABLESPACE_FILLS = ['#c6d4e1', '#ffbe7d', '#8cd17d', '#d4a6c8', '#f1ce63', '#86bcb6', '#fabfd2', '#d7b5a6', '#a0cbe8', '#bab0ac'];

/** The database's default tablespace (null) is always the first colour, the others by name. */
export function tablespaceColors(names: Iterable<string | null>): (ts: string | null | typeof MIXED) => string {
  const named = [...new Set([...names].filter((n): n is string => n !== null))].sort();
  const map = new Map<string | null, string>([[null, TABLESPACE_FILLS[0]!]]);
  named.forEach((n, i) => map.set(n, TABLESPACE_FILLS[(i + 1) % TABLESPACE_FILLS.length]!));
  return (ts) => (ts === MIXED ? '#e5e7ea' : (map.get(ts) ?? '#e5e7ea'));
}

export function tablespaceName(ts: string | null | typeof MIXED): string {
  return ts === MIXED ? 'several tablespaces' : (ts ?? 'default tablespace');
}

/** Strip colours by kind of change; a kind not listed (added later) gets the neutral one. */
const CHANGE_COLORS: Record<string, string> = {
  split: '#1a7f37',
  merge: '#bf8700',
  move: '#0969da',
  drop: '#cf222e',
  unload: '#8250df',
  detach: '#bc4c00',
  purge: '#a40e26',
};
export function changeColor(change: string | typeof MIXED): string {
  return change === MIXED ? '#57606a' : (CHANGE_COLORS[change] ?? '#57606a');
}

const MARK_STYLE: Record<string, string> = {
  now: 'stroke="#d1242f" stroke-width="1.6"',
  retention: 'stroke="#cf222e" stroke-width="1.2" stroke-dasharray="2 2"',
  archive: 'stroke="#8250df" stroke-width="1.2" stroke-dasharray="6 3"',
};

/** How storage shows: heap plain, append-optimized row diagonal hatching, column vertical stripes, external a dashed outline. */
export function storageName(storage: string | null | typeof MIXED): string {
  if (storage === MIXED) return 'mixed storage';
  if (storage === null) return 'storage not recorded';
  return ({ heap: 'heap', ao_row: 'append-optimized, row', ao_column: 'append-optimized, column', external: 'external (S3)' } as Record<string, string>)[storage] ?? storage;
}

/** Pattern definitions, ids prefixed so several pictures can share one page. */
function storagePatterns(prefix: string): string {
  const line = (x1: number, y1: number, x2: number, y2: number) => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#24292f" stroke-opacity="0.45" stroke-width="1.2"/>`;
  return (
    `<pattern id="${prefix}ao_row" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">${line(0, 0, 0, 6)}</pattern>` +
    `<pattern id="${prefix}ao_column" width="5" height="5" patternUnits="userSpaceOnUse">${line(1, 0, 1, 5)}</pattern>` +
    `<pattern id="${prefix}mixed" width="6" height="6" patternUnits="userSpaceOnUse"><circle cx="3" cy="3" r="1" fill="#24292f" fill-opacity="0.45"/></pattern>`
  );
}

/** The pattern (id without its prefix) a storage is drawn with; null for plain. */
export function storagePattern(storage: string | null | typeof MIXED): string | null {
  if (storage === MIXED) return 'mixed';
  return storage === 'ao_row' || storage === 'ao_column' ? storage : storage === 'other' ? 'mixed' : null;
}

// ------------------------------------------------------------------ scale

export interface TimeScale {
  from: KeyPoint;
  to: KeyPoint;
  x(k: KeyPoint): number;
}

/** The span every finite bound, `now`, band and mark fits in, with a margin (and room for unbounded ends). */
export function timeScale(t: TableTimeline): TimeScale {
  const parts = [...t.before, ...(t.after ?? [])].filter((p) => !p.isDefault);
  const points = [
    ...parts.flatMap((p) => [p.from, p.to]),
    ...(t.now ? [t.now.at] : []),
    ...t.marks.map((m) => m.at),
    ...t.bands.flatMap((b) => [b.from, b.to]),
  ].filter((k): k is number => k !== undefined && Number.isFinite(k));
  // A loop, not Math.min(...points): a table of 100,000 partitions would overflow the call's arguments.
  let lo = points.length ? points.reduce((a, b) => Math.min(a, b)) : Date.UTC(2000, 0, 1);
  let hi = points.length ? points.reduce((a, b) => Math.max(a, b)) : lo;
  if (hi - lo < 86_400_000) {
    lo -= 43_200_000;
    hi += 43_200_000;
  }
  const pad = (hi - lo) * 0.015;
  const unboundedPad = (hi - lo) * 0.04;
  const from = lo - pad - (parts.some((p) => p.from === -Infinity) ? unboundedPad : 0);
  const to = hi + pad + (parts.some((p) => p.to === Infinity) ? unboundedPad : 0);
  const k = (PLOT_X1 - PLOT_X0) / (to - from);
  return { from, to, x: (key) => (key === -Infinity ? PLOT_X0 : key === Infinity ? PLOT_X1 : PLOT_X0 + (key - from) * k) };
}

// ------------------------------------------------------------------ drawing

/** A bar as drawn: which lane, where, and the run it stands for (what tests check). */
export interface DrawnBar {
  lane: Lane;
  x: number;
  width: number;
  run: Run;
}

export interface TimelineSvg {
  svg: string;
  bars: DrawnBar[];
  /** What the picture's partitions use, for its legend. */
  tablespaces: Array<string | null>;
  storages: Array<string | null>;
  changes: string[];
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

function fit(text: string, width: number): string | null {
  const room = Math.floor((width - 6) / CHAR_W);
  if (room >= text.length) return text;
  return room >= 8 ? `${text.slice(0, room - 1)}…` : null;
}

/** A tooltip's lines, each escaped: the line breaks between them are the picture's own. */
function titleOf(lines: string[]): string {
  return `<title>${lines.map((l) => html(l)).join('\n')}</title>`;
}

function runTitle(r: Run, lane: Lane): string[] {
  const one = r.parts.length === 1;
  const first = r.parts[0]!;
  const last = r.parts[r.parts.length - 1]!;
  const lines = [
    one ? first.name : `${r.parts.length} partitions${r.period ? ` of ${r.period}` : ''}: ${first.name} … ${last.name}`,
    `${rangeText(r)}${one && r.period ? `, ${r.period}` : ''}`,
    `${tablespaceName(r.tablespace)}; ${storageName(r.storage)}`,
    sizeText(r.rows, r.bytes),
    `${lane}: ${changeWord(r.change, lane)}`,
  ];
  return lines;
}

function runLabel(r: Run): string {
  return r.parts.length === 1 ? r.parts[0]!.name : `${r.parts.length} × ${r.period ?? 'partitions'}`;
}

function barSvg(r: Run, lane: Lane, x: number, w: number, fill: (ts: string | null | typeof MIXED) => string, prefix: string): string {
  const y = LANE_Y[lane];
  const external = r.storage === 'external';
  const pattern = storagePattern(r.storage);
  const attrs = [
    `class="bar"`,
    `data-lane="${lane}"`,
    `data-count="${r.parts.length}"`,
    `data-from="${html(r.parts[0]!.fromText ?? '')}"`,
    `data-to="${html(r.parts[r.parts.length - 1]!.toText ?? '')}"`,
    `data-change="${html(r.change === MIXED ? 'mixed' : (r.change ?? 'none'))}"`,
  ].join(' ');
  const out = [`<g ${attrs}>${titleOf(runTitle(r, lane))}`];
  out.push(
    `<rect x="${n(x)}" y="${y}" width="${n(w)}" height="${LANE_H}" fill="${fill(r.tablespace)}"${external ? ' fill-opacity="0.35" stroke="#24292f" stroke-dasharray="3 2"' : ' stroke="#ffffff"'} stroke-width="0.8"/>`,
  );
  if (pattern) out.push(`<rect x="${n(x)}" y="${y}" width="${n(w)}" height="${LANE_H}" fill="url(#${prefix}${pattern})"/>`);
  if (r.parts.length > 1) out.push(`<rect x="${n(x)}" y="${y}" width="${n(w)}" height="${LANE_H}" fill="none" stroke="#24292f" stroke-width="0.6" stroke-opacity="0.6"/>`);
  if (r.change !== null) out.push(`<rect x="${n(x)}" y="${y + LANE_H + 1}" width="${n(w)}" height="${STRIP_H}" fill="${changeColor(r.change)}"/>`);
  const label = fit(runLabel(r), w);
  if (label) {
    out.push(`<text x="${n(x + 3)}" y="${y + 14}" class="lbl">${html(label)}</text>`);
    const second = fit(`${r.change !== null ? `${changeWord(r.change, lane)} · ` : ''}${sizeText(r.rows, r.bytes)}`, w);
    if (second) out.push(`<text x="${n(x + 3)}" y="${y + 27}" class="sz">${html(second)}</text>`);
  }
  out.push('</g>');
  return out.join('');
}

function defaultSvg(p: TimelinePartition | undefined, lane: Lane, fill: (ts: string | null) => string): string {
  const y = LANE_Y[lane];
  if (!p) return `<text x="${DEFAULT_X + 4}" y="${y + 21}" class="sz">no DEFAULT</text>`;
  const r = runOf([p]);
  const title = [`DEFAULT partition ${p.name}`, 'rows outside every range', `${tablespaceName(p.tablespace)}; ${storageName(p.storage)}`, sizeText(p.rows, p.bytes), `${lane}: ${changeWord(p.change, lane)}`];
  const out = [`<g class="default" data-lane="${lane}" data-change="${html(p.change ?? 'none')}">${titleOf(title)}`];
  out.push(`<rect x="${DEFAULT_X}" y="${y}" width="${DEFAULT_W}" height="${LANE_H}" rx="3" fill="${fill(p.tablespace)}" stroke="#24292f" stroke-width="0.6" stroke-dasharray="1 2"/>`);
  if (p.change !== null) out.push(`<rect x="${DEFAULT_X}" y="${y + LANE_H + 1}" width="${DEFAULT_W}" height="${STRIP_H}" fill="${changeColor(p.change)}"/>`);
  out.push(`<text x="${DEFAULT_X + 4}" y="${y + 14}" class="lbl">${html(fit(`DEFAULT ${p.name}`, DEFAULT_W) ?? 'DEFAULT')}</text>`);
  out.push(`<text x="${DEFAULT_X + 4}" y="${y + 27}" class="sz">${html(fit(sizeText(r.rows, r.bytes), DEFAULT_W) ?? '')}</text>`);
  out.push('</g>');
  return out.join('');
}

interface Tick {
  at: KeyPoint;
  label: string;
}

type TickStep = { step: { years?: number; months?: number; days?: number; hours?: number }; unit: 'year' | 'month' | 'day' | 'hour'; format: string };

function tickStep(days: number): TickStep {
  if (days > 365 * 80) return { step: { years: 25 }, unit: 'year', format: 'yyyy' };
  if (days > 365 * 16) return { step: { years: 5 }, unit: 'year', format: 'yyyy' };
  if (days > 365 * 4) return { step: { years: 1 }, unit: 'year', format: 'yyyy' };
  if (days > 365) return { step: { months: 3 }, unit: 'month', format: 'yyyy-MM' };
  if (days > 120) return { step: { months: 1 }, unit: 'month', format: 'yyyy-MM' };
  if (days > 20) return { step: { days: 7 }, unit: 'day', format: 'yyyy-MM-dd' };
  if (days > 3) return { step: { days: 1 }, unit: 'day', format: 'MM-dd' };
  return { step: { hours: 6 }, unit: 'hour', format: 'MM-dd HH:mm' };
}

/** Calendar-aligned ticks over the span (UTC wall clock): years, quarters, months, Mondays, days or hours. */
function ticks(from: KeyPoint, to: KeyPoint): Tick[] {
  const { step, unit, format } = tickStep((to - from) / 86_400_000);
  let t = DateTime.fromMillis(from, { zone: 'utc' }).startOf(unit);
  if (step.years) t = t.set({ year: Math.floor(t.year / step.years) * step.years });
  if (step.months === 3) t = t.set({ month: Math.floor((t.month - 1) / 3) * 3 + 1 });
  if (step.days === 7) t = t.minus({ days: t.weekday - 1 });
  if (step.hours) t = t.set({ hour: Math.floor(t.hour / step.hours) * step.hours });
  const out: Tick[] = [];
  for (let i = 0; i < 500 && t.toMillis() <= to; i++, t = t.plus(step)) {
    if (t.toMillis() >= from) out.push({ at: t.toMillis(), label: t.toFormat(format) });
  }
  return out;
}

/**
 * Labels at `x` (centred there, kept inside the picture) where they do not overlap a label placed
 * before them, leftmost first; a label with no room is left out (its line keeps a title).
 */
function placeLabels(items: Array<{ x: number; text: string }>): Array<{ x: number; text: string } | null> {
  let end = -Infinity;
  const placed: Array<{ x: number; text: string } | null> = items.map(() => null);
  const order = items.map((_, i) => i).sort((a, b) => items[a]!.x - items[b]!.x || a - b);
  for (const i of order) {
    const it = items[i]!;
    const w = it.text.length * CHAR_W;
    const left = Math.min(Math.max(it.x - w / 2, 2), SVG_WIDTH - w - 2);
    if (left < end + 6) continue;
    end = left + w;
    placed[i] = { x: left, text: it.text };
  }
  return placed;
}

export interface SvgOptions {
  /** Prefix of the pattern ids, unique per picture on a page. */
  idPrefix: string;
  fill: (ts: string | null | typeof MIXED) => string;
}

/** The picture of one table's timeline. */
export function timelineSvg(t: TableTimeline, o: SvgOptions): TimelineSvg {
  const scale = timeScale(t);
  const width = (r: Run) => scale.x(r.to) - scale.x(r.from);
  const bars: DrawnBar[] = [];
  const lanes: Array<[Lane, TimelinePartition[] | null]> = [
    ['before', t.before],
    ['after', t.after],
  ];
  for (const [lane, parts] of lanes) {
    for (const run of runsForWidth(parts ?? [], width, MIN_BAR_WIDTH)) bars.push({ lane, x: scale.x(run.from), width: width(run), run });
  }
  const out: string[] = [];
  const p = o.idPrefix;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${SVG_WIDTH} ${HEIGHT}" width="${SVG_WIDTH}" height="${HEIGHT}" role="img" aria-labelledby="${p}title">`,
  );
  out.push(`<title id="${p}title">${html(`Partitions of ${t.table} before and after, on the time axis of its key`)}</title>`);
  out.push(`<defs>${storagePatterns(p)}</defs>`);

  // Bands of the policy: shaded spans with their names in the top row.
  const bandItems = t.bands.map((b) => ({ x: (scale.x(b.from) + scale.x(b.to)) / 2, text: b.label.replace(/ \(.*\)$/, '') }));
  t.bands.forEach((b, i) => {
    const x0 = scale.x(b.from);
    const x1 = scale.x(b.to);
    out.push(
      `<g class="band"><title>${html(b.label)}</title><rect x="${n(x0)}" y="20" width="${n(x1 - x0)}" height="${AXIS_Y - 20}" fill="${i % 2 ? '#eef1f4' : '#f6f8fa'}"/>` +
        `<line x1="${n(x0)}" y1="20" x2="${n(x0)}" y2="${AXIS_Y}" stroke="#8c959f" stroke-width="0.8" stroke-dasharray="4 3"/>` +
        `<line x1="${n(x1)}" y1="20" x2="${n(x1)}" y2="${AXIS_Y}" stroke="#8c959f" stroke-width="0.8" stroke-dasharray="4 3"/></g>`,
    );
  });
  placeLabels(bandItems).forEach((l) => {
    if (l) out.push(`<text x="${n(l.x)}" y="13" class="band-label">${html(l.text)}</text>`);
  });

  // Axis: grid lines and calendar labels.
  const tk = ticks(scale.from, scale.to);
  out.push(`<line x1="${PLOT_X0}" y1="${AXIS_Y}" x2="${PLOT_X1}" y2="${AXIS_Y}" stroke="#57606a" stroke-width="0.8"/>`);
  for (const tick of tk) out.push(`<line x1="${n(scale.x(tick.at))}" y1="${LANE_Y.before - 4}" x2="${n(scale.x(tick.at))}" y2="${AXIS_Y + 3}" stroke="#d0d7de" stroke-width="0.6"/>`);
  placeLabels(tk.map((tick) => ({ x: scale.x(tick.at), text: tick.label }))).forEach((l) => {
    if (l) out.push(`<text x="${n(l.x)}" y="${AXIS_Y + 15}" class="tick">${html(l.text)}</text>`);
  });

  // Lanes.
  for (const [lane, parts] of lanes) {
    const y = LANE_Y[lane];
    const count = parts ? bounded(parts).length : 0;
    out.push(`<text x="4" y="${y + 14}" class="lane">${lane}</text>`);
    out.push(`<text x="4" y="${y + 27}" class="sz">${parts ? `${count} partition${count === 1 ? '' : 's'}` : 'unknown'}</text>`);
    if (!parts) {
      out.push(`<text x="${PLOT_X0 + 4}" y="${y + 21}" class="sz">${html(fit(t.note ?? 'not known', PLOT_X1 - PLOT_X0) ?? '')}</text>`);
      continue;
    }
    for (const b of bars.filter((b) => b.lane === lane)) out.push(barSvg(b.run, lane, b.x, Math.max(b.width, 0.6), o.fill, p));
    out.push(defaultSvg(parts.find((x) => x.isDefault), lane, o.fill));
  }

  // now, retention, archive: lines over the lanes, labels in the second row from the top.
  const marks = [...(t.now ? [t.now] : []), ...t.marks];
  const markLabels = placeLabels(marks.map((m) => ({ x: scale.x(m.at), text: m.label })));
  marks.forEach((m, i) => {
    const x = scale.x(m.at);
    out.push(
      `<g class="mark" data-kind="${m.kind}" data-at="${m.at}"><title>${html(m.title)}</title><line x1="${n(x)}" y1="24" x2="${n(x)}" y2="${AXIS_Y}" ${MARK_STYLE[m.kind]}/>` +
        (markLabels[i] ? `<text x="${n(markLabels[i]!.x)}" y="34" class="mark-label">${html(markLabels[i]!.text)}</text>` : '') +
        '</g>',
    );
  });
  out.push('</svg>');

  const parts = lanes.flatMap(([, ps]) => ps ?? []);
  const uniq = <T>(xs: T[]) => [...new Set(xs)];
  return {
    svg: out.join('\n'),
    bars,
    tablespaces: uniq(parts.map((x) => x.tablespace)),
    storages: uniq(parts.map((x) => x.storage)),
    changes: uniq(parts.map((x) => x.change)).filter((c): c is string => c !== null),
  };
}

