// `npm run bench`: speed figures as ratios measured in one run against a throwaway server, so a
// shared, noisy machine slows both sides of each ratio alike. Never asserted in tests. Each module
// prints its own figures, one line each (./report.ts); add a module with one call below.
import { startEmbeddedServer } from '../util/embedded-server.js';
import { benchStartup } from './startup.js';
import { benchPlanning } from './planning.js';
import { benchReshaping } from './reshaping.js';
import { benchSplit } from './split.js';
import { benchArchive } from './archive.js';
import { benchGreenplum6 } from './greenplum6.js';
import { benchValidation } from './validation.js';

async function main(): Promise<void> {
  process.stdout.write(`gppart bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}; figures are ratios from this one run\n`);
  benchStartup();
  const server = await startEmbeddedServer();
  try {
    const url = await server.createDatabase('bench');
    process.stdout.write(`PostgreSQL (embedded) on 127.0.0.1:${server.port}\n`);
    await benchPlanning(url);
    await benchReshaping(url);
    await benchSplit(url);
    await benchArchive(url);
    benchValidation();
  } finally {
    await server.stop();
  }
  await benchGreenplum6();
}

main().catch((err: Error) => {
  process.stderr.write(`bench failed: ${err.message}\n`);
  process.exit(1);
});
