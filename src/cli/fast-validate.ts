// `gppart validate` without oclif: loading oclif costs more than validating a policy (issue 12,
// start-up). bin/run.js calls runFastValidate for `validate` and its arguments; it runs the command
// only when they are exactly what the oclif command would read the same way — the flags -c/--config
// and --format, each at most once, with plain values — and otherwise returns false, so oclif
// handles everything else (--help, unknown flags, arguments, repeated flags, values that look like
// flags, debugging variables) exactly as before. `npm run build` bundles this module with what it
// imports into dist/fast/validate.cjs (scripts/postbuild.mjs), one file to load instead of ~20
// modules and their libraries.
import { parseArgs } from 'node:util';
import { reportError } from './errors.js';
import { VALIDATE_FORMATS, runValidate, type ValidateFlags } from './validate-command.js';

/** Spellings accepted here; oclif also reads -cFILE and -c=FILE (and tells them apart), so those go to it. */
const SPELLINGS = new Set(['-c', '--config', '--format']);

/** Variables that change what oclif prints: its debug output, GPPART_DEBUG's warnings and stack traces. */
function debugging(env: NodeJS.ProcessEnv): boolean {
  return !!env.DEBUG || !!env.GPPART_DEBUG || !!env.CLI_FLAGS_DEBUG;
}

/** The flags of `gppart validate ARGS` as the oclif command would parse them, or undefined when oclif must handle ARGS. */
export function fastValidateFlags(args: string[], env: NodeJS.ProcessEnv = process.env): ValidateFlags | undefined {
  if (debugging(env)) return undefined;
  let tokens;
  try {
    ({ tokens } = parseArgs({
      args,
      options: { config: { type: 'string', short: 'c' }, format: { type: 'string' } },
      strict: true,
      allowPositionals: false,
      tokens: true,
    }));
  } catch {
    return undefined;
  }
  const flags: { config?: string; format?: string } = {};
  for (const t of tokens) {
    if (t.kind !== 'option' || !SPELLINGS.has(t.rawName) || (t.rawName === '-c' && t.inlineValue)) return undefined;
    const name = t.name as 'config' | 'format';
    // oclif refuses a repeated flag, and reads a value naming one of its flags as a missing value.
    if (flags[name] !== undefined || !t.value || t.value.startsWith('-')) return undefined;
    flags[name] = t.value;
  }
  const format = flags.format ?? 'text';
  if (!(VALIDATE_FORMATS as readonly string[]).includes(format)) return undefined;
  return { config: flags.config, format: format as ValidateFlags['format'] };
}

/** Runs `gppart validate ARGS` and returns true, or returns false (having done nothing) for oclif to run it. */
export function runFastValidate(args: string[]): boolean {
  const flags = fastValidateFlags(args);
  if (!flags) return false;
  // As oclif does: output cut short by a closed pipe (| head) is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  try {
    runValidate(flags);
  } catch (err) {
    reportError(err as Error);
    process.exitCode = 1;
  }
  return true;
}
