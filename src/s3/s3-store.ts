// ObjectStore over the S3 API (AWS S3, MinIO, s3rver). Credentials and region come from the AWS
// SDK's standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/config,
// instance roles); AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) points it at another server, which is
// then addressed path-style, as MinIO needs. No secret is ever put into a message.
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ObjectStoreError, type ObjectInfo, type ObjectStore, type ObjectUpload } from './object-store.js';

/** S3's floor for every part but the last. */
const MIN_PART_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Parts in flight at once: memory is about partSize × (queue + 1). */
const QUEUE = 2;

export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined);
  // The chain reads these from process.env itself; passing them keeps an explicit env (tests) honest.
  const keys = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
    ? { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) } }
    : {};
  return {
    ...keys,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(region ? { region } : {}),
    // Fail in seconds, not minutes, when the server is gone; the SDK retries transient errors itself.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    maxAttempts: Number(env.GPPART_S3_MAX_ATTEMPTS ?? 3),
  };
}

/** Part size for an object of about `expectedBytes`: the smallest that stays under S3's 10,000 parts, with room for 3× the estimate. */
export function partSizeFor(expectedBytes: number | undefined): number {
  const wanted = Math.ceil(((expectedBytes ?? 0) * 3) / MAX_PARTS);
  return Math.min(5 * 1024 ** 3, Math.max(MIN_PART_BYTES, wanted));
}

export function s3ObjectStore(config: S3ClientConfig = s3ConfigFromEnv()): ObjectStore {
  // gppart pins SDK releases that support Node 20 (package.json); the SDK's notice that later
  // releases will not is for developers, not for the DBA reading apply's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let client: S3Client;
  try {
    client = new S3Client(config);
  } catch (err) {
    throw new ObjectStoreError(`cannot set up the S3 client: ${describe(err)}`);
  }
  const where = (bucket: string, key?: string) => `s3://${bucket}/${key ?? ''}`;
  return {
    scheme: 's3',
    putStream(bucket, key, body, opts) {
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: opts.contentType },
        partSize: partSizeFor(opts.expectedBytes),
        queueSize: QUEUE,
        leavePartsOnError: false,
      });
      let aborted = false;
      const handle: ObjectUpload = {
        async done() {
          try {
            await upload.done();
          } catch (err) {
            throw new ObjectStoreError(`${where(bucket, key)}: upload failed: ${describe(err)}`);
          }
          const info = await headOrNull(client, bucket, key);
          return { size: info?.size ?? -1 };
        },
        async abort() {
          if (aborted) return;
          aborted = true;
          await upload.abort().catch(() => undefined);
        },
      };
      return handle;
    },
    async putBytes(bucket, key, body, contentType) {
      try {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      } catch (err) {
        throw new ObjectStoreError(`${where(bucket, key)}: write failed: ${describe(err)}`);
      }
    },
    async head(bucket, key) {
      try {
        return await headOrNull(client, bucket, key);
      } catch (err) {
        throw new ObjectStoreError(`${where(bucket, key)}: ${describe(err)}`);
      }
    },
    async getStream(bucket, key) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return r.Body as Readable;
      } catch (err) {
        throw new ObjectStoreError(`${where(bucket, key)}: read failed: ${describe(err)}`);
      }
    },
    async delete(bucket, key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        if (errorName(err) === 'NoSuchKey') return;
        throw new ObjectStoreError(`${where(bucket, key)}: delete failed: ${describe(err)}`);
      }
    },
    close() {
      client.destroy();
    },
  };
}

async function headOrNull(client: S3Client, bucket: string, key: string): Promise<ObjectInfo | null> {
  try {
    const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: Number(r.ContentLength ?? 0) };
  } catch (err) {
    const name = errorName(err);
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    // A HEAD has no body, so a missing bucket also comes back as a bare 404.
    if (name === 'NotFound' || name === 'NoSuchKey' || (status === 404 && name !== 'NoSuchBucket')) return null;
    throw err;
  }
}

function errorName(err: unknown): string {
  return (err as { name?: string; Code?: string }).Code ?? (err as { name?: string }).name ?? '';
}

/** One line a DBA can act on. SDK messages carry no secrets; the access key id is not secret either. */
function describe(err: unknown): string {
  const name = errorName(err);
  const code = (err as { code?: string }).code;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  switch (name) {
    case 'NoSuchBucket':
      return 'the bucket does not exist';
    case 'InvalidAccessKeyId':
      return 'the access key id is not known to the server (check AWS_ACCESS_KEY_ID / AWS_PROFILE)';
    case 'SignatureDoesNotMatch':
      return 'the secret key is wrong (the server rejected the request signature)';
    case 'AccessDenied':
    case 'Forbidden':
      return 'access denied by the server';
    case 'CredentialsProviderError':
      return 'no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)';
  }
  if (code === 'ECONNREFUSED' || name === 'ECONNREFUSED') return 'connection refused (is the S3 endpoint up? AWS_ENDPOINT_URL_S3)';
  if (code === 'ECONNRESET' || code === 'EPIPE' || name === 'TimeoutError' || code === 'ETIMEDOUT') return `the connection to the S3 endpoint was lost (${code ?? name})`;
  const msg = (err as Error).message ?? String(err);
  if (/region is missing/i.test(msg)) return 'no AWS region configured (set AWS_REGION)';
  const first = msg.split('\n')[0]!.slice(0, 300);
  return `${name && name !== 'Error' ? `${name}: ` : ''}${first}${status ? ` (HTTP ${status})` : ''}`;
}
