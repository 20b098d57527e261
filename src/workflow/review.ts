// What a reviewer needs besides the plan, read from the database's journal: who and when, past
// throughput per kind of step (for duration estimates), and the last apply's policy (for the
// policy diff in the ticket). Read by the commands and passed to the renderers as data.
import { hostname, userInfo } from 'node:os';
import type { Session } from '../catalog/connection.js';
import { isInstalled, lastApply, pastThroughput } from '../catalog/state-store.js';
import type { ReviewContext } from '../plan/model.js';

/** user@host, as applies record their client. */
export function whoAmI(): string {
  return `${userInfo().username}@${hostname()}`;
}

/** `tables`: the plan's tables ("schema.table"): the last apply is the last one that changed any of them. */
export async function reviewContext(session: Session, tables: string[], clock: () => Date = () => new Date()): Promise<ReviewContext> {
  const base = { generatedAt: clock().toISOString().replace(/\.\d+Z$/, 'Z'), generatedBy: whoAmI() };
  if (!(await isInstalled(session.client))) return { ...base, throughput: {}, lastApply: null };
  return { ...base, throughput: await pastThroughput(session.client), lastApply: await lastApply(session.client, tables) };
}
