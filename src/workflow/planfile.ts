// Plan files (`plan --out`, `apply PLANFILE`, `show`): the Plan document itself, plus the policy text
// it was computed from (so apply can re-plan without the original file) and a hash over both, so a
// file edited by hand is refused rather than applied.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Plan } from '../plan/model.js';
import { canonicalJson } from '../plan/plan.js';
import { WorkflowError } from './planning.js';

export interface PlanFile extends Plan {
  planHash: string;
  policy: { file: string; text: string };
}

let compiled: ValidateFunction | null = null;
function planSchemaValidator(): ValidateFunction {
  if (!compiled) {
    // Read at run time: schemas/ sits two levels above both src/workflow and dist/workflow.
    const schema = JSON.parse(readFileSync(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8'));
    compiled = new Ajv({ allErrors: true, strict: true }).compile(schema);
  }
  return compiled;
}

/** "tables[0].steps[2].call.name" from ajv's "/tables/0/steps/2/call/name". */
function jsonPath(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `${out ? '.' : ''}${p}` : `[${JSON.stringify(p)}]`;
  return out || '(top level)';
}

function describeSchemaError(e: ErrorObject): string {
  const at = jsonPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'required':
      return `${at}: missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'enum':
      return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at}: ${e.message ?? 'is not valid'}`;
  }
}

/** Checks a parsed plan file's shape against schemas/plan.schema.json; returns the first problem, or null. */
export function planFileProblem(doc: unknown): string | null {
  const validate = planSchemaValidator();
  if (validate(doc)) return null;
  const errors = validate.errors ?? [];
  // anyOf reports every branch; the deepest path is the most useful single line.
  const best = [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
  return best ? describeSchemaError(best) : 'does not match the plan schema';
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
  const problem = planFileProblem(doc);
  if (problem) throw new WorkflowError(`${path}: not a valid gppart plan file: ${problem}`);
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
