// `npm run test:matrix [-- vitest filters…]`: the suite once per PostgreSQL major gppart claims
// (12 to 17, each an embedded server of that version, see test/support/pg-version.ts), one after
// the other, then one line per major and the total. GPPART_TEST_PG_MAJORS="12 17" picks majors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const majors = (process.env.GPPART_TEST_PG_MAJORS ?? '12 13 14 15 16 17').split(/\s+/).filter(Boolean);
const filters = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'gppart-matrix-'));
const results = [];

for (const major of majors) {
  const report = join(dir, `pg${major}.json`);
  process.stdout.write(`\n=== PostgreSQL ${major} ===\n`);
  const run = spawnSync('npx', ['vitest', 'run', ...filters, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
    stdio: 'inherit',
    env: { ...process.env, GPPART_TEST_PG_VERSION: major },
  });
  let r = {};
  try {
    r = JSON.parse(readFileSync(report, 'utf8'));
  } catch {
    // No report: the run failed before any test (e.g. the server did not start).
  }
  const passed = r.numPassedTests ?? 0;
  let failed = r.numFailedTests ?? 0;
  if (failed === 0 && run.status !== 0) failed = Math.max(1, r.numFailedTestSuites ?? 0);
  results.push({ major, passed, failed });
}
rmSync(dir, { recursive: true, force: true });

process.stdout.write('\n');
for (const { major, passed, failed } of results) process.stdout.write(`PostgreSQL ${major}: ${passed} passed, ${failed} failed\n`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
