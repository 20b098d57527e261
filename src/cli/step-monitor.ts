// What apply does around the executor while steps run: from a second connection it watches the
// running step's locks (and reports who holds what it waits for), and on SIGINT/SIGTERM it aborts
// the apply and cancels the running step's statement until the step is over (a cancel that lands
// between two statements of the step is lost, so it is repeated); a second signal exits at once,
// and the server rolls the step back when the connection closes.
import type pg from 'pg';
import type { ApplyListener, StepEvent } from '../apply/executor.js';
import { watchLocks, type LockWait, type LockWatch } from '../apply/lock-watch.js';
import { cancelBackend } from '../catalog/lock-waits.js';
import type { ApplyReporter } from './apply-reporters.js';

export interface StepMonitor {
  /** The reporter's listener, with the watching and cancelling wired in: give it to the executor. */
  listener: ApplyListener;
  /** Aborted on SIGINT/SIGTERM; its reason is the signal's name. */
  signal: AbortSignal;
  /** Stops watching and restores the default signal handling. */
  dispose(): Promise<void>;
}

export function monitorSteps(monitor: pg.ClientBase, stepPid: number, reporter: ApplyReporter): StepMonitor {
  const interrupt = new AbortController();
  let applyId: number | null = null;
  let running: StepEvent | null = null;
  let watch: LockWatch | null = null;
  let lastWait: LockWait | null = null;
  let cancelling: NodeJS.Timeout | null = null;

  const stepOver = async () => {
    running = null;
    lastWait = null;
    if (cancelling) clearInterval(cancelling);
    cancelling = null;
    const w = watch;
    watch = null;
    await w?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting at once; the server rolls back the running step.\n`);
      process.exit(130);
    }
    interrupt.abort(signal);
    reporter.interrupting(signal, applyId, running);
    const cancel = () => void cancelBackend(monitor, stepPid).catch(() => undefined);
    if (running) {
      cancel();
      cancelling = setInterval(cancel, 500);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const r = reporter.listener;
  return {
    signal: interrupt.signal,
    listener: {
      ...r,
      onStart: (id, total) => {
        applyId = id;
        r.onStart?.(id, total);
      },
      onStepStart: (e) => {
        running = e;
        r.onStepStart?.(e);
        watch = watchLocks(monitor, stepPid, (w) => {
          if (running) reporter.lockWait(running, w, lastWait);
          lastWait = w;
        });
      },
      onStepDone: (e) => {
        void stepOver();
        r.onStepDone?.(e);
      },
      onStepFailed: (e) => {
        void stepOver();
        r.onStepFailed?.(e);
      },
      onStepInterrupted: (e) => {
        void stepOver();
        r.onStepInterrupted?.(e);
      },
    },
    async dispose() {
      await stepOver();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
