// Validation of a policy document that is already plain data (from gppart.yaml, or converted
// from the original format): schema, value syntax, then the rules between values. Every problem
// becomes a PolicyIssue with the position a Locator gives for its path; all of them are
// collected before anything is thrown.

import type { ErrorObject } from 'ajv';
import type { QualifiedName } from '../plan/model.js';
import {
  type Parsed, didYouMean, firstDayNotEarlier, findOverlaps, firstDayWhere, dayToIso, parseAge, parseEvery,
  parseOffset, parseStorage, parseTimeout, negate, approxDays, everyDays,
} from './periods.js';
import { missingTokens, parseNaming, type NamingPattern } from './naming.js';
import { POLICY_LIMITS } from './limits.js';
import { quote, shorten } from './quote.js';
import { formatTableName, parseTableName, parseTablespace } from './table-name.js';
import { resolveSchedule } from './schedule.js';
import { schemaValidator } from '../util/schema-validator.js';
import { isIanaZone } from '../util/time-zone.js';
import {
  type ArchivePolicy, type Band, type LockPolicy, type Policy, type PolicyIssue, type RelativeOffset,
  type TablePolicy, PolicyError,
} from './types.js';

export type PathSeg = string | number;
export type Path = PathSeg[];

export interface LineCol {
  line: number;
  col: number;
}

/** Maps a path in the validated data to a place in the file the user wrote. */
export interface Locator {
  /** Where the value at `path` starts (or its nearest ancestor that exists). */
  value(path: Path): LineCol;
  /** Where key `key` of the map at `path` is written. */
  key(path: Path, key: string): LineCol;
  /** The path as the user should read it (a converted file names its own keys). */
  describe(path: Path): string;
}

/** "tables[0].layout[1].from"; a long key (only an unknown one can be) is shortened. */
export function formatPath(path: Path): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? shorten(seg) : `.${shorten(seg)}`;
  return s;
}

export class IssueList {
  readonly items: PolicyIssue[] = [];
  private readonly seen = new Set<string>();
  constructor(readonly file: string) {}
  add(at: LineCol, path: string, message: string): void {
    const key = JSON.stringify([at.line, at.col, path, message]);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ file: this.file, line: at.line, col: at.col, path, message });
  }
  sorted(): PolicyIssue[] {
    return [...this.items].sort((a, b) => a.line - b.line || a.col - b.col);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (isObj(v)) return 'a map';
  if (typeof v === 'string') return quote(v);
  return `${typeof v} ${String(v)}`;
}

function describeType(t: unknown): string {
  const names: Record<string, string> = {
    string: 'a string', integer: 'a whole number', number: 'a number', object: 'a map',
    array: 'a list', boolean: 'true or false', null: 'null',
  };
  const list = Array.isArray(t) ? t : String(t).split(',');
  return list.map((x) => names[x] ?? x).join(' or ');
}

function pointerToPath(pointer: string, data: unknown): Path {
  const path: Path = [];
  let cur: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key: PathSeg = Array.isArray(cur) && /^\d+$/.test(seg) ? Number(seg) : seg;
    path.push(key);
    cur = Array.isArray(cur) ? cur[key as number] : isObj(cur) ? cur[seg] : undefined;
  }
  return path;
}

function schemaIssue(e: ErrorObject, data: unknown, loc: Locator, issues: IssueList): void {
  const path = pointerToPath(e.instancePath, data);
  const here = (p: Path) => loc.describe(p);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: Obj }).properties ?? {});
      const hint = didYouMean(key, allowed);
      const expected = hint || `; expected one of: ${allowed.join(', ')}`;
      issues.add(loc.key(path, key), here([...path, key]), `unknown key ${quote(key)}${expected}`);
      return;
    }
    case 'required':
      issues.add(loc.value(path), here(path), `missing required key "${String(e.params.missingProperty)}"`);
      return;
    case 'type':
      issues.add(loc.value(path), here(path), `must be ${describeType(e.params.type)}, not ${describeValue(e.data)}`);
      return;
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      issues.add(loc.value(path), here(path), `${describeValue(e.data)} is not one of ${allowed.join(', ')}${hint}`);
      return;
    }
    case 'const':
      issues.add(loc.value(path), here(path), `must be ${JSON.stringify(e.params.allowedValue)}, not ${describeValue(e.data)}`);
      return;
    case 'minimum':
      issues.add(loc.value(path), here(path), `must be ${String(e.params.limit)} or more, not ${describeValue(e.data)}`);
      return;
    case 'minItems':
      issues.add(loc.value(path), here(path), `must list at least ${String(e.params.limit)} item`);
      return;
    case 'minLength':
      issues.add(loc.value(path), here(path), 'must not be empty');
      return;
    case 'if':
      return; // the then/else branch that failed reports the problem itself
    default:
      issues.add(loc.value(path), here(path), e.message ?? `is not valid (${e.keyword})`);
  }
}

