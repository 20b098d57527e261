// Policy validation against its own yardsticks: the YAML parser alone on the same text (validation
// is near-linear when the ratio stays flat from 3 KB to 1 MiB), and `node -e 0` for the CLI end
// to end (what a CI job pays per policy file).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parsePolicyText } from '../policy/load.js';
import { PACKAGE_ROOT } from '../version.js';
import { adjacentDayBands, realisticPolicy } from './policy-inputs.js';

function medianMs(n: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export function benchValidation(): void {
  out('\npolicy validation (median of 5; yardstick: the YAML parser alone on the same text)');
  const realistic = realisticPolicy(1024 * 1024);
  const cases: Array<[string, string]> = [
    ['60 adjacent one-day bands', adjacentDayBands(60)],
    ['15,000 one-day bands in 150 tables', adjacentDayBands(100, 150)],
    [`realistic, ${realistic.split('  - table:').length - 1} tables of 3 bands`, realistic],
  ];
  for (const [label, text] of cases) {
    const yaml = medianMs(5, () => parseAllDocuments(text, { uniqueKeys: false }));
    const validate = medianMs(5, () => parsePolicyText(text, 'bench.yaml'));
    const size = text.length >= 1024 * 1024 ? `${(text.length / 1024 / 1024).toFixed(2)} MiB` : `${(text.length / 1024).toFixed(0)} KiB`;
    out(`  ${label} (${size}): validate ${validate.toFixed(1)} ms, YAML alone ${yaml.toFixed(1)} ms, ratio ${(validate / yaml).toFixed(2)}`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'gppart-bench-policy-'));
  try {
    const sixty = join(dir, 'bands60.yaml');
    const twoMb = join(dir, 'bands36k.yaml');
    writeFileSync(sixty, adjacentDayBands(60));
    writeFileSync(twoMb, adjacentDayBands(36_000));
    const run = (args: string[]) => () => {
      spawnSync(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: 'ignore' });
    };
    const cli = join(PACKAGE_ROOT, 'bin', 'run.js');
    const node = medianMs(5, run(['-e', '0']));
    const v60 = medianMs(5, run([cli, 'validate', '-c', sixty]));
    const v2mb = medianMs(5, run([cli, 'validate', '-c', twoMb]));
    out(`  gppart validate end to end / node -e 0 (${node.toFixed(0)} ms): 60 bands ${(v60 / node).toFixed(2)}, ` +
      `2 MB policy of 36,000 bands (refused by size) ${(v2mb / node).toFixed(2)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
