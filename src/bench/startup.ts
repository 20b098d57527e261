// Issue 12, target 4: `gppart --version` and `gppart validate` against `node -e 0`, wall and CPU,
// median of ten runs each (interleaved, so a busy moment hits all three alike); then what each
// library the commands may load costs to load on its own, over `node -e 0`.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';
import { figure, heading, median, note, runProcess, type ProcessRun } from './report.js';

const RUNS = 10;

function gppart(...args: string[]): string[] {
  return [process.execPath, join(PACKAGE_ROOT, 'bin', 'run.js'), ...args];
}

/** Loads `specifier` (from the package root) and exits. */
function loading(specifier: string): string[] {
  return [process.execPath, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`];
}

function runs(commands: Record<string, string[]>, n: number): Record<string, ProcessRun[]> {
  const out: Record<string, ProcessRun[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < n; i++) {
    for (const [name, argv] of Object.entries(commands)) {
      const r = runProcess(argv);
      if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
      out[name]!.push(r);
    }
  }
  return out;
}

export function benchStartup(): void {
  heading(`start-up (median of ${RUNS}; goal ≤ 2× node -e 0)`);
  const policy = join(PACKAGE_ROOT, 'examples', 'gppart.yaml');
  const r = runs({ node: [process.execPath, '-e', '0'], version: gppart('--version'), validate: gppart('validate', '-c', policy) }, RUNS);
  const wall = (k: string) => median(r[k]!.map((x) => x.wallMs));
  const cpu = (k: string) => median(r[k]!.map((x) => x.cpuMs));
  figure('gppart --version, wall', { label: 'node -e 0', value: wall('node') }, wall('version'), { goal: 2 });
  figure('gppart --version, CPU', { label: 'node -e 0', value: cpu('node') }, cpu('version'), { goal: 2 });
  figure('gppart validate, wall', { label: 'node -e 0', value: wall('node') }, wall('validate'), { goal: 2 });
  figure('gppart validate, CPU', { label: 'node -e 0', value: cpu('node') }, cpu('validate'), { goal: 2 });

  // What each piece costs to load by itself (CPU over an ES module that loads nothing, median of 5): the commands above
  // load oclif, yaml, luxon and the compiled policy schema; no longer pg, ajv, Ink or React.
  const pieces: Record<string, string[]> = {
    node: loading('node:path'), // the same ESM entry as the pieces, loading nothing of note
    '@oclif/core': loading('@oclif/core'),
    yaml: loading('yaml'),
    luxon: loading('luxon'),
    'compiled policy schema': loading(join(PACKAGE_ROOT, 'dist', 'compiled-schemas', 'gppart.cjs')),
    'ajv (what compiling at start-up needed)': loading('ajv'),
    pg: loading('pg'),
    'ink + react': [process.execPath, '--input-type=module', '-e', `await import('ink'); await import('react')`],
  };
  const p = runs(pieces, 5);
  const base = median(p.node!.map((x) => x.cpuMs));
  note(
    'loading, CPU over an empty ES module: ' +
      Object.keys(pieces)
        .filter((k) => k !== 'node')
        .map((k) => `${k} +${(median(p[k]!.map((x) => x.cpuMs)) - base).toFixed(0)} ms`)
        .join(', '),
  );
}
