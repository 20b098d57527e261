// apply --format json: each event is one line that validates against schemas/apply-events.schema.json
// and gives every value back exactly, with nothing in the line a terminal or log viewer acts on.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { eventLine, planEvent } from '../../../src/render/events.js';
import { samplePlan } from './sample-plan.js';

const schema = JSON.parse(readFileSync(new URL('../../../schemas/apply-events.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const clock = () => new Date('2026-11-25T10:00:00Z');

describe('apply events', () => {
  it('the plan event lists every step, and validates', () => {
    const line = eventLine(planEvent(samplePlan(), 'ab'.repeat(32)), clock);
    const e = JSON.parse(line);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(e).toMatchObject({ event: 'plan', time: '2026-11-25T10:00:00.000Z', summary: 'Plan: 1 to split, 1 to merge, 0 to move, 0 to unload, 1 to drop.' });
    expect(e.steps.map((s: { index: number; kind: string }) => [s.index, s.kind])).toEqual([
      [1, 'drop'],
      [2, 'split'],
      [3, 'merge'],
    ]);
  });

  it('step events validate; a value with line breaks and bidi characters stays one line and comes back exact', () => {
    const error = 'relation "a\nb\u202ec\u2028d" does not exist';
    const line = eventLine({ event: 'step_failed', applyId: 3, index: 2, total: 5, table: 'sales.orders', kind: 'merge', ms: 12.5, error, sqlstate: '42P01' }, clock);
    expect(line).not.toMatch(/[\n\u202e\u2028]/);
    const e = JSON.parse(line);
    expect(validate(e), JSON.stringify(validate.errors)).toBe(true);
    expect(e.error).toBe(error);
    const done = JSON.parse(eventLine({ event: 'step_done', applyId: 3, index: 1, total: 5, table: 't', kind: 'drop', rows: 10, effect: 'deleted', ms: 1 }, clock));
    expect(validate(done)).toBe(true);
    expect(validate({ ...done, effect: 'removed' })).toBe(false);
  });
});