/** Resolved defaults before per-table overrides. */
interface Defaults {
  timezone: string;
  storage: string | null;
  tablespace: string | null;
  lock: LockPolicy;
  maxSteps: number;
  defaultPartition: DefaultPartition;
  naming: NamingPattern | undefined;
  /** The defaults' archive block as written (tables inherit it key by key), or null. */
  archive: Obj | null;
}

interface DefaultPartition {
  mode: TablePolicy['defaultPartition'];
  expiredRows: 'warn' | 'purge';
}

class Checker {
  constructor(readonly loc: Locator, readonly issues: IssueList) {}

  /** Runs a value parser on a string field; type errors are the schema's to report. */
  parse<T>(obj: Obj, key: string, path: Path, parser: (s: string) => Parsed<T>): T | undefined {
    const v = obj[key];
    if (typeof v !== 'string') return undefined;
    const r = parser(v);
    if (r.ok) return r.value;
    this.issue([...path, key], r.message);
    return undefined;
  }

  issue(path: Path, message: string): void {
    this.issues.add(this.loc.value(path), this.loc.describe(path), message);
  }
}

export function checkZone(s: string): Parsed<string> {
  // UTC, the default, without asking Intl at all.
  if (s === 'UTC' || isIanaZone(s)) return { ok: true, value: s };
  return { ok: false, message: `${quote(s)} is not an IANA time zone; write e.g. UTC, Europe/Berlin or America/New_York` };
}

/** Null written explicitly means "the parent's"; an absent key inherits. */
function stringOrNull(
  c: Checker, obj: Obj, key: string, path: Path, inherited: string | null,
  parser?: (s: string) => Parsed<string>,
): string | null {
  if (!(key in obj)) return inherited;
  const v = obj[key];
  if (v === null) return null;
  if (typeof v !== 'string') return inherited;
  if (!parser) return v;
  return c.parse(obj, key, path, parser) ?? inherited;
}

function lockOf(c: Checker, v: unknown, path: Path, inherited: LockPolicy): LockPolicy {
  if (!isObj(v)) return inherited;
  const mode = v.mode === 'shared' || v.mode === 'exclusive' ? v.mode : inherited.mode;
  const timeoutMs = c.parse(v, 'timeout', path, parseTimeout) ?? inherited.timeoutMs;
  return { mode, timeoutMs };
}

function resolveDefaults(c: Checker, raw: Obj): Defaults {
  const d = isObj(raw.defaults) ? raw.defaults : {};
  const p: Path = ['defaults'];
  return {
    timezone: c.parse(d, 'timezone', p, checkZone) ?? 'UTC',
    storage: stringOrNull(c, d, 'storage', p, null, parseStorage),
    tablespace: stringOrNull(c, d, 'tablespace', p, null, parseTablespace),
    lock: lockOf(c, d.lock, [...p, 'lock'], { mode: 'shared', timeoutMs: 5000 }),
    maxSteps: Number.isInteger(d.max_steps_per_table) && (d.max_steps_per_table as number) >= 0
      ? (d.max_steps_per_table as number) : 0,
    defaultPartition: defaultPartitionOf(d.default_partition, { mode: 'keep', expiredRows: 'warn' }),
    naming: c.parse(d, 'naming', p, parseNaming),
    archive: isObj(d.archive) ? d.archive : null,
  };
}

