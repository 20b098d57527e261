// The unload step on the client path, inside the step's transaction:
//   lock (SHARE on the partition before the first row is read) → count → COPY … TO STDOUT →
//   encoder → multipart upload → HEAD (size) and rows streamed = count → _manifest.json last →
//   gppart.unload_finish (counts again, records the archive, drops the partition).
// Nothing is removed from the database unless all of that succeeded, and the executor commits
// only then. On any failure before COMMIT the upload is aborted and this attempt's objects are
// removed, so no manifest ever points at partial data and the next apply starts from scratch.
import type { Readable } from 'node:stream';
import pgCopy from 'pg-copy-streams';
import {
  archiveColumns,
  COPY_SETTINGS_SQL,
  copyOutSql,
  countRows,
  relationBytes,
  unloadFinishSql,
  unloadLockSql,
} from '../catalog/archive.js';
import { cancelRunningStatement } from '../catalog/connection.js';
import { runCall } from '../catalog/state-store.js';
import { encodeCsvGz, encodeParquet, type EncodedObject } from '../archive/encode.js';
import { manifestColumns, type ArchiveManifest } from '../archive/manifest.js';
import { parquetColumn } from '../archive/parquet.js';
import { s3Url } from '../plan/archive-layout.js';
import type { ArchiveTarget, PartitionRef } from '../plan/model.js';
import type { ObjectUpload } from '../s3/object-store.js';
import type { StepContext, StepRunner } from './step-runner.js';

export class UnloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnloadError';
  }
}

function partitionOf(ctx: StepContext): { part: PartitionRef & { from: string; to: string }; target: ArchiveTarget & { manifest: string } } {
  const part = ctx.step.reads[0];
  const target = ctx.step.archive;
  if (!part || part.isDefault || part.from === undefined || part.to === undefined || !target || ctx.step.reads.length !== 1) {
    throw new UnloadError('an unload step reads exactly one bounded partition and names its archive target');
  }
  const manifest = target.manifest;
  if (target.objects.length !== 1 || !target.objects[0]!.startsWith(target.folder) || !manifest?.startsWith(target.folder)) {
    throw new UnloadError('an unload step writes one data object and a manifest inside its folder');
  }
  return { part: part as PartitionRef & { from: string; to: string }, target: { ...target, manifest } };
}

/** What the journal shows for a client-path unload: where the rows go, then the finishing call. */
function journalText(ctx: StepContext): string {
  const { part, target } = partitionOf(ctx);
  const finish = unloadFinishSql({
    table: { schema: ctx.table.schema, name: ctx.table.name },
    partition: { schema: part.schema, name: part.name, from: part.from, to: part.to },
    location: s3Url(target.bucket, target.folder),
    format: target.format,
    rows: 0,
    manifest: '{}',
    applyId: ctx.applyId,
  }).replace(/, '0', '\{\}', /, ', <rows>, <manifest>, ');
  return `COPY ${part.schema}.${part.name} TO ${s3Url(target.bucket, target.objects[0]!)} (${target.format}); ${finish}`;
}

