// The original Partition tools' policy format (kind: partitioning, api: v1) → gppart's own.
//
// The original describes operations that a scheduler runs every day over windows counted back
// from now; gppart describes the layout those daily runs converge to. So:
// - create_partitions and merge_partitions become bands (granularity → every). Where create
//   ranges overlap, the finer granularity wins over the overlapped part: the original split fine
//   partitions out of DEFAULT first and never re-cut them coarser. A merge then reshapes its
//   range to its granularity (it ran after create), so it overrides what is under it.
// - move_partitions sets the tablespace (and ddl_with_param the storage) of the bands, or parts
//   of bands, older than its upper_bound.
// - A coarse band that finer ones left shorter than one period goes to its finer neighbour.
// - unload_to_s3_partitions → archive.after = the age of its upper_bound; delete_partitions →
//   retention.drop_after = the age of its upper_bound. The lower bounds of move, unload and
//   delete only limited how far back one daily run looked; everything older had already been
//   handled by earlier runs.
// - limit_operations (per operation) → max_steps_per_table (per table): the smallest one given.
// - access_exclusive_mode: true on any operation → lock.mode: exclusive.
// - The Airflow settings (schedule, start_date, connection_id, tags) become the `schedule` section,
//   which `gppart export airflow` turns back into a DAG.

import { Document, isMap, isScalar, isSeq } from 'yaml';
import type { Every } from '../plan/model.js';
import {
  type Parsed, MAX_REACH_YEARS, approxDays, beyondReach, didYouMean, everyDays, formatAge, formatEvery, formatOffset,
  negate, parseEvery, parseStorage, termBeyondReach,
} from './periods.js';
import { quote, shorten } from './quote.js';
import { formatTableName } from './table-name.js';
import { IssueList, formatPath, validatePolicy, type LineCol, type Locator, type Path } from './validate.js';
import { PolicyError, type RelativeOffset } from './types.js';
import { decodeUtf8, parseYaml, readPolicyBytes } from './source.js';
import { createHash } from 'node:crypto';
import { printable } from '../util/printable.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isOriginalFormat(raw: unknown): raw is Obj {
  return isObj(raw) && raw.kind === 'partitioning';
}

const TOP_KEYS = ['kind', 'api', 'schema', 'tables'];
const AIRFLOW_KEYS = ['start_date', 'schedule', 'connection_id', 'tags'];
const TABLE_KEYS = ['table', 'operations'];
const OPERATIONS = ['create_partitions', 'merge_partitions', 'move_partitions', 'unload_to_s3_partitions', 'delete_partitions'] as const;
type Operation = (typeof OPERATIONS)[number];
const COMMON_OP_KEYS = ['operation', 'lower_bound', 'upper_bound', 'limit_operations', 'access_exclusive_mode'];
const OP_KEYS: Record<Operation, string[]> = {
  create_partitions: [...COMMON_OP_KEYS, 'granularity', 'table_space', 'ddl_with_param'],
  merge_partitions: [...COMMON_OP_KEYS, 'granularity', 'table_space', 'ddl_with_param'],
  move_partitions: [...COMMON_OP_KEYS, 'table_space', 'ddl_with_param'],
  unload_to_s3_partitions: [...COMMON_OP_KEYS, 's3_server_name', 's3_bucket'],
  delete_partitions: [...COMMON_OP_KEYS],
};
const ALL_OP_KEYS = [...new Set(Object.values(OP_KEYS).flat())];
/** The original unload procedure's default bucket. */
const DEFAULT_BUCKET = 'dp-partition';

const PG_UNITS: Record<string, 'year' | 'month' | 'week' | 'day'> = {
  y: 'year', yr: 'year', yrs: 'year', year: 'year', years: 'year',
  mon: 'month', mons: 'month', month: 'month', months: 'month',
  w: 'week', week: 'week', weeks: 'week',
  d: 'day', day: 'day', days: 'day',
};
const SUB_DAY = /^(h|hr|hrs|hour|hours|m|min|mins|minute|minutes|s|sec|secs|second|seconds|ms|millisecond|milliseconds|us|microsecond|microseconds)$/;

/**
 * A PostgreSQL interval as the original passed it to `now() - interval '...'`: each term has its
 * own sign (unsigned = positive), so "-1 month - 3 day" is minus one month minus three days.
 */
