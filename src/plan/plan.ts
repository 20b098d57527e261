// Policy + actual state of every table + now → one Plan. Pure: same input, byte-identical JSON.
import { createHash } from 'node:crypto';
import type { Policy } from '../policy/types.js';
import { planTable } from './diff.js';
import { SUMMARY_KINDS, type ActualTable, type PartitionNaming, type Plan, type ServerInfo, type StepKind } from './model.js';

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

export interface PlanInput {
  policy: Policy;
  /** Keyed "schema.table". Every table of the policy must be present. */
  actual: Map<string, ActualTable>;
  server: ServerInfo;
  now: string;
  toolVersion: string;
  /** How the server names new partitions (the dialect driver's); PostgreSQL's when absent. */
  naming?: PartitionNaming;
}

export function buildPlan(input: PlanInput): Plan {
  const tables = input.policy.tables.map((tp) => {
    const key = `${tp.table.schema}.${tp.table.name}`;
    const actual = input.actual.get(key);
    if (!actual) throw new PlanError(`${key}: no introspected state for this table; it cannot be planned`);
    return planTable(tp, actual, input.now, input.naming, input.server.dialect);
  });
  const summary = Object.fromEntries(SUMMARY_KINDS.map((k) => [k, 0])) as Record<StepKind, number>;
  for (const t of tables) for (const s of t.steps) summary[s.kind] = (summary[s.kind] ?? 0) + 1;
  return {
    formatVersion: 1,
    toolVersion: input.toolVersion,
    now: input.now,
    server: { ...input.server },
    policyHash: input.policy.hash,
    tables,
    summary,
  };
}

/** sha256 of the plan's canonical JSON (keys sorted), so a plan read back from a file hashes the same. */
export function planHash(plan: Plan): string {
  return canonicalSha256(plan);
}

/**
 * sha256 of canonicalJson(value), without that text or a sorted copy of the whole value in memory
 * at once: the outer objects and arrays are written piece by piece, each entry of the long lists
 * (a plan of a table with 100,000 partitions has several of those) whole, into the hash in chunks.
 */
export function canonicalSha256(value: unknown): string {
  const hash = createHash('sha256');
  let chunk = '';
  const write = (text: string): void => {
    chunk += text;
    if (chunk.length >= 1 << 16) {
      hash.update(chunk);
      chunk = '';
    }
  };
  if (!writeCanonical(value, 0, write, { raw: [], sorted: [] })) throw new PlanError('nothing to hash');
  hash.update(chunk);
  return hash.digest('hex');
}

/** Containers this close to the root are written piece by piece; anything deeper whole. */
const STREAMED_DEPTH = 5;

/** Writes v as canonicalJson would; false (writing nothing) where JSON leaves a value out. */
function writeCanonical(v: unknown, depth: number, write: (text: string) => void, order: KeyOrder): boolean {
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return false;
  if (depth >= STREAMED_DEPTH || v === null || typeof v !== 'object') {
    write(JSON.stringify(sortedCopy(v, order)));
    return true;
  }
  if (Array.isArray(v)) {
    write('[');
    for (let i = 0; i < v.length; i++) {
      if (i) write(',');
      if (!writeCanonical(v[i], depth + 1, write, order)) write('null');
    }
    write(']');
    return true;
  }
  const o = v as Record<string, unknown>;
  write('{');
  let first = true;
  for (const k of enumerationOrder(sortedKeys(o, order))) {
    const x = o[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    write(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
    first = false;
    writeCanonical(x, depth + 1, write, order);
  }
  write('}');
  return true;
}

/** True when no table has a step to run (warnings and deferred counts do not count). */
export function isEmpty(plan: Plan): boolean {
  return plan.tables.every((t) => t.steps.length === 0);
}

/** JSON with object keys sorted at every level; refuses values JSON cannot carry faithfully. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value, { raw: [], sorted: [] }));
}

/** The key order of the last object copied: a plan's entries come in long runs of one shape. */
interface KeyOrder {
  raw: string[];
  sorted: string[];
}

// Copies in plain loops (no entry arrays), into ordinary objects (they share hidden classes, which
// JSON.stringify reads fast), sorting each distinct run of key lists once: a plan of a table with
// 100,000 partitions carries several entries per partition, and each is copied once here.
function sortedCopy(v: unknown, order: KeyOrder): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new PlanError(`a plan cannot hold ${v}`);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = sortedCopy(v[i], order);
    return out;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of sortedKeys(o, order)) {
      const x = o[k];
      if (x === undefined) continue;
      // A key "__proto__" (JSON.parse makes one an own key) stays a key, not the prototype.
      if (k === '__proto__') Object.defineProperty(out, k, { value: sortedCopy(x, order), enumerable: true, writable: true, configurable: true });
      else out[k] = sortedCopy(x, order);
    }
    return out;
  }
  return v;
}

function sortedKeys(o: Record<string, unknown>, order: KeyOrder): string[] {
  const raw = Object.keys(o);
  if (raw.length === order.raw.length && raw.every((k, i) => k === order.raw[i])) return order.sorted;
  order.raw = raw;
  order.sorted = [...raw].sort();
  return order.sorted;
}

/**
 * Keys in the order an object built from them (in this order) enumerates them, which is the order
 * JSON.stringify writes its sorted copy in: array-index keys first, by number.
 */
function enumerationOrder(sorted: string[]): string[] {
  if (!sorted.some(isIndexKey)) return sorted;
  return [...sorted.filter(isIndexKey).sort((a, b) => Number(a) - Number(b)), ...sorted.filter((k) => !isIndexKey(k))];
}

function isIndexKey(k: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 4294967295;
}
