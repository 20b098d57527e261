// Starts one real PostgreSQL server for the whole run and stops it at the end: the major that
// GPPART_TEST_PG_VERSION names (default 17, see pg-version.ts), checked against what the server
// reports.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/util/embedded-server.js';
import { embeddedPostgresFor, requestedMajor, type EmbeddedPostgresOfMajor } from './pg-version.js';

let server: EmbeddedServer | undefined;
let binaries: EmbeddedPostgresOfMajor | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The Greenplum 6 suite skips itself without a cluster; say so where everyone reads it.
  if (!process.env.GPPART_TEST_GREENPLUM6_URL) {
    process.stdout.write('Greenplum 6 suite (test/greenplum6): skipped; set GPPART_TEST_GREENPLUM6_URL to run it against a cluster\n');
  }
  const major = requestedMajor();
  binaries = await embeddedPostgresFor(major);
  server = await startEmbeddedServer(binaries.Postgres);
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  const version = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
  await client.end();
  if (Number(version.split('.')[0]) !== major) {
    await server.stop();
    throw new Error(`asked for PostgreSQL ${major} but the embedded server is ${version}`);
  }
  process.stdout.write(`gppart tests: PostgreSQL ${version} (embedded, port ${server.port})\n`);
  project.provide('pgUrl', server.url);
  project.provide('pgPassword', server.password);
  project.provide('pgMajor', major);
}

export async function teardown(): Promise<void> {
  await server?.stop();
  binaries?.dispose();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgPassword: string;
    pgMajor: number;
  }
}