export function parsePgInterval(v: unknown): Parsed<RelativeOffset> {
  if (v === 0) return { ok: true, value: {} };
  if (typeof v !== 'string') return { ok: false, message: `must be an interval such as "3 month", not ${typeof v} ${String(v)}` };
  const re = /\s*([+-])?\s*(\d+)\s*([A-Za-z]+)\s*/y;
  const o = { years: 0, months: 0, weeks: 0, days: 0 };
  let pos = 0;
  while (pos < v.length) {
    re.lastIndex = pos;
    const m = re.exec(v);
    if (!m) return { ok: false, message: `${quote(v)} is not an interval of days, weeks, months or years` };
    pos = re.lastIndex;
    const word = m[3]!.toLowerCase();
    const unit = PG_UNITS[word];
    if (!unit) {
      if (SUB_DAY.test(word)) return { ok: false, message: `${quote(v)} cannot be converted: gppart bounds are whole days, not ${word}` };
      return { ok: false, message: `${quote(v)}: unknown unit ${quote(m[3]!)}${didYouMean(word, Object.keys(PG_UNITS))}` };
    }
    if (termBeyondReach(Number(m[2]), unit)) return { ok: false, message: tooFar(v) };
    o[`${unit}s`] += (m[1] === '-' ? -1 : 1) * Number(m[2]);
  }
  if (pos === 0) return { ok: false, message: `${quote(v)} is not an interval of days, weeks, months or years` };
  const r: RelativeOffset = {};
  if (o.years) r.years = o.years;
  if (o.months) r.months = o.months;
  if (o.weeks) r.weeks = o.weeks;
  if (o.days) r.days = o.days;
  if (beyondReach(r)) return { ok: false, message: tooFar(v) };
  return { ok: true, value: r };
}

const tooFar = (v: string): string =>
  `${quote(v)} reaches too far: gppart bounds may reach at most ${MAX_REACH_YEARS} years from now, ` +
  'so that every partition bound is a date PostgreSQL and gppart can represent';

/** A band boundary, remembering which key of the original file it came from. */
interface Bound {
  off: RelativeOffset;
  d: number;
  at: Path;
}

interface Seg {
  from: Bound;
  to: Bound;
  every: Every;
  everyAt: Path;
  op: Path;
  tablespace?: { value: string; at: Path };
  storage?: { value: string; at: Path };
}

const EPS = 1e-6;

/** The parts of `g` outside [s.from, s.to), keeping g's attributes. */
function subtract(g: Seg, s: { from: Bound; to: Bound }): Seg[] {
  if (s.to.d <= g.from.d + EPS || g.to.d <= s.from.d + EPS) return [g];
  const parts: Seg[] = [];
  if (g.from.d < s.from.d - EPS) parts.push({ ...g, to: s.from });
  if (s.to.d < g.to.d - EPS) parts.push({ ...g, from: s.to });
  return parts;
}

/** `g` cut at the edges of [r.from, r.to), with `change` applied to the part inside. */
function repaint(g: Seg, r: { from: Bound; to: Bound }, change: (s: Seg) => Seg): Seg[] {
  if (r.to.d <= g.from.d + EPS || g.to.d <= r.from.d + EPS) return [g];
  const inner: Seg = {
    ...g,
    from: r.from.d > g.from.d + EPS ? r.from : g.from,
    to: r.to.d < g.to.d - EPS ? r.to : g.to,
  };
  return [...subtract(g, r), change(inner)];
}

function sameShape(a: Seg, b: Seg): boolean {
  return a.every.unit === b.every.unit && a.every.count === b.every.count
    && a.tablespace?.value === b.tablespace?.value && a.storage?.value === b.storage?.value;
}

export interface ConvertedPolicy {
  /** The equivalent document in gppart's own format. */
  raw: Obj;
  /** Maps paths of `raw` back to the original file's keys. */
  locator: Locator;
}

/**
 * Converts a parsed original-format document. `loc` locates paths of the original document.
 * Throws PolicyError naming every part that cannot be represented.
 */
