// Mounting the Ink views on the real terminal. The plan is rendered once to a string (it is static
// and may be taller than the screen, which Ink's live redraw handles by clearing the screen);
// the apply view is live and re-rendered on every executor event.
import { render, renderToString } from 'ink';
import type { Plan } from '../../plan/model.js';
import { PlanView } from './PlanView.js';
import type { Throughput } from '../impact.js';
import { ApplyView, initialApplyState, type ApplyViewState } from './ApplyView.js';

export function planToTerminalString(plan: Plan, opts: { throughput?: Throughput; columns?: number } = {}): string {
  const columns = opts.columns ?? (process.stdout.columns || 100);
  return renderToString(<PlanView plan={plan} throughput={opts.throughput} columns={columns} />, { columns });
}

export interface LiveApplyView {
  update(change: (s: ApplyViewState) => ApplyViewState): void;
  /** Renders the last frame and releases the terminal. */
  close(): Promise<void>;
}

export function mountApplyView(plan: Plan): LiveApplyView {
  let state = initialApplyState(plan);
  const columns = () => process.stdout.columns || 100;
  const instance = render(<ApplyView state={state} columns={columns()} />, { exitOnCtrlC: false, patchConsole: false });
  return {
    update(change) {
      state = change(state);
      instance.rerender(<ApplyView state={state} columns={columns()} />);
    },
    async close() {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
