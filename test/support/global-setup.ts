// Starts one real PostgreSQL server for the whole run and stops it at the end.
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/util/embedded-server.js';

let server: EmbeddedServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The Greenplum 6 suite skips itself without a cluster; say so where everyone reads it.
  if (!process.env.GPPART_TEST_GREENPLUM6_URL) {
    process.stdout.write('Greenplum 6 suite (test/greenplum6): skipped; set GPPART_TEST_GREENPLUM6_URL to run it against a cluster\n');
  }
  server = await startEmbeddedServer();
  project.provide('pgUrl', server.url);
  project.provide('pgPassword', server.password);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgPassword: string;
  }
}