export function convertOriginal(src: Obj, loc: Locator, file: string): ConvertedPolicy {
  const issues = new IssueList(file);
  const issue = (path: Path, message: string) => issues.add(loc.value(path), formatPath(path), message);
  const unknownKeys = (obj: Obj, path: Path, allowed: string[], what: string) => {
    for (const k of Object.keys(obj)) {
      if (allowed.includes(k)) continue;
      const hint = didYouMean(k, what === 'operation' ? ALL_OP_KEYS : allowed);
      const known = what === 'operation' && ALL_OP_KEYS.includes(k);
      issues.add(loc.key(path, k), formatPath([...path, k]),
        known ? `is not used by ${shorten(String(obj.operation))} and cannot be converted` : `unknown key ${quote(k)}${hint}`);
    }
  };

  const marks = new Map<string, Path>();
  const mark = (generated: Path, original: Path) => marks.set(formatPath(generated), original);
  mark([], []);

  unknownKeys(src, [], [...TOP_KEYS, ...AIRFLOW_KEYS], 'top');
  if (src.api !== 'v1') issue(['api'], `must be v1, the only version of the original format gppart reads`);
  let schema = 'public';
  if ('schema' in src) {
    if (typeof src.schema === 'string' && src.schema) schema = src.schema;
    else issue(['schema'], 'must be a schema name');
  }
  const tablesOut: Obj[] = [];
  if (!Array.isArray(src.tables) || src.tables.length === 0) {
    issue(Array.isArray(src.tables) ? ['tables'] : [], 'must list at least one table under "tables"');
  } else {
    src.tables.forEach((t, i) => {
      const tp: Path = ['tables', i];
      if (!isObj(t)) { issue(tp, 'must be a map with "table" and "operations"'); return; }
      unknownKeys(t, tp, TABLE_KEYS, 'table');
      if (typeof t.table !== 'string' || !t.table) { issue([...tp, 'table'], 'must be a table name'); return; }
      const dot = t.table.indexOf('.');
      const qualified = dot > 0 ? { schema: t.table.slice(0, dot), name: t.table.slice(dot + 1) } : { schema, name: t.table };
      const out: Obj = { table: formatTableName(qualified) };
      const gi = tablesOut.length;
      mark(['tables', gi], tp);
      mark(['tables', gi, 'table'], [...tp, 'table']);
      if (!Array.isArray(t.operations) || t.operations.length === 0) {
        issue([...tp, 'operations'], 'must list at least one operation');
        return;
      }
      const table = convertTable(t.operations, tp, issue, unknownKeys);
      if (!table) return;
      out.layout = table.segs.map((s) => {
        const band: Obj = { from: formatOffset(s.from.off), to: formatOffset(s.to.off), every: formatEvery(s.every) };
        if (s.tablespace) band.tablespace = s.tablespace.value;
        if (s.storage) band.storage = s.storage.value;
        return band;
      });
      table.segs.forEach((s, k) => {
        const bp: Path = ['tables', gi, 'layout', k];
        mark(bp, s.op);
        mark([...bp, 'from'], s.from.at);
        mark([...bp, 'to'], s.to.at);
        mark([...bp, 'every'], s.everyAt);
        if (s.tablespace) mark([...bp, 'tablespace'], s.tablespace.at);
        if (s.storage) mark([...bp, 'storage'], s.storage.at);
      });
      if (table.archive) {
        out.archive = table.archive.value;
        mark(['tables', gi, 'archive'], table.archive.op);
        mark(['tables', gi, 'archive', 'after'], [...table.archive.op, 'upper_bound']);
        mark(['tables', gi, 'archive', 'to'], [...table.archive.op, 's3_bucket']);
        mark(['tables', gi, 'archive', 'pxf_server'], [...table.archive.op, 's3_server_name']);
      }
      if (table.dropAfter) {
        out.retention = { drop_after: table.dropAfter.value };
        mark(['tables', gi, 'retention'], table.dropAfter.op);
        mark(['tables', gi, 'retention', 'drop_after'], [...table.dropAfter.op, 'upper_bound']);
      }
      if (table.exclusive) {
        out.lock = { mode: 'exclusive' };
        mark(['tables', gi, 'lock'], table.exclusive);
      }
      if (table.limit) {
        out.max_steps_per_table = table.limit.value;
        mark(['tables', gi, 'max_steps_per_table'], table.limit.at);
      }
      tablesOut.push(out);
    });
  }
  if (issues.items.length) throw new PolicyError(issues.sorted());
  const schedule = convertSchedule(src, mark);

  const nearest = (path: Path): Path => {
    for (let n = path.length; n >= 0; n--) {
      const found = marks.get(formatPath(path.slice(0, n)));
      if (found) return found;
    }
    return [];
  };
  const locator: Locator = {
    value: (path): LineCol => loc.value(nearest(path)),
    key: (path, key): LineCol => loc.value(nearest([...path, key])),
    describe: (path) => formatPath(nearest(path)),
  };
  return { raw: { version: 1, ...(schedule ? { schedule } : {}), tables: tablesOut }, locator };
}