/** `s3://bucket/prefix` → bucket and prefix (no leading or trailing "/"). */
export function parseArchiveUrl(s: string): Parsed<{ bucket: string; prefix: string }> {
  const m = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(s);
  if (!m) return { ok: false, message: `"${s}" is not an S3 location; write s3://bucket or s3://bucket/prefix` };
  const bucket = m[1]!;
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    return { ok: false, message: `"${bucket}" is not a valid bucket name (3 to 63 characters: a-z, 0-9, "." and "-")` };
  }
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(prefix) || (prefix !== '' && prefix.split('/').some((seg) => seg === '' || seg === '.' || seg === '..'))) {
    return { ok: false, message: `"${s}": the prefix must not contain control characters, empty segments, "." or ".."` };
  }
  if (Buffer.byteLength(prefix, 'utf8') > 512) return { ok: false, message: `"${s}": the prefix is longer than 512 bytes` };
  return { ok: true, value: { bucket, prefix } };
}

/**
 * The table's archive block over the defaults' (key by key; `archive: null` on a table turns it
 * off). `after` and `to` must be known once merged.
 */
function archiveOf(c: Checker, inherited: Obj | null, t: Obj, p: Path): ArchivePolicy | null {
  if ('archive' in t && t.archive === null) return null;
  const own = isObj(t.archive) ? t.archive : null;
  if (!own && !inherited) return null;
  const merged: Obj = { ...(inherited ?? {}), ...(own ?? {}) };
  // Messages point at the key where it was written: the table's block, else the defaults'.
  const at = (key: string): Path => (own && key in own ? [...p, 'archive'] : ['defaults', 'archive']);
  const after = c.parse(merged, 'after', at('after'), parseAge);
  const to = c.parse(merged, 'to', at('to'), parseArchiveUrl);
  for (const key of ['after', 'to']) {
    if (!(key in merged)) c.issue(own ? [...p, 'archive'] : ['defaults', 'archive'], `missing required key "${key}"`);
  }
  const via = merged.via === 'pxf' ? 'pxf' : 'client';
  const pxfServer = typeof merged.pxf_server === 'string' && merged.pxf_server ? merged.pxf_server : null;
  if (via === 'pxf' && !pxfServer) c.issue([...at('via'), 'via'], 'via: pxf needs pxf_server, the name of the PXF server configuration to write through');
  if (via === 'pxf' && pxfServer && !/^[A-Za-z0-9_.-]+$/.test(pxfServer)) {
    c.issue([...at('pxf_server'), 'pxf_server'], `"${pxfServer}" is not a PXF server name (letters, digits, "_", "." and "-")`);
  }
  if (via === 'client' && 'pxf_server' in merged) c.issue([...at('pxf_server'), 'pxf_server'], 'pxf_server is only used with via: pxf');
  if (!after || !to) return null;
  return {
    after,
    afterText: String(merged.after),
    bucket: to.bucket,
    prefix: to.prefix,
    format: merged.format === 'csv.gz' ? 'csv.gz' : 'parquet',
    via,
    pxfServer: via === 'pxf' ? pxfServer : null,
    beforeDrop: merged.before_drop === true,
  };
}

function isDefaultPartition(v: unknown): v is TablePolicy['defaultPartition'] {
  return v === 'keep' || v === 'ensure' || v === 'forbid';
}

/** `default_partition: keep` or `{ mode: keep, expired_rows: purge }`; what is left out is inherited. */
function defaultPartitionOf(v: unknown, inherited: DefaultPartition): DefaultPartition {
  if (isDefaultPartition(v)) return { ...inherited, mode: v };
  if (!isObj(v)) return inherited;
  return {
    mode: isDefaultPartition(v.mode) ? v.mode : inherited.mode,
    expiredRows: v.expired_rows === 'purge' || v.expired_rows === 'warn' ? v.expired_rows : inherited.expiredRows,
  };
}

interface ParsedBand {
  index: number;
  from?: RelativeOffset;
  to?: RelativeOffset;
  band?: Band;
}

