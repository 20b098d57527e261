#!/usr/bin/env node
// `gppart --version` is answered here, before oclif is loaded (loading it is most of the time the
// answer would take): the same line oclif prints, its config.userAgent. Everything else — and
// --version on what might be WSL, which oclif names "wsl" after checks not repeated here — goes
// to oclif.
import { existsSync, readFileSync } from 'node:fs';
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

if (process.argv[2] === '--version' && !maybeWsl()) {
  const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${name}/${version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`);
} else {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