/**
 * The original's DAG settings as gppart's `schedule` section; their values are checked there, at
 * the original keys. Without a `schedule` (Airflow's None: manual runs only) there is nothing to
 * schedule, and the other three are left out with it.
 */
function convertSchedule(src: Obj, mark: (generated: Path, original: Path) => void): Obj | undefined {
  if (src.schedule === undefined || src.schedule === null) return undefined;
  const out: Obj = { cron: src.schedule };
  mark(['schedule'], ['schedule']);
  mark(['schedule', 'cron'], ['schedule']);
  const carry = (from: string, to: string) => {
    if (src[from] === undefined || src[from] === null) return;
    out[to] = src[from];
    mark(['schedule', to], [from]);
    if (Array.isArray(src[from])) src[from].forEach((_, i) => mark(['schedule', to, i], [from, i]));
  };
  carry('start_date', 'start_date');
  carry('connection_id', 'connection');
  carry('tags', 'tags');
  return out;
}

interface ConvertedTable {
  /** Newest first. */
  segs: Seg[];
  archive?: { value: Obj; op: Path };
  dropAfter?: { value: string; op: Path };
  exclusive?: Path;
  limit?: { value: number; at: Path };
}

function convertTable(
  ops: unknown[], tp: Path,
  issue: (path: Path, message: string) => void,
  unknownKeys: (obj: Obj, path: Path, allowed: string[], what: string) => void,
): ConvertedTable | undefined {
  const creates: Seg[] = [];
  const merges: Seg[] = [];
  const moves: Array<{ from: Bound; to: Bound; tablespace?: Seg['tablespace']; storage?: Seg['storage'] }> = [];
  const result: ConvertedTable = { segs: [] };
  let failed = false;
  const bad = (path: Path, message: string) => { issue(path, message); failed = true; };

  ops.forEach((op, j) => {
    const p: Path = [...tp, 'operations', j];
    if (!isObj(op)) { bad(p, 'must be a map with "operation", "lower_bound" and "upper_bound"'); return; }
    const kind = op.operation;
    if (typeof kind !== 'string' || !(OPERATIONS as readonly string[]).includes(kind)) {
      const hint = typeof kind === 'string' ? didYouMean(kind, OPERATIONS) : '';
      bad([...p, 'operation'], `${typeof kind === 'string' ? quote(kind) : 'missing operation'}: must be one of ${OPERATIONS.join(', ')}${hint}`);
      return;
    }
    const before = failed;
    unknownKeys(op, p, OP_KEYS[kind as Operation], 'operation');
    if (Object.keys(op).some((k) => !OP_KEYS[kind as Operation].includes(k))) failed = true;

    const bound = (key: 'lower_bound' | 'upper_bound'): Bound | undefined => {
      if (!(key in op)) { bad(p, `missing required key "${key}"`); return undefined; }
      const r = parsePgInterval(op[key]);
      if (!r.ok) { bad([...p, key], r.message); return undefined; }
      // The original counts back from now: "2 year" is two years ago.
      const off = negate(r.value);
      return { off, d: approxDays(off), at: [...p, key] };
    };
    const from = bound('lower_bound');
    const to = bound('upper_bound');

    if (op.limit_operations !== undefined) {
      const n = op.limit_operations;
      if (!Number.isInteger(n) || (n as number) < 0) bad([...p, 'limit_operations'], 'must be a whole number of 0 or more');
      else if ((n as number) > 0 && (!result.limit || (n as number) < result.limit.value)) {
        result.limit = { value: n as number, at: [...p, 'limit_operations'] };
      }
    }
    if (op.access_exclusive_mode !== undefined) {
      if (typeof op.access_exclusive_mode !== 'boolean') bad([...p, 'access_exclusive_mode'], 'must be true or false');
      else if (op.access_exclusive_mode && !result.exclusive) result.exclusive = [...p, 'access_exclusive_mode'];
    }
    let tablespace: Seg['tablespace'];
    if (op.table_space !== undefined) {
      if (typeof op.table_space === 'string' && op.table_space) tablespace = { value: op.table_space, at: [...p, 'table_space'] };
      else bad([...p, 'table_space'], 'must be a tablespace name');
    }
    let storage: Seg['storage'];
    if (op.ddl_with_param !== undefined) {
      const r = parseDdlWithParam(op.ddl_with_param);
      if (r.ok) storage = { value: r.value, at: [...p, 'ddl_with_param'] };
      else bad([...p, 'ddl_with_param'], r.message);
    }
    if (!from || !to || failed !== before) return;
    if (from.d >= to.d - EPS) {
      bad([...p, 'lower_bound'], `lower_bound ${shorten(String(op.lower_bound))} must lie further back than upper_bound ${shorten(String(op.upper_bound))}`);
      return;
    }

    if (kind === 'create_partitions' || kind === 'merge_partitions') {
      if (typeof op.granularity !== 'string') { bad([...p, 'granularity'], `${kind} needs a granularity such as "1 month"`); return; }
      const every = parseEvery(op.granularity);
      if (!every.ok) { bad([...p, 'granularity'], every.message); return; }
      const seg: Seg = { from, to, every: every.value, everyAt: [...p, 'granularity'], op: p, tablespace, storage };
      (kind === 'create_partitions' ? creates : merges).push(seg);
    } else if (kind === 'move_partitions') {
      if (!tablespace) { bad(p, 'move_partitions needs a table_space'); return; }
      // Older partitions were moved by earlier daily runs as they passed through the window.
      moves.push({ from: { ...from, d: -Infinity }, to, tablespace, storage });
    } else if (kind === 'unload_to_s3_partitions') {
      if (result.archive) { bad(p, 'a second unload_to_s3_partitions cannot be converted: gppart keeps one archive rule per table'); return; }
      if (to.d >= -EPS) { bad([...p, 'upper_bound'], 'unloading data that is not yet in the past cannot be converted'); return; }
      const server = op.s3_server_name ?? 'default';
      const bucket = op.s3_bucket ?? DEFAULT_BUCKET;
      if (typeof server !== 'string' || !server) { bad([...p, 's3_server_name'], 'must be a PXF server name'); return; }
      if (typeof bucket !== 'string' || !bucket) { bad([...p, 's3_bucket'], 'must be a bucket name'); return; }
      const after = ageOf(to.off);
      if (!after) { bad([...p, 'upper_bound'], `${quote(String(op.upper_bound))} mixes signs and cannot be converted to an age`); return; }
      result.archive = {
        // The original wrote gzip'd text through a PXF writable external table: the same path.
        value: { after, to: `s3://${bucket}`, format: 'csv.gz', via: 'pxf', pxf_server: server },
        op: p,
      };
    } else {
      if (result.dropAfter) { bad(p, 'a second delete_partitions cannot be converted: gppart keeps one retention rule per table'); return; }
      if (to.d >= -EPS) { bad([...p, 'upper_bound'], 'deleting data that is not yet in the past cannot be converted'); return; }
      const dropAfter = ageOf(to.off);
      if (!dropAfter) { bad([...p, 'upper_bound'], `${quote(String(op.upper_bound))} mixes signs and cannot be converted to an age`); return; }
      result.dropAfter = { value: dropAfter, op: p };
    }
  });
  if (failed) return undefined;

  // Finest first; each create only fills what finer (or earlier equal) creates left free.
  let segs: Seg[] = [];
  const byFineness = creates.map((s, i) => ({ s, i }))
    .sort((a, b) => everyDays(a.s.every) - everyDays(b.s.every) || a.i - b.i);
  for (const { s } of byFineness) {
    let gaps = [s];
    for (const taken of segs) gaps = gaps.flatMap((g) => subtract(g, taken));
    segs.push(...gaps);
  }
  for (const m of merges) segs = [...segs.flatMap((s) => subtract(s, m)), m];
  for (const mv of moves) {
    segs = segs.flatMap((s) => repaint(s, mv, (inner) => ({
      ...inner, tablespace: mv.tablespace, ...(mv.storage ? { storage: mv.storage } : {}),
    })));
  }
  segs.sort((a, b) => a.from.d - b.from.d);
  const merged: Seg[] = [];
  for (const s of segs) {
    const last = merged[merged.length - 1];
    if (last && Math.abs(last.to.d - s.from.d) < EPS && sameShape(last, s)) merged[merged.length - 1] = { ...last, to: s.to };
    else merged.push(s);
  }
  result.segs = absorbSlivers(merged).reverse();
  return result;
}

