// A second connection tells who a backend waits for, and can cancel its statement: on a real
// server, with a real lock held by another session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendPid, cancelBackend, lockHolders } from '../../src/catalog/lock-waits.js';
import { holderText, watchLocks, type LockWait } from '../../src/apply/lock-watch.js';
import { createTestDb, type TestDb } from '../support/db.js';

async function until<T>(what: string, probe: () => Promise<T | null>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('lock waits', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb('lock_waits');
    await db.client.query(`CREATE TABLE t (x int); INSERT INTO t VALUES (1)`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('names the session that holds what a backend waits for, reports the end of the wait, and cancels a statement', async () => {
    const holder = await db.connect();
    const waiter = await db.connect();
    const monitor = await db.connect();
    await holder.query(`SET application_name = 'holder app'`);
    const holderPid = await backendPid(holder);
    await holder.query(`BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE`);
    const waiterPid = await backendPid(waiter);
    expect(await lockHolders(monitor, waiterPid)).toEqual([]);

    const waits: Array<LockWait | null> = [];
    const watch = watchLocks(monitor, waiterPid, (w) => waits.push(w), 50);
    const blocked = waiter.query('SELECT count(*) FROM t').then(
      () => 'finished',
      (e: Error & { code?: string }) => e.code,
    );
    const seen = await until('the wait to be reported', async () => waits.find((w) => w !== null) ?? null);
    expect(seen.holders).toEqual([expect.objectContaining({ pid: holderPid, applicationName: 'holder app', state: 'idle in transaction', relation: 't', mode: 'AccessExclusiveLock' })]);
    expect(holderText(seen.holders[0]!)).toMatch(new RegExp(`^pid ${holderPid} \\(holder app, user \\S+, idle in transaction since [^,]+, AccessExclusiveLock on t: BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE\\)$`));

    await holder.query('COMMIT');
    expect(await blocked).toBe('finished');
    await until('the end of the wait to be reported', async () => (waits.at(-1) === null ? true : null));
    await watch.stop();

    // Cancel: the waiting statement fails with 57014 and its transaction can roll back.
    await holder.query(`BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE`);
    await waiter.query('BEGIN');
    const cancelled = waiter.query('SELECT count(*) FROM t').then(
      () => 'finished',
      (e: Error & { code?: string }) => e.code,
    );
    await until('the waiter to wait', async () => ((await lockHolders(monitor, waiterPid)).length ? true : null));
    expect(await cancelBackend(monitor, waiterPid)).toBe(true);
    expect(await cancelled).toBe('57014');
    await waiter.query('ROLLBACK');
    await holder.query('ROLLBACK');
  });
});
