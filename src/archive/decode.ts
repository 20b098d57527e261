// Archive object → COPY FROM STDIN input, for restore. Every byte read is hashed; the caller
// compares size and sha256 with the manifest before it commits.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { HashCounter } from './encode.js';
import { escapeText } from './pg-text.js';
import { parquetColumn, rawReadSchema } from './parquet.js';
import type { ArchiveManifest } from './manifest.js';

export interface ReadResult {
  bytes: number;
  sha256: string;
}

/** csv.gz: the object, un-gzipped, straight into COPY … FROM STDIN (csv, header). */
export async function csvGzIntoCopy(object: Readable, copyIn: Writable): Promise<ReadResult> {
  const counter = new HashCounter();
  await pipeline(object, counter, createGunzip(), copyIn);
  return { bytes: counter.bytes, sha256: counter.digest() };
}

/** parquet needs random access (footer first): the object is saved to `file`, hashed on the way. */
export async function downloadTo(object: Readable, file: string): Promise<ReadResult> {
  const counter = new HashCounter();
  await pipeline(object, counter, createWriteStream(file));
  return { bytes: counter.bytes, sha256: counter.digest() };
}

/**
 * A parquet file written by gppart → COPY text rows, one row group at a time (memory bounded by a
 * row group). Column order and types come from the manifest.
 */
export async function parquetIntoCopy(file: string, manifest: ArchiveManifest, copyIn: Writable): Promise<number> {
  const buffer = await asyncBufferFromFile(file);
  const metadata = await parquetMetadataAsync(buffer);
  const raw = { ...metadata, schema: rawReadSchema(metadata.schema) };
  const cols = manifest.columns.map((c) => parquetColumn({ name: c.name, type: c.type, typname: c.typname, notNull: c.notNull }));
  const names = cols.map((c) => c.name);
  const present = new Set(raw.schema.slice(1).map((e) => e.name));
  const missing = names.filter((n) => !present.has(n));
  if (missing.length) throw new Error(`the parquet file has no column ${missing.join(', ')}`);
  let rows = 0;
  let start = 0;
  for (const group of raw.row_groups) {
    const end = start + Number(group.num_rows);
    let chunk: unknown[][] = [];
    await parquetRead({
      file: buffer,
      metadata: raw,
      columns: names,
      rowStart: start,
      rowEnd: end,
      rowFormat: 'array',
      utf8: false,
      compressors: { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) },
      parsers: {
        timestampFromMicroseconds: (v: bigint) => v,
        timestampFromMilliseconds: (v: bigint) => v * 1000n,
        timestampFromNanoseconds: (v: bigint) => v / 1000n,
        dateFromDays: (d: number) => d,
        stringFromBytes: (b: Uint8Array) => (b === undefined || b === null ? b : Buffer.from(b).toString('utf8')),
      },
      onComplete: (r: unknown[][]) => {
        chunk = r;
      },
    });
    const lines: string[] = new Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) {
      const row = chunk[i]!;
      const fields: string[] = new Array(cols.length);
      for (let j = 0; j < cols.length; j++) {
        const v = row[j];
        fields[j] = v === null || v === undefined ? '\\N' : escapeText(cols[j]!.toText(v));
      }
      lines[i] = fields.join('\t');
    }
    rows += chunk.length;
    if (lines.length && !copyIn.write(lines.join('\n') + '\n')) await once(copyIn, 'drain');
    start = end;
  }
  copyIn.end();
  await once(copyIn, 'finish');
  return rows;
}
