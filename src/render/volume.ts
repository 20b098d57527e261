// What a step does to rows, in the words every renderer uses: rows a split, merge or move
// rewrites are moved (they stay in the table); rows a drop or purge removes are deleted; rows an
// unload writes to S3 leave the database; a detached partition's rows leave the table but stay,
// as a table of their own. These are different numbers and are never added together.
import type { StepKind } from '../plan/model.js';
import { formatCount } from './numbers.js';

export type RowEffect = 'moved' | 'deleted' | 'archived' | 'detached';

const EFFECT: Record<StepKind, RowEffect> = {
  split: 'moved',
  merge: 'moved',
  move: 'moved',
  unload: 'archived',
  drop: 'deleted',
  purge: 'deleted',
  detach: 'detached',
};

/** What a step of this kind does to its rows (a kind read back from the journal may be any text). */
export function rowEffect(kind: string): RowEffect {
  return EFFECT[kind as StepKind] ?? 'moved';
}

export type RowVolume = Record<RowEffect, number>;

export function emptyVolume(): RowVolume {
  return { moved: 0, deleted: 0, archived: 0, detached: 0 };
}

/** Sums rows per effect over steps (or journal rows) of any kind. */
export function volumeOf(items: Iterable<{ kind: string; rows: number }>): RowVolume {
  const v = emptyVolume();
  for (const i of items) v[rowEffect(i.kind)] += i.rows;
  return v;
}

/** "1,200 rows moved, 300 deleted" (archived and detached only when there were any). */
export function volumeText(v: RowVolume, approx = false): string {
  const n = (x: number) => `${approx ? '~' : ''}${formatCount(x)}`;
  const parts = [`${n(v.moved)} rows moved`, `${n(v.deleted)} deleted`];
  if (v.archived) parts.push(`${n(v.archived)} archived to S3`);
  if (v.detached) parts.push(`${n(v.detached)} detached (kept as tables)`);
  return parts.join(', ');
}

/** The verb of a step's volume line: "moves", "deletes", "archives". */
export function effectVerb(kind: string): string {
  return { moved: 'moves', deleted: 'deletes', archived: 'archives', detached: 'detaches' }[rowEffect(kind)];
}
