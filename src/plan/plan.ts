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
  return createHash('sha256').update(canonicalJson(plan)).digest('hex');
}

/** True when no table has a step to run (warnings and deferred counts do not count). */
export function isEmpty(plan: Plan): boolean {
  return plan.tables.every((t) => t.steps.length === 0);
}

/** JSON with object keys sorted at every level; refuses values JSON cannot carry faithfully. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

// Copies in plain loops (no entry arrays): a plan of a table with 100,000 partitions carries as
// many partition references, and each is copied once here.
function sortKeys(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new PlanError(`a plan cannot hold ${v}`);
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = sortKeys(v[i]);
    return out;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // No prototype: a key "__proto__" (JSON.parse makes one an own key) stays a key.
    const out: Record<string, unknown> = Object.create(null);
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortKeys(o[k]);
    return out;
  }
  return v;
}