/**
 * A coarse band left shorter than one of its periods (finer creates took the rest) can never
 * hold a partition. In the original, the fine partitions next to it simply stayed fine until a
 * merge reached them, so the adjacent finer band takes the sliver over. Input oldest first.
 */
function absorbSlivers(segs: Seg[]): Seg[] {
  const out = [...segs];
  for (let k = 0; k < out.length; k++) {
    const s = out[k]!;
    // A day of slack: only a band that is clearly too short is a sliver, never "-2 years .. -1 year".
    if (s.to.d - s.from.d >= everyDays(s.every) - 1) continue;
    const newer = out[k + 1];
    const older = out[k - 1];
    const finer = (n: Seg | undefined) => n !== undefined && everyDays(n.every) < everyDays(s.every);
    if (finer(newer) && Math.abs(newer!.from.d - s.to.d) < EPS) {
      out[k + 1] = { ...newer!, from: s.from };
    } else if (finer(older) && Math.abs(older!.to.d - s.from.d) < EPS) {
      out[k - 1] = { ...older!, to: s.to };
    } else {
      continue;
    }
    out.splice(k, 1);
    k--;
  }
  return out;
}

/** The age of a past offset as text ("1 year"), or undefined when its terms point both ways. */
function ageOf(past: RelativeOffset): string | undefined {
  const age = negate(past);
  if ([age.years, age.months, age.weeks, age.days].some((n) => (n ?? 0) < 0)) return undefined;
  return formatAge(age);
}

