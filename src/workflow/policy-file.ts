// Reading the policy file: apart from planning.ts so that `gppart validate` loads the policy
// loader alone, not the planner, the catalog drivers and pg's types with it.
import { PolicyError, type Policy } from '../policy/types.js';
import { loadPolicyWithText } from '../policy/load.js';
import { printable } from '../util/printable.js';

export interface LoadedPolicy {
  policy: Policy;
  /** The file's text, embedded in plan files so `apply plan.json` can re-plan without it. */
  text: string;
}

/** The policy file `-c` names, or gppart.yaml in the current directory. */
export const DEFAULT_POLICY_FILE = 'gppart.yaml';

export function loadPolicyFile(file: string | undefined): LoadedPolicy {
  const path = file ?? DEFAULT_POLICY_FILE;
  try {
    return loadPolicyWithText(path);
  } catch (err) {
    // A missing default file usually means the policy is elsewhere: say how to name it.
    const only = err instanceof PolicyError && err.issues.length === 1 ? err.issues[0]! : null;
    if (file === undefined && only?.path === '(file)' && only.message === 'no such file') {
      throw new PolicyError([{ ...only, message: `no such file in ${printable(process.cwd())} (the default policy file; name another with -c FILE)` }]);
    }
    throw err;
  }
}