function resolveTable(
  c: Checker, t: Obj, i: number, defaults: Defaults, file: string,
): TablePolicy | undefined {
  const p: Path = ['tables', i];
  const table = c.parse(t, 'table', p, parseTableName);
  const timezone = c.parse(t, 'timezone', p, checkZone) ?? defaults.timezone;
  const storage = stringOrNull(c, t, 'storage', p, defaults.storage, parseStorage);
  const tablespace = stringOrNull(c, t, 'tablespace', p, defaults.tablespace, parseTablespace);
  const lock = lockOf(c, t.lock, [...p, 'lock'], defaults.lock);
  const maxSteps = Number.isInteger(t.max_steps_per_table) && (t.max_steps_per_table as number) >= 0
    ? (t.max_steps_per_table as number) : defaults.maxSteps;
  const defaultPartition = defaultPartitionOf(t.default_partition, defaults.defaultPartition);
  const naming = c.parse(t, 'naming', p, parseNaming) ?? defaults.naming;

  const bands: ParsedBand[] = [];
  if (Array.isArray(t.layout)) {
    t.layout.forEach((b, k) => {
      if (!isObj(b)) return;
      const bp: Path = [...p, 'layout', k];
      const from = c.parse(b, 'from', bp, parseOffset);
      const to = c.parse(b, 'to', bp, parseOffset);
      const every = c.parse(b, 'every', bp, parseEvery);
      const pb: ParsedBand = { index: k, from, to };
      if (from && to) {
        const bad = firstDayNotEarlier(from, to);
        if (bad !== null) {
          c.issue([...bp, 'from'], `${quote(String(b.from))} must be earlier than to ${quote(String(b.to))}${onSomeDays(from, to, bad)}`);
          pb.from = pb.to = undefined;
        }
      }
      // On a band, null is the same as leaving the key out: the planner falls back to the table's.
      const bandStorage = stringOrNull(c, b, 'storage', bp, storage, parseStorage) ?? storage;
      const bandTablespace = stringOrNull(c, b, 'tablespace', bp, tablespace, parseTablespace) ?? tablespace;
      if (pb.from && pb.to && every) {
        pb.band = {
          from: pb.from, to: pb.to, every, tablespace: bandTablespace, storage: bandStorage,
          fromText: String(b.from), toText: String(b.to), everyText: String(b.every),
        };
      }
      bands.push(pb);
    });
    const partitions = Math.round(bands.reduce((n, b) => n + (b.band ? approxPartitions(b.band) : 0), 0));
    if (partitions > POLICY_LIMITS.partitionsPerTable) {
      c.issue([...p, 'layout'],
        `makes about ${partitions} partitions; a table may have at most ${POLICY_LIMITS.partitionsPerTable}: ` +
          'give the older bands a coarser every, or let them start later');
    }
  }

  // Overlaps: reported on the later band, naming an earlier one it overlaps.
  const raw = t.layout as Obj[];
  const overlaps = findOverlaps(bands.map((b) => (b.from && b.to ? { from: b.from, to: b.to } : undefined)));
  for (const [later, earlier] of [...overlaps].sort((x, y) => x[0] - y[0])) {
    const a = bands[later]!, b = bands[earlier]!;
    const other = `layout[${b.index}] (${shorten(String(raw[b.index]!.from))} .. ${shorten(String(raw[b.index]!.to))})`;
    c.issue([...p, 'layout', a.index], `overlaps ${other}; bands must not overlap: let one end where the other starts`);
  }

  const archive = archiveOf(c, defaults.archive, t, p);
  const archiveAfter = archive?.after;

  let retention: TablePolicy['retention'] = null;
  if (isObj(t.retention)) {
    const rp: Path = [...p, 'retention'];
    const dropAfter = c.parse(t.retention, 'drop_after', rp, parseAge);
    if (dropAfter) {
      const dropText = String(t.retention.drop_after);
      let fine = true;
      if (archiveAfter && firstDayNotEarlier(negate(dropAfter), negate(archiveAfter)) !== null) {
        c.issue([...rp, 'drop_after'],
          `${quote(dropText)} must be longer than archive.after ${quote(archive!.afterText)}: ` +
            'partitions are archived first and dropped later');
        fine = false;
      }
      for (const b of bands) {
        if (!b.from) continue;
        const dropPoint = negate(dropAfter);
        const day = firstDayWhere(dropPoint, b.from, (drop, from) => drop > from);
        if (day === null) continue;
        const sometimesFine = firstDayWhere(dropPoint, b.from, (drop, from) => drop <= from) !== null;
        const bandFrom = shorten(String((t.layout as Obj[])[b.index]!.from));
        c.issue([...rp, 'drop_after'],
          `${quote(dropText)} cuts into layout[${b.index}], which reaches back to ${bandFrom}` +
            (sometimesFine ? ` on some dates (e.g. when today is ${dayToIso(day)})` : '') +
            ': partitions that band keeps would be dropped; make drop_after longer or let the band start later');
        fine = false;
      }
      const detach = t.retention.mode === 'detach';
      if (typeof t.retention.schema === 'string' && !detach) {
        c.issue([...rp, 'schema'], 'only a detached partition moves to another schema; add mode: detach, or remove schema');
        fine = false;
      }
      if (fine) {
        retention = {
          dropAfter, dropAfterText: dropText,
          ...(detach ? { mode: 'detach' as const } : {}),
          ...(detach && typeof t.retention.schema === 'string' ? { detachSchema: t.retention.schema } : {}),
        };
      }
    }
  }

  if (naming) {
    // Reported where the pattern is written: on the table, or under defaults.
    const at: Path = 'naming' in t ? [...p, 'naming'] : ['defaults', 'naming'];
    for (const b of bands) {
      const missing = b.band ? missingTokens(naming, b.band.every) : null;
      if (missing) {
        c.issue(at, `"${naming.text}" cannot tell the periods of layout[${b.index}] (every ${b.band!.everyText}) apart; ` +
          `it needs ${missing}, or {period}`);
      }
    }
  }

  if (!table) return undefined;
  const pos = c.loc.value(p);
  return {
    table, layout: bands.map((b) => b.band).filter((b): b is Band => !!b),
    archive, retention, defaultPartition: defaultPartition.mode,
    ...(defaultPartition.expiredRows === 'purge' ? { defaultExpiredRows: 'purge' as const } : {}),
    ...(naming ? { naming } : {}),
    timezone, storage, tablespace, lock,
    maxStepsPerTable: maxSteps, pos: { file, line: pos.line, col: pos.col },
  };
}

