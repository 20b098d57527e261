// A real S3 HTTP API on loopback for the tests: s3rver (npm), started by the test itself, with a
// bucket made for it, reached through the AWS SDK path-style as gppart reaches MinIO.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { s3ConfigFromEnv, s3ObjectStore } from '../../src/s3/s3-store.js';
import type { ObjectStore } from '../../src/s3/object-store.js';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The environment a gppart process needs to reach it. */
  env: Record<string, string>;
  store: ObjectStore;
  /** Stops the server (the data stays on disk); start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

export const S3_KEY = 'S3RVER';
export const S3_SECRET = 'S3RVER';

export async function startS3(bucket = 'archive'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'gppart-s3-'));
  let port = 0;
  let server: S3rver | null = null;
  const start = async () => {
    server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
    const addr = (await server.run()) as AddressInfo;
    port = addr.port;
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: S3_KEY, AWS_SECRET_ACCESS_KEY: S3_SECRET, AWS_REGION: 'us-east-1', GPPART_S3_MAX_ATTEMPTS: '1' };
  const store = s3ObjectStore(s3ConfigFromEnv(env));
  const stop = async () => {
    const s = server;
    server = null;
    if (s) await s.close();
  };
  return {
    endpoint,
    bucket,
    env,
    store,
    stop,
    start,
    async close() {
      store.close();
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
