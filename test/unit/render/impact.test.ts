// Per step, in plain words: who waits for its locks and for roughly how long; and what it does to
// rows (moved is not deleted).
import { describe, expect, it } from 'vitest';
import { stepImpact } from '../../../src/render/impact.js';
import { stepVolume } from '../../../src/render/text.js';
import { volumeOf, volumeText } from '../../../src/render/volume.js';
import type { Plan } from '../../../src/plan/model.js';
import { samplePlan } from './sample-plan.js';

const plan: Plan = samplePlan();
const t = plan.tables[0]!;
const step = (kind: string) => t.steps.find((s) => s.kind === kind)!;

describe('lock impact', () => {
  it('PostgreSQL, shared: a merge makes writers wait for the whole step and readers only for the swap', () => {
    const i = stepImpact(step('merge'), t, 'postgres');
    expect(i.waits).toBe('writers to the whole table wait for the whole step; readers go on while rows are copied and wait only for the swap at the end');
    expect(i.estimate).toBeNull();
  });

  it('Greenplum 6, shared: readers are blocked for nearly the whole step', () => {
    expect(stepImpact(step('split'), t, 'greenplum6').waits).toMatch(/readers wait too from its first ALTER to the end, which is nearly all of it/);
  });

  it('a drop makes writers wait while it counts, then everyone for a moment', () => {
    expect(stepImpact(step('drop'), t, 'postgres').waits).toBe("writers to the whole table wait while orders_p2020's rows are counted; then everyone waits a moment for the drop");
  });

  it('exclusive mode: everyone, for the whole step', () => {
    const x = samplePlan({ exclusive: true }).tables[0]!;
    expect(stepImpact(x.steps[1]!, x, 'postgres').waits).toMatch(/^everyone waits for the whole step/);
  });

  it("estimates the duration from the journal's past rows per second of the same kind", () => {
    const merge = step('merge');
    const i = stepImpact(merge, t, 'postgres', { merge: { rowsPerSecond: 3, steps: 4 }, drop: { rowsPerSecond: 1000, steps: 1 } });
    expect(i.seconds).toBeCloseTo(merge.estimatedRows / 3);
    expect(i.estimate).toMatch(new RegExp(`^about .* \\(~${merge.estimatedRows} rows at ~3 rows/s, the rate of 4 past merge step\\(s\\) on this database\\)$`));
    expect(stepImpact(step('split'), t, 'postgres', { merge: { rowsPerSecond: 3, steps: 4 } }).estimate).toBeNull();
  });
});

describe('rows moved and rows deleted', () => {
  it('a drop deletes rows; a merge moves them', () => {
    expect(stepVolume(step('drop'))).toBe('deletes ~3 rows, ~300 B');
    expect(stepVolume(step('merge'))).toMatch(/^moves ~9 rows/);
  });

  it('a purge deletes rows; a detach keeps them out of the table, as a table; neither is a move', () => {
    const drop = step('drop');
    expect(stepVolume({ ...drop, kind: 'purge' })).toBe('deletes ~3 rows, ~300 B');
    expect(stepVolume({ ...drop, kind: 'detach' })).toBe('detaches ~3 rows, ~300 B');
    expect(volumeOf([{ kind: 'purge', rows: 4 }, { kind: 'detach', rows: 5 }, { kind: 'split', rows: 6 }])).toEqual({ moved: 6, deleted: 4, archived: 0, detached: 5 });
    expect(stepImpact({ ...drop, kind: 'purge' }, t, 'postgres').waits).toBe(
      'writers to the DEFAULT partition orders_p2020 wait while its expired rows are deleted; readers, and writers to every other partition, go on',
    );
  });

  it('are summed apart', () => {
    const v = volumeOf(t.steps.map((s) => ({ kind: s.kind, rows: s.estimatedRows })));
    expect(v.deleted).toBe(3);
    expect(v.moved).toBe(t.steps.filter((s) => s.kind !== 'drop').reduce((n, s) => n + s.estimatedRows, 0));
    expect(volumeText({ moved: 1200, deleted: 300, archived: 0, detached: 0 })).toBe('1,200 rows moved, 300 deleted');
    expect(volumeText({ moved: 0, deleted: 5, archived: 0, detached: 7 })).toBe('0 rows moved, 5 deleted, 7 detached (kept as tables)');
  });
});
