#!/usr/bin/env node
// Two commands are answered here without loading oclif (loading it costs more than either takes):
// `gppart --version`, the same line oclif prints (its config.userAgent), and `gppart validate`
// when its arguments are only the flags validate reads (src/cli/fast-validate.ts, bundled into
// dist/fast/validate.cjs by the build; it calls the same code as the oclif command). Everything
// else — --version on what might be WSL, which oclif names "wsl" after checks not repeated here,
// and any validate arguments fast-validate does not take — goes to oclif. GPPART_FAST_PATH=0 sends
// everything to oclif (the tests compare the two ways).
// CommonJS (bin/package.json): an ES module entry costs ~5 ms more to start than these paths take.
const { existsSync, readFileSync } = require('node:fs');
const { arch, platform, release } = require('node:os');
const { join } = require('node:path');

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
// Written by `npm run build`; a build by tsc alone has none, and oclif runs validate instead.
const bundle = join(__dirname, '..', 'dist', 'fast', 'validate.cjs');
const fast = process.env.GPPART_FAST_PATH !== '0';
if (fast && args[0] === '--version' && !maybeWsl()) {
  const { name, version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`${name}/${version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`);
} else if (fast && args[0] === 'validate' && existsSync(bundle) && require(bundle).runFastValidate(args.slice(1))) {
  // validated without oclif (src/cli/fast-validate.ts)
} else {
  // The package root, not this directory: oclif takes the first package.json it finds from here
  // up, and bin/package.json only makes this file CommonJS.
  import('@oclif/core').then(({ execute }) => execute({ dir: join(__dirname, '..') }));
}