/**
 * `WITH (appendonly = ''true'', compresstype = zstd)` → `appendonly=true, compresstype=zstd`.
 * The doubled quotes come from the original splicing it into a quoted SQL string.
 */
export function parseDdlWithParam(v: unknown): Parsed<string> {
  if (typeof v !== 'string') return { ok: false, message: 'must be a WITH (...) clause' };
  const m = /^\s*(?:with\s*)?\((.*)\)\s*$/is.exec(v);
  if (!m) return { ok: false, message: `${quote(v)} is not a WITH (key = value, ...) clause` };
  const pairs = m[1]!.split(',').map((part) => {
    const kv = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(part);
    if (!kv) return part.trim();
    const value = kv[2]!.replace(/^('{1,2})(.*)\1$/, '$2');
    return `${kv[1]!.toLowerCase()}=${value}`;
  });
  const r = parseStorage(pairs.join(', '));
  if (!r.ok) {
    return { ok: false, message: `${quote(v)} cannot be converted: gppart storage options are key=value pairs of letters, digits, _ and .` };
  }
  return r;
}

/** The gppart.yaml equivalent of an original-format file, for `gppart convert`. */
export function convertOriginalToYaml(file: string): string {
  const bytes = readPolicyBytes(file);
  const { data: raw, locator } = parseYaml(decodeUtf8(bytes, file), file);
  if (!isOriginalFormat(raw)) {
    throw new PolicyError([{ file, line: 1, col: 1, path: 'kind', message: 'is not "partitioning": this is not a file in the original Partition tools format' }]);
  }
  const converted = convertOriginal(raw, locator, file);
  // Refuse to print a policy that gppart itself would reject.
  validatePolicy(converted.raw, file, createHash('sha256').update(bytes).digest('hex'), converted.locator, 'partition-tools-v1');
  const out = new Document(converted.raw);
  for (const t of (out.get('tables') as { items: unknown[] } | undefined)?.items ?? []) {
    if (!isMap(t)) continue;
    const layout = t.get('layout', true);
    if (isSeq(layout)) for (const band of layout.items) if (isMap(band)) band.flow = true;
    const lock = t.get('lock', true);
    if (isMap(lock)) lock.flow = true;
  }
  const tags = out.getIn(['schedule', 'tags'], true);
  if (isSeq(tags)) tags.flow = true;
  // Quoted, so that no YAML 1.1 reader (an editor's schema check) takes them for a date or an alias.
  for (const key of ['cron', 'start_date']) {
    const node = out.getIn(['schedule', key], true);
    if (isScalar(node) && typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
  }
  out.commentBefore = ` Converted by gppart from ${printable(file)} (original Partition tools format).\n See docs/policy.md for what each key means and how the operations were mapped.`;
  return out.toString({ lineWidth: 0 });
}
