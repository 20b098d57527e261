// COPY output → the bytes of one archive object, streamed with bounded memory, with the size and
// sha256 of exactly what was produced (the manifest records both; HEAD and restore check them).
import { createHash } from 'node:crypto';
import { PassThrough, Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGzip, gzipSync } from 'node:zlib';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { CopyTextRows } from './pg-text.js';
import { parquetSchema, type ParquetColumn } from './parquet.js';

export interface EncodedResult {
  bytes: number;
  sha256: string;
  /** Rows the encoder saw (parquet) or COPY reported (csv.gz). */
  rows: number;
}

export interface EncodedObject {
  /** The object's bytes; hand it to ObjectStore.putStream. */
  body: Readable;
  /** Settles when the body has ended (or failed). */
  result: Promise<EncodedResult>;
}

/** Counts and hashes the bytes that pass through. */
export class HashCounter extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/**
 * gzip level: 1 keeps the archive near COPY's own speed (the bench compares it with COPY into
 * /dev/null); higher levels save a little storage at several times the CPU.
 */
export const GZIP_LEVEL = 1;

// The source (a COPY stream) is piped, never destroyed: a COPY stopped half way must be cancelled
// on the server and drained by the caller, or the connection cannot roll back.

/** `copyOut` is COPY … TO STDOUT WITH (FORMAT csv, HEADER true); rows are what the COPY reports when done. */
export function encodeCsvGz(copyOut: Readable, copyRows: () => number): EncodedObject {
  const counter = new HashCounter();
  const gzip = createGzip({ level: GZIP_LEVEL, chunkSize: 256 * 1024 });
  const body = new PassThrough();
  const result = new Promise<EncodedResult>((resolve, reject) => {
    for (const s of [copyOut, gzip, counter, body]) s.once('error', reject);
    counter.once('finish', () => resolve({ bytes: counter.bytes, sha256: counter.digest(), rows: copyRows() }));
  });
  copyOut.pipe(gzip).pipe(counter).pipe(body);
  return { body, result };
}

/** Rows per row group, and the text bytes after which a group is cut early (wide rows). */
export const ROW_GROUP_ROWS = 100_000;
export const ROW_GROUP_TEXT_BYTES = 8 * 1024 * 1024;

/** `copyOut` is COPY … TO STDOUT in text format, columns in `columns` order. */
export function encodeParquet(copyOut: Readable, columns: ParquetColumn[], kv: Record<string, string>): EncodedObject {
  const counter = new HashCounter();
  const body = new PassThrough();
  counter.pipe(body);
  const result = writeParquet(copyOut, columns, kv, counter).then(
    () => ({ bytes: counter.bytes, sha256: counter.digest(), rows: rowsSeen }),
    (err: unknown) => {
      // The uploader reading `body` must fail too, so the multipart upload is abandoned.
      body.destroy(err as Error);
      throw err;
    },
  );
  let rowsSeen = 0;
  async function writeParquet(src: Readable, cols: ParquetColumn[], meta: Record<string, string>, out: HashCounter): Promise<void> {
    const writer = new StreamingByteWriter(out);
    const pw = new ParquetWriter({
      writer,
      schema: parquetSchema(cols),
      // GZIP through node's zlib (C++) at level 1: ~2.5× faster than hyparquet-writer's JavaScript
      // snappy and smaller; DuckDB, Spark, Arrow and PXF all read it.
      codec: 'GZIP',
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input, { level: GZIP_LEVEL })) },
      kvMetadata: Object.entries(meta).map(([key, value]) => ({ key, value })),
      createdBy: meta['gppart.version'] ? `gppart ${meta['gppart.version']}` : 'gppart',
    });
    const n = cols.length;
    let data: unknown[][] = cols.map(() => []);
    let rows = 0;
    let textBytes = 0;
    const flushGroup = async () => {
      if (!rows) return;
      await pw.write({ columnData: cols.map((c, i) => ({ name: c.name, data: data[i]! })) as never, rowGroupSize: rows });
      data = cols.map(() => []);
      rows = 0;
      textBytes = 0;
    };
    const parser = new CopyTextRows();
    let sourceError: Error | null = null;
    src.once('error', (err) => {
      sourceError = err;
      parser.destroy(err);
    });
    src.pipe(parser);
    for await (const batch of parser as AsyncIterable<Array<Array<string | null>>>) {
      for (const fields of batch) {
        if (fields.length !== n) throw new Error(`COPY row ${rowsSeen + 1} has ${fields.length} fields, expected ${n}`);
        for (let i = 0; i < n; i++) {
          const f = fields[i]!;
          if (f === null) {
            data[i]!.push(null);
          } else {
            textBytes += f.length;
            let v: unknown;
            try {
              v = cols[i]!.fromText(f);
            } catch (err) {
              throw new Error(`column ${cols[i]!.name}, row ${rowsSeen + 1}: ${(err as Error).message}`);
            }
            data[i]!.push(v);
          }
        }
        rows++;
        rowsSeen++;
        if (rows >= ROW_GROUP_ROWS || textBytes >= ROW_GROUP_TEXT_BYTES) await flushGroup();
      }
    }
    if (sourceError) throw sourceError;
    await flushGroup();
    await pw.finish();
    out.end();
  }
  return { body, result };
}

/** hyparquet-writer's ByteWriter, emptied into a stream after each row group, waiting while the stream is full. */
class StreamingByteWriter extends ByteWriter {
  constructor(private readonly out: Transform) {
    super(1 << 20);
  }
  flush(): Promise<void> | undefined {
    if (this.index === 0) return undefined;
    const chunk = Buffer.from(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
    if (this.out.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.out.off('error', onError);
        resolve();
      };
      const onError = (err: Error) => {
        this.out.off('drain', onDrain);
        reject(err);
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
    });
  }
  override finish(): void {
    void this.flush();
  }
}
