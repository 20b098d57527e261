// The one interface archive and restore use to talk to object storage. S3 (and anything that
// speaks its API: MinIO, s3rver) is src/s3/s3-store.ts; another store (GCS, Azure Blob) would be
// one more implementation of this interface, and nothing else would change.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  size: number;
}

/** A multipart (or otherwise resumable) write in progress. */
export interface ObjectUpload {
  /** Resolves when the object is complete and visible; rejects (and has cleaned up its parts) on failure. */
  done(): Promise<{ size: number }>;
  /** Stops the upload and removes every part already sent; safe to call at any time, more than once. */
  abort(): Promise<void>;
}

export interface ObjectStore {
  /** e.g. "s3", for messages. */
  readonly scheme: string;
  /**
   * Streams `body` into `bucket/key`, replacing any object there only when complete. Memory stays
   * bounded by the store's part size × queue, whatever the stream's length.
   */
  putStream(bucket: string, key: string, body: Readable, opts: { contentType: string; expectedBytes?: number }): ObjectUpload;
  /** Small objects written at once (manifests). */
  putBytes(bucket: string, key: string, body: Buffer, contentType: string): Promise<void>;
  /** null when there is no such object. */
  head(bucket: string, key: string): Promise<ObjectInfo | null>;
  getStream(bucket: string, key: string): Promise<Readable>;
  /** Removes the object; no error when it is already gone. */
  delete(bucket: string, key: string): Promise<void>;
  close(): void;
}

/** An object-store failure, already worded for a DBA and free of secrets. */
export class ObjectStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectStoreError';
  }
}
