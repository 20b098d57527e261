// What every bench module shares: timing helpers and the one-line figure format, so every line of
// `npm run bench` reads the same way: what was measured, the floor, gppart, the ratio and the goal.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Milliseconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function heading(text: string): void {
  process.stdout.write(`\n${text}\n`);
}

export function note(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

export interface Measure {
  /** What the number is, e.g. "INSERT..SELECT" or "node -e 0". */
  label: string;
  value: number;
}

/** One figure: `  what: floor … | gppart … [| peer …] | ratio r (goal ≤ g)`; values in ms unless `unit` says otherwise. */
export function figure(what: string, floor: Measure, gppart: number, opts: { goal?: number; peer?: Measure; unit?: 'ms' | 's' | 'µs' | 'MB' | 'rows'; detail?: string } = {}): void {
  const unit = opts.unit ?? 'ms';
  const fmt = (v: number) =>
    unit === 's' ? `${(v / 1000).toFixed(2)} s` : unit === 'MB' ? `${v.toFixed(1)} MB` : unit === 'rows' ? v.toLocaleString('en-US') : `${v.toFixed(1)} ${unit}`;
  const ratio = gppart / floor.value;
  const parts = [`${floor.label} ${fmt(floor.value)}`, `gppart ${fmt(gppart)}`];
  if (opts.peer) parts.push(`${opts.peer.label} ${fmt(opts.peer.value)}`);
  const goal = opts.goal === undefined ? '' : ` (goal ≤ ${opts.goal}${ratio <= opts.goal ? '' : ', MISSED'})`;
  process.stdout.write(`  ${what}: ${parts.join(' | ')} | ratio ${ratio.toFixed(2)}${goal}${opts.detail ? `; ${opts.detail}` : ''}\n`);
}

/** The bench's SQL fixtures live in bench/*.sql, with {{name}} placeholders. */
export function fixture(file: string, vars: Record<string, string | number> = {}): string {
  let sql = readFileSync(join(PACKAGE_ROOT, 'bench', file), 'utf8');
  for (const [k, v] of Object.entries(vars)) sql = sql.replaceAll(`{{${k}}}`, String(v));
  return sql;
}

export interface ProcessRun {
  wallMs: number;
  /** User + system CPU of the process (and its children). */
  cpuMs: number;
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command as its own process and measures it with bash's `time` (wall, user and system
 * time of the child, to the millisecond), so the figure is the process's own, not this one's.
 */
export function runProcess(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ProcessRun {
  const dir = mkdtempSync(join(tmpdir(), 'gppart-bench-run-'));
  try {
    const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const script = `TIMEFORMAT='%3R %3U %3S'; { time ${quoted} >"$D/out" 2>"$D/err" ; } 2>"$D/times"; echo $? >"$D/status"`;
    spawnSync('bash', ['-c', script], { cwd: opts.cwd ?? PACKAGE_ROOT, env: { ...process.env, ...opts.env, D: dir }, stdio: 'ignore' });
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const [wall, user, sys] = read('times').trim().split(/\s+/).slice(-3).map(Number) as [number, number, number];
    return { wallMs: wall * 1000, cpuMs: (user + sys) * 1000, status: Number(read('status').trim()), stdout: read('out'), stderr: read('err') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
