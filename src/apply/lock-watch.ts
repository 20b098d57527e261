// While a step runs, a second connection asks every second (one small catalog query) whether the
// step's backend waits for a lock and who holds it, and reports changes: "waiting since … for
// pid 4242 (psql, …)", then "no longer waiting". It never touches the step's own connection.
import type pg from 'pg';
import { lockHolders, type LockHolder } from '../catalog/lock-waits.js';
import { printable } from '../util/printable.js';

export interface LockWait {
  /** Epoch ms when the wait was first seen. */
  since: number;
  holders: LockHolder[];
}

export interface LockWatch {
  /** Stops polling and waits for a query in flight. */
  stop(): Promise<void>;
}

/** "pid 4242 (psql, user bob, idle in transaction since 2026-11-25 10:31:07+00, AccessShareLock on sales.orders: SELECT …)". */
export function holderText(h: LockHolder): string {
  const what = [
    h.applicationName || null,
    `user ${h.user}`,
    h.state ? `${h.state}${h.xactStart ? ` since ${h.xactStart.replace(/\.\d+(?=[+-]\d\d)/, '')}` : ''}` : null,
    `${h.mode}${h.relation ? ` on ${h.relation}` : ''}`,
  ].filter(Boolean);
  const q = h.query ? `: ${h.query.replace(/\s+/g, ' ').trim()}` : '';
  return printable(`pid ${h.pid} (${what.join(', ')}${q})`);
}

export function holdersText(holders: LockHolder[]): string {
  return holders.map(holderText).join('; ');
}

/**
 * Polls `pid`'s lock waits on `monitor` every `intervalMs` until stopped; calls `onChange` when a
 * wait begins, when the holders change, and with null when it ends. A failing poll is ignored:
 * the report is a courtesy, never a reason to disturb the step.
 */
export function watchLocks(
  monitor: pg.ClientBase,
  pid: number,
  onChange: (wait: LockWait | null) => void,
  intervalMs = 1000,
  clock: () => number = Date.now,
): LockWatch {
  let stopped = false;
  let current: LockWait | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  const poll = async () => {
    const holders = await lockHolders(monitor, pid).catch(() => null);
    if (stopped || holders === null) return;
    const key = (hs: LockHolder[]) => hs.map((h) => `${h.pid}:${h.mode}`).join(',');
    if (!holders.length) {
      if (current) {
        current = null;
        onChange(null);
      }
      return;
    }
    if (!current || key(current.holders) !== key(holders)) {
      current = { since: current?.since ?? clock(), holders };
      onChange(current);
    }
  };
  const timer = setInterval(() => {
    inFlight = inFlight.then(poll);
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
