// Issue 12, target 4: `gppart --version` and `gppart validate` against `node -e 0`, wall and CPU,
// median of ten runs each (interleaved, so a busy moment hits all alike), and validate through
// oclif (GPPART_FAST_PATH=0) for reference; then what each piece costs to load on its own.
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

/** Loads `specifier` with require(), as bin/run.js loads the validate bundle, and exits. */
function requiring(specifier: string): string[] {
  return [process.execPath, '-e', `require(${JSON.stringify(specifier)})`];
}

/** A command line, or one with variables set. */
type Command = string[] | { argv: string[]; env: NodeJS.ProcessEnv };

function runs(commands: Record<string, Command>, n: number): Record<string, ProcessRun[]> {
  const out: Record<string, ProcessRun[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < n; i++) {
    for (const [name, command] of Object.entries(commands)) {
      const { argv, env } = Array.isArray(command) ? { argv: command, env: undefined } : command;
      const r = runProcess(argv, { env });
      if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
      out[name]!.push(r);
    }
  }
  return out;
}

export function benchStartup(): void {
  heading(`start-up (median of ${RUNS}; goal ≤ 2× node -e 0)`);
  const policy = join(PACKAGE_ROOT, 'examples', 'gppart.yaml');
  const r = runs(
    {
      node: [process.execPath, '-e', '0'],
      version: gppart('--version'),
      validate: gppart('validate', '-c', policy),
      viaOclif: { argv: gppart('validate', '-c', policy), env: { GPPART_FAST_PATH: '0' } },
    },
    RUNS,
  );
  const wall = (k: string) => median(r[k]!.map((x) => x.wallMs));
  const cpu = (k: string) => median(r[k]!.map((x) => x.cpuMs));
  figure('gppart --version, wall', { label: 'node -e 0', value: wall('node') }, wall('version'), { goal: 2 });
  figure('gppart --version, CPU', { label: 'node -e 0', value: cpu('node') }, cpu('version'), { goal: 2 });
  figure('gppart validate, wall', { label: 'node -e 0', value: wall('node') }, wall('validate'), { goal: 2 });
  figure('gppart validate, CPU', { label: 'node -e 0', value: cpu('node') }, cpu('validate'), { goal: 2 });
  note(
    `gppart validate through oclif (GPPART_FAST_PATH=0), for reference: ` +
      `wall ${wall('viaOclif').toFixed(1)} ms (${(wall('viaOclif') / wall('node')).toFixed(2)}×), CPU ${cpu('viaOclif').toFixed(1)} ms (${(cpu('viaOclif') / cpu('node')).toFixed(2)}×)`,
  );

  // What each piece costs to load by itself, CPU over loading nothing the same way, median of 5.
  // validate loads its bundle (dist/fast/validate.cjs: the policy loader and yaml) and the compiled
  // policy schema, both with require() (an ES import of a CommonJS file also scans its text for
  // exports, which would overstate them); --version loads nothing. oclif is loaded by every other
  // command, luxon by the planner (no longer by validation), pg, Ink and React by the commands
  // that need them.
  const required: Record<string, string[]> = {
    node: requiring('node:path'),
    'validate bundle': requiring(join(PACKAGE_ROOT, 'dist', 'fast', 'validate.cjs')),
    'compiled policy schema': requiring(join(PACKAGE_ROOT, 'dist', 'compiled-schemas', 'gppart.cjs')),
  };
  const imported: Record<string, string[]> = {
    node: loading('node:path'), // the same ESM entry as the pieces, loading nothing of note
    '@oclif/core': loading('@oclif/core'),
    yaml: loading('yaml'),
    luxon: loading('luxon'),
    'ajv (what compiling at start-up needed)': loading('ajv'),
    pg: loading('pg'),
    'ink + react': [process.execPath, '--input-type=module', '-e', `await import('ink'); await import('react')`],
  };
  const over = (pieces: Record<string, string[]>) => {
    const p = runs(pieces, 5);
    const base = median(p.node!.map((x) => x.cpuMs));
    return Object.keys(pieces)
      .filter((k) => k !== 'node')
      .map((k) => {
        const ms = Math.round(median(p[k]!.map((x) => x.cpuMs)) - base);
        return `${k} ${ms < 0 ? '' : '+'}${ms} ms`;
      })
      .join(', ');
  };
  note(`loading with require(), CPU over requiring nothing: ${over(required)}`);
  note(`loading with import, CPU over an empty ES module: ${over(imported)}`);
}
