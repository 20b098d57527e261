import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { planFileProblem, readPlanFile, toPlanFile, writePlanFile } from '../../../src/workflow/planfile.js';
import { samplePlan, samplePolicyText } from './sample-plan.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/plan.schema.json', import.meta.url), 'utf8'));

describe('schemas/plan.schema.json', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const doc = JSON.parse(JSON.stringify(toPlanFile(samplePlan({ exclusive: true }), { file: 'gppart.yaml', text: samplePolicyText({ exclusive: true }) })));

  it('accepts a plan file built by the planner', () => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown fields, wrong kinds and missing hashes', () => {
    expect(validate({ ...doc, extra: 1 })).toBe(false);
    const badKind = structuredClone(doc);
    badKind.tables[0].steps[0].kind = 'truncate';
    expect(validate(badKind)).toBe(false);
    const { planHash: _h, ...noHash } = doc;
    expect(validate(noHash)).toBe(false);
  });

  it('readPlanFile refuses a misshapen file in one line naming the JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gppart-schema-'));
    const good = join(dir, 'good.json');
    writePlanFile(good, doc);
    expect(readPlanFile(good).doc.planHash).toBe(doc.planHash);
    const bad = structuredClone(doc);
    bad.tables[0].steps[1].call.args.push(42);
    bad.tables[0].steps[0].surprise = true;
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    expect(() => readPlanFile(file)).toThrow(/^.*bad\.json: not a valid gppart plan file: tables\[0\]\.steps\[\d\](\.call\.args\[\d+\])?: [^\n]+$/);
    expect(planFileProblem({ ...doc, summary: { ...doc.summary, drop: -1 } })).toBe('summary.drop: must be >= 0');
  });
});
