#!/usr/bin/env node
// Two commands are answered here without loading oclif (loading it costs more than either takes):
// `gppart --version`, the same line oclif prints (its config.userAgent), and `gppart validate`
// when its arguments are only the flags validate reads (src/cli/fast-validate.ts, bundled into
// dist/fast/validate.cjs by the build; it calls the same code as the oclif command). Everything
// else — --version on what might be WSL, which oclif names "wsl" after checks not repeated here,
// and any validate arguments fast-validate does not take — goes to oclif. GPPART_FAST_PATH=0 sends
// everything to oclif (the tests compare the two ways).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, release } from 'node:os';

function maybeWsl() {
  if (platform() !== 'linux') return false;
  if (release().toLowerCase().includes('microsoft')) return true;
  try {
    if (readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')) return true;
  } catch {
    // no /proc: not WSL
  }
  return existsSync('/proc/sys/fs/binfmt_misc/WSLInterop') || existsSync('/run/WSL');
}

const args = process.argv.slice(2);
const fast = process.env.GPPART_FAST_PATH !== '0';
if (fast && args[0] === '--version' && !maybeWsl()) {
  const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${name}/${version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`);
} else if (fast && args[0] === 'validate' && createRequire(import.meta.url)('../dist/fast/validate.cjs').runFastValidate(args.slice(1))) {
  // validated without oclif (src/cli/fast-validate.ts)
} else {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