export function unloadRunner(): StepRunner {
  let upload: ObjectUpload | null = null;
  let wrote = false;
  return {
    journalText,
    async run(ctx) {
      const { part, target } = partitionOf(ctx);
      const client = ctx.session.client;
      const table = { schema: ctx.table.schema, name: ctx.table.name };
      for (const s of COPY_SETTINGS_SQL) await client.query(s);
      for (const s of unloadLockSql(table, part)) await client.query(s);
      const columns = await archiveColumns(client, ctx.driver.dialect, table.schema, table.name);
      if (!columns.length) throw new UnloadError(`${table.schema}.${table.name} has no columns to archive`);
      const rows = await countRows(client, part.schema, part.name);
      const diskBytes = await relationBytes(client, part.schema, part.name);
      const store = ctx.objectStore();
      const dataKey = target.objects[0]!;

      // A manifest left by an earlier archive of this range (since restored) must not point at the
      // objects this attempt is about to replace.
      wrote = true;
      await store.delete(target.bucket, target.manifest);

      const parquetCols = target.format === 'parquet' ? columns.map(parquetColumn) : null;
      const copy = client.query(pgCopy.to(copyOutSql(part.schema, part.name, columns, parquetCols ? 'text' : 'csv')));
      const encoded: EncodedObject = parquetCols
        ? encodeParquet(copy, parquetCols, { 'gppart.version': ctx.toolVersion, 'gppart.table': `${table.schema}.${table.name}`, 'gppart.range': `[${part.from}, ${part.to})` })
        : encodeCsvGz(copy, () => copy.rowCount);
      upload = store.putStream(target.bucket, dataKey, encoded.body, {
        contentType: parquetCols ? 'application/vnd.apache.parquet' : 'application/gzip',
        expectedBytes: diskBytes,
      });
      const copyDone = new Promise<void>((resolve, reject) => {
        copy.on('end', resolve);
        copy.on('finish', resolve);
        copy.on('close', resolve);
        copy.on('error', reject);
      });
      let stored: { size: number };
      let enc: Awaited<EncodedObject['result']>;
      try {
        [stored, enc] = await Promise.all([upload.done(), encoded.result, copyDone]);
      } catch (err) {
        encoded.body.destroy();
        await stopCopy(ctx, copy);
        throw err;
      }
      upload = null;

      if (copy.rowCount !== rows || enc.rows !== rows) {
        throw new UnloadError(`${part.schema}.${part.name}: counted ${rows} rows under the lock, but COPY sent ${copy.rowCount} and ${enc.rows} were encoded; nothing was dropped`);
      }
      const head = await store.head(target.bucket, dataKey);
      if (!head || head.size !== enc.bytes || stored.size !== enc.bytes) {
        throw new UnloadError(`${s3Url(target.bucket, dataKey)}: the stored object has ${head ? head.size : 'no'} bytes, ${enc.bytes} were written; nothing was dropped`);
      }

      const manifest: ArchiveManifest = {
        manifestVersion: 1,
        gppartVersion: ctx.toolVersion,
        applyId: ctx.applyId,
        createdAt: new Date().toISOString(),
        table,
        partition: { schema: part.schema, name: part.name, from: part.from, to: part.to },
        key: { column: ctx.table.keyColumn, type: ctx.table.keyType },
        format: target.format,
        encoding: parquetCols ? 'parquet, GZIP pages, row groups of up to 100,000 rows or 8 MiB of text' : 'csv (RFC 4180), header line, NULL as an empty unquoted field, UTF-8, gzip',
        rows,
        columns: manifestColumns(columns, parquetCols?.map((c) => c.parquetType)),
        objects: [{ key: dataKey, bytes: enc.bytes, sha256: enc.sha256, rows }],
      };
      const manifestText = JSON.stringify(manifest, null, 2) + '\n';
      const manifestBytes = Buffer.from(manifestText, 'utf8');
      await store.putBytes(target.bucket, target.manifest, manifestBytes, 'application/json');
      const mhead = await store.head(target.bucket, target.manifest);
      if (!mhead || mhead.size !== manifestBytes.length) {
        throw new UnloadError(`${s3Url(target.bucket, target.manifest)}: the manifest was not stored whole; nothing was dropped`);
      }

      return runCall(
        client,
        unloadFinishSql({
          table,
          partition: { schema: part.schema, name: part.name, from: part.from, to: part.to },
          location: s3Url(target.bucket, target.folder),
          format: target.format,
          rows,
          manifest: JSON.stringify(manifest),
          applyId: ctx.applyId,
        }),
      );
    },
    async afterFailure(ctx, outcome) {
      if (outcome === 'unknown' || !wrote) return;
      const { target } = partitionOf(ctx);
      const store = ctx.objectStore();
      if (upload) await upload.abort();
      // Manifest first: from here on nothing claims the data objects are whole.
      for (const key of [target.manifest, ...target.objects]) await store.delete(target.bucket, key).catch(() => undefined);
    },
  };
}

/** A COPY whose reader failed: cancel it on the server and drain what is still coming, so the connection can roll back. */
async function stopCopy(ctx: StepContext, copy: Readable): Promise<void> {
  if (copy.readableEnded || copy.destroyed) return;
  copy.unpipe();
  cancelRunningStatement(ctx.session);
  await new Promise<void>((resolve) => {
    copy.on('error', () => resolve());
    copy.on('end', () => resolve());
    copy.on('close', () => resolve());
    copy.resume();
  });
}

