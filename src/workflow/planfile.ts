// Plan files (`plan --out`, `apply PLANFILE`, `show`): the Plan document itself, plus the policy text
// it was computed from (so apply can re-plan without the original file) and a hash over both, so a
// file edited by hand is refused rather than applied.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Plan } from '../plan/model.js';
import { WorkflowError } from './planning.js';

export interface PlanFile extends Plan {
  planHash: string;
  policy: { file: string; text: string };
}

/** Stable JSON: keys sorted, so the same plan is the same bytes whatever built it. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

function hashOf(plan: Plan, policy: { file: string; text: string }): string {
  return createHash('sha256').update(canonicalJson({ plan, policyText: policy.text })).digest('hex');
}

function stripFileFields(doc: PlanFile): Plan {
  const { planHash: _h, policy: _p, ...plan } = doc;
  return plan;
}

export function toPlanFile(plan: Plan, policy: { file: string; text: string }): PlanFile {
  return { ...plan, planHash: hashOf(plan, policy), policy };
}

export function writePlanFile(path: string, doc: PlanFile): void {
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
}

export function readPlanFile(path: string): PlanFile {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WorkflowError(`${path}: cannot read the plan file: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let doc: PlanFile;
  try {
    doc = JSON.parse(raw) as PlanFile;
  } catch (err) {
    throw new WorkflowError(`${path}: not a gppart plan file: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || doc.formatVersion !== 1 || !Array.isArray(doc.tables) || typeof doc.planHash !== 'string' || !doc.policy) {
    throw new WorkflowError(`${path}: not a gppart plan file (format version 1 expected)`);
  }
  const expected = hashOf(stripFileFields(doc), doc.policy);
  if (expected !== doc.planHash) {
    throw new WorkflowError(`${path}: the plan file was modified after it was written (plan hash ${doc.planHash.slice(0, 12)}… does not match its content ${expected.slice(0, 12)}…); run gppart plan --out again`);
  }
  const policyHash = createHash('sha256').update(doc.policy.text).digest('hex');
  if (policyHash !== doc.policyHash) {
    throw new WorkflowError(`${path}: the embedded policy does not match the plan's policy hash`);
  }
  return doc;
}

export function planOf(doc: PlanFile): Plan {
  return stripFileFields(doc);
}