/** Roughly how many partitions a band holds: what the planner will have to create and track. */
function approxPartitions(b: Band): number {
  return Math.max(0, approxDays(b.to) - approxDays(b.from)) / everyDays(b.every);
}

/** " on some dates (e.g. when today is ...)" when `a` < `b` fails only for some values of today. */
function onSomeDays(a: RelativeOffset, b: RelativeOffset, day: number): string {
  const sometimesFine = firstDayWhere(a, b, (x, y) => x < y) !== null;
  return sometimesFine ? ` on some dates (e.g. when today is ${dayToIso(day)})` : '';
}

/**
 * Validates plain policy data and returns the resolved Policy, or throws PolicyError with
 * every issue found.
 */
export function validatePolicy(
  raw: unknown, file: string, hash: string, loc: Locator, convertedFrom?: Policy['convertedFrom'],
): Policy {
  const issues = new IssueList(file);
  if (raw === null || raw === undefined) {
    issues.add({ line: 1, col: 1 }, '', 'the file is empty; a policy starts with "version: 1" and "tables:"');
    throw new PolicyError(issues.sorted());
  }
  const validate = schemaValidator('gppart');
  if (!validate(raw)) for (const e of validate.errors ?? []) schemaIssue(e, raw, loc, issues);
  if (!isObj(raw)) throw new PolicyError(issues.sorted());

  const c = new Checker(loc, issues);
  const defaults = resolveDefaults(c, raw);
  const tables: TablePolicy[] = [];
  const seen = new Map<string, number>();
  if (Array.isArray(raw.tables)) {
    raw.tables.forEach((t, i) => {
      if (!isObj(t)) return;
      const tp = resolveTable(c, t, i, defaults, file);
      if (!tp) return;
      const key = qualifiedKey(tp.table);
      const first = seen.get(key);
      if (first !== undefined) {
        const at = loc.value(['tables', first, 'table']);
        c.issue(['tables', i, 'table'],
          `${formatTableName(tp.table)} is already listed at ${loc.describe(['tables', first])} (line ${at.line}); ` +
            'give each table one entry');
        return;
      }
      seen.set(key, i);
      tables.push(tp);
    });
  }
  const schedule = isObj(raw.schedule) ? resolveSchedule(raw.schedule, defaults.timezone, (p, m) => c.issue(p, m), checkZone) : null;
  if (issues.items.length) throw new PolicyError(issues.sorted());
  return { version: 1, file, hash, tables, ...(schedule ? { schedule } : {}), ...(convertedFrom ? { convertedFrom } : {}) };
}

function qualifiedKey(q: QualifiedName): string {
  return JSON.stringify([q.schema, q.name]);
}
