// Validation of a policy document that is already plain data (from gppart.yaml, or converted
// from the original format): schema, value syntax, then the rules between values. Every problem
// becomes a PolicyIssue with the position a Locator gives for its path; all of them are
// collected before anything is thrown.

import type { ErrorObject } from 'ajv';
import { IANAZone } from 'luxon';
import type { QualifiedName } from '../plan/model.js';
import {
  type Parsed, didYouMean, firstDayNotEarlier, firstDayOverlapping, dayToIso, parseAge, parseEvery,
  parseOffset, parseStorage, parseTimeout, negate, applyOffset, findToday,
} from './periods.js';
import { missingTokens, parseNaming, type NamingPattern } from './naming.js';
import { formatTableName, parseTableName } from './table-name.js';
import { resolveSchedule } from './schedule.js';
import { schemaValidator } from '../util/schema-validator.js';
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

export function formatPath(path: Path): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

export class IssueList {
  readonly items: PolicyIssue[] = [];
  constructor(readonly file: string) {}
  add(at: LineCol, path: string, message: string): void {
    const exists = this.items.some(
      (i) => i.line === at.line && i.col === at.col && i.path === path && i.message === message,
    );
    if (!exists) this.items.push({ file: this.file, line: at.line, col: at.col, path, message });
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
  if (typeof v === 'string') return `"${v}"`;
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
      issues.add(loc.key(path, key), here([...path, key]), `unknown key "${key}"${expected}`);
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
  // UTC, the default, without asking Intl: its first use sets up time zone data (~15 ms of CPU).
  if (s === 'UTC' || IANAZone.isValidZone(s)) return { ok: true, value: s };
  return { ok: false, message: `"${s}" is not an IANA time zone; write e.g. UTC, Europe/Berlin or America/New_York` };
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
    tablespace: stringOrNull(c, d, 'tablespace', p, null),
    lock: lockOf(c, d.lock, [...p, 'lock'], { mode: 'shared', timeoutMs: 5000 }),
    maxSteps: Number.isInteger(d.max_steps_per_table) && (d.max_steps_per_table as number) >= 0
      ? (d.max_steps_per_table as number) : 0,
    defaultPartition: defaultPartitionOf(d.default_partition, { mode: 'keep', expiredRows: 'warn' }),
    naming: c.parse(d, 'naming', p, parseNaming),
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
  const tablespace = stringOrNull(c, t, 'tablespace', p, defaults.tablespace);
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
          c.issue([...bp, 'from'], `"${String(b.from)}" must be earlier than to "${String(b.to)}"${onSomeDays(from, to, bad)}`);
          pb.from = pb.to = undefined;
        }
      }
      // On a band, null is the same as leaving the key out: the planner falls back to the table's.
      const bandStorage = stringOrNull(c, b, 'storage', bp, storage, parseStorage) ?? storage;
      const bandTablespace = stringOrNull(c, b, 'tablespace', bp, tablespace) ?? tablespace;
      if (pb.from && pb.to && every) {
        pb.band = {
          from: pb.from, to: pb.to, every, tablespace: bandTablespace, storage: bandStorage,
          fromText: String(b.from), toText: String(b.to), everyText: String(b.every),
        };
      }
      bands.push(pb);
    });
  }

  // Overlaps: reported on the later band, naming the earlier one.
  for (let x = 0; x < bands.length; x++) {
    for (let y = 0; y < x; y++) {
      const a = bands[x]!, b = bands[y]!;
      if (!a.from || !a.to || !b.from || !b.to) continue;
      const day = firstDayOverlapping(a.from, a.to, b.from, b.to);
      if (day === null) continue;
      const raw = (t.layout as Obj[]);
      const other = `layout[${b.index}] (${String(raw[b.index]!.from)} .. ${String(raw[b.index]!.to)})`;
      c.issue([...p, 'layout', a.index],
        `overlaps ${other}; bands must not overlap: let one end where the other starts`);
    }
  }

  let archive: ArchivePolicy | null = null;
  let archiveAfter: RelativeOffset | undefined;
  if (isObj(t.archive)) {
    const ap: Path = [...p, 'archive'];
    archiveAfter = c.parse(t.archive, 'after', ap, parseAge);
    const s3 = t.archive.s3;
    if (archiveAfter && isObj(s3) && typeof s3.server === 'string' && s3.server && typeof s3.bucket === 'string' && s3.bucket) {
      const format = s3.format === 'csv' || s3.format === 'text' || s3.format === 'parquet' ? s3.format : 'parquet';
      archive = {
        after: archiveAfter, afterText: String(t.archive.after),
        s3: { server: s3.server, bucket: s3.bucket, format, ...(typeof s3.prefix === 'string' ? { prefix: s3.prefix } : {}) },
      };
    }
  }

  let retention: TablePolicy['retention'] = null;
  if (isObj(t.retention)) {
    const rp: Path = [...p, 'retention'];
    const dropAfter = c.parse(t.retention, 'drop_after', rp, parseAge);
    if (dropAfter) {
      const dropText = String(t.retention.drop_after);
      let fine = true;
      if (archiveAfter && firstDayNotEarlier(negate(dropAfter), negate(archiveAfter)) !== null) {
        c.issue([...rp, 'drop_after'],
          `"${dropText}" must be longer than archive.after "${String((t.archive as Obj).after)}": ` +
            'partitions are archived first and dropped later');
        fine = false;
      }
      for (const b of bands) {
        if (!b.from) continue;
        const dropPoint = negate(dropAfter);
        const day = findToday((today) => applyOffset(today, dropPoint) > applyOffset(today, b.from!));
        if (day === null) continue;
        const sometimesFine = findToday((today) => applyOffset(today, dropPoint) <= applyOffset(today, b.from!)) !== null;
        const bandFrom = String((t.layout as Obj[])[b.index]!.from);
        c.issue([...rp, 'drop_after'],
          `"${dropText}" cuts into layout[${b.index}], which reaches back to ${bandFrom}` +
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

/** " on some dates (e.g. when today is ...)" when `a` < `b` fails only for some values of today. */
function onSomeDays(a: RelativeOffset, b: RelativeOffset, day: number): string {
  const sometimesFine = findToday((t) => applyOffset(t, a) < applyOffset(t, b)) !== null;
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
