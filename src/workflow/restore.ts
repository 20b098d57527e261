// gppart restore: archived ranges of a table back into the database. For each archive overlapping
// [from, to), in one transaction: check the manifest against the catalog and every object's size,
// make an empty table shaped like the parent, stream the objects into it with COPY FROM STDIN,
// compare size and sha256 of what was read with the manifest, then gppart.restore_finish counts
// the rows (must equal the archive's), attaches the table as the partition and records the restore.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pgCopy from 'pg-copy-streams';
import {
  archiveColumns,
  COPY_SETTINGS_SQL,
  copyInSql,
  currentArchives,
  listArchives,
  relationExists,
  restoreFinishSql,
  restorePrepareSql,
  type ArchiveRecord,
} from '../catalog/archive.js';
import type { DialectDriver } from '../catalog/dialect.js';
import type { Session } from '../catalog/connection.js';
import { runCall } from '../catalog/state-store.js';
import { csvGzIntoCopy, downloadTo, parquetIntoCopy, type ReadResult } from '../archive/decode.js';
import { ManifestError, parseManifest, type ArchiveManifest } from '../archive/manifest.js';
import { MANIFEST_NAME } from '../plan/archive-layout.js';
import { literalToKey } from '../plan/keys.js';
import type { KeyType, QualifiedName } from '../plan/model.js';
import type { ObjectStore } from '../s3/object-store.js';
import { WorkflowError } from './planning.js';

export interface RestoreOptions {
  session: Session;
  driver: DialectDriver;
  table: QualifiedName;
  /** Restore archives overlapping [from, to); either may be absent (unbounded). */
  from?: string;
  to?: string;
  store: ObjectStore;
  lockTimeoutMs: number;
  onRange?(r: ArchiveRecord, index: number, total: number): void;
}

export interface RestoredRange {
  archive: ArchiveRecord;
  partition: string;
  rows: number;
  ms: number;
}

function parseLocation(location: string): { bucket: string; folder: string } {
  const m = /^[a-z0-9]+:\/\/([^/]+)\/(.*)$/.exec(location);
  if (!m) throw new WorkflowError(`archive location ${location} is not of the form s3://bucket/folder/`);
  return { bucket: m[1]!, folder: m[2]! };
}

function bound(keyType: KeyType, text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  try {
    return literalToKey(keyType, text);
  } catch {
    throw new WorkflowError(`${flag} ${text}: not a ${keyType} value (e.g. 2024-01-01)`);
  }
}

/** The archives of the table that overlap [from, to), oldest range first. */
export function selectArchives(records: ArchiveRecord[], from?: string, to?: string): ArchiveRecord[] {
  const current = currentArchives(records);
  return current
    .filter((r) => {
      const kt = r.keyType as KeyType;
      const lo = literalToKey(kt, r.from);
      const hi = literalToKey(kt, r.to);
      const f = bound(kt, from, '--from');
      const t = bound(kt, to, '--to');
      return (f === undefined || hi > f) && (t === undefined || lo < t);
    })
    .sort((a, b) => literalToKey(a.keyType as KeyType, a.from) - literalToKey(b.keyType as KeyType, b.from));
}

async function readManifest(store: ObjectStore, r: ArchiveRecord): Promise<{ manifest: ArchiveManifest; bucket: string }> {
  const { bucket, folder } = parseLocation(r.location);
  const where = `s3://${bucket}/${folder}${MANIFEST_NAME}`;
  const head = await store.head(bucket, `${folder}${MANIFEST_NAME}`);
  if (!head) throw new ManifestError(`${where}: not found; the archive's objects cannot be trusted without it`);
  const chunks: Buffer[] = [];
  for await (const c of await store.getStream(bucket, `${folder}${MANIFEST_NAME}`)) chunks.push(Buffer.from(c as Buffer));
  const manifest = parseManifest(Buffer.concat(chunks).toString('utf8'), where);
  if (manifest.rows !== r.rows || manifest.partition.from !== r.from || manifest.partition.to !== r.to || manifest.format !== r.format) {
    throw new ManifestError(`${where}: says ${manifest.rows} rows of [${manifest.partition.from}, ${manifest.partition.to}) as ${manifest.format}, the catalog (archive ${r.id}) ${r.rows} rows of [${r.from}, ${r.to}) as ${r.format}`);
  }
  for (const o of manifest.objects) {
    if (!o.key.startsWith(folder)) throw new ManifestError(`${where}: object ${o.key} lies outside the archive's folder`);
    const info = await store.head(bucket, o.key);
    if (!info) throw new ManifestError(`s3://${bucket}/${o.key}: listed in the manifest but not found`);
    if (info.size !== o.bytes) throw new ManifestError(`s3://${bucket}/${o.key}: ${info.size} bytes, the manifest says ${o.bytes}`);
  }
  return { manifest, bucket };
}

async function freeName(session: Session, schema: string, wanted: string): Promise<string> {
  for (let i = 0; ; i++) {
    const suffix = i === 0 ? '' : i === 1 ? '_restored' : `_restored_${i}`;
    const name = Buffer.byteLength(wanted + suffix) > 63 ? `${wanted.slice(0, 40)}${suffix}` : wanted + suffix;
    if (!(await relationExists(session.client, schema, name))) return name;
  }
}

export async function restoreArchives(opts: RestoreOptions): Promise<RestoredRange[]> {
  const { session, table, store } = opts;
  const client = session.client;
  const records = await listArchives(client, table);
  const chosen = selectArchives(records, opts.from, opts.to);
  if (!chosen.length) {
    const range = opts.from || opts.to ? ` overlapping [${opts.from ?? '-∞'}, ${opts.to ?? '+∞'})` : '';
    throw new WorkflowError(`${table.schema}.${table.name}: no archived range${range} to restore (gppart history --archives lists them)`);
  }
  const viaPxf = chosen.filter((r) => r.via === 'pxf');
  if (viaPxf.length) {
    throw new WorkflowError(
      `${table.schema}.${table.name}: ${viaPxf.map((r) => `[${r.from}, ${r.to})`).join(', ')} went to S3 through PXF and is still readable as an external partition; ` +
        'gppart restore reads client-path archives only (with their manifest): copy the rows back with INSERT … SELECT from the external partition',
    );
  }
  const columnsNow = new Set((await archiveColumns(client, opts.driver.dialect, table.schema, table.name)).map((c) => c.name));
  const out: RestoredRange[] = [];
  for (const [i, r] of chosen.entries()) {
    opts.onRange?.(r, i + 1, chosen.length);
    const t0 = performance.now();
    const { manifest, bucket } = await readManifest(store, r);
    const gone = manifest.columns.filter((c) => !columnsNow.has(c.name)).map((c) => c.name);
    if (gone.length) throw new WorkflowError(`${table.schema}.${table.name}: the archive has column(s) ${gone.join(', ')} the table no longer has; add them back first`);
    const name = await freeName(session, table.schema, r.partitionName);
    const dir = mkdtempSync(join(tmpdir(), 'gppart-restore-'));
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL lock_timeout = '${Math.max(0, Math.floor(opts.lockTimeoutMs))}ms'`);
      for (const s of COPY_SETTINGS_SQL) await client.query(s);
      await runCall(client, restorePrepareSql(table, name, r.from, r.to));
      const cols = manifest.columns.map((c) => ({ name: c.name, type: c.type, typname: c.typname, notNull: c.notNull }));
      for (const o of manifest.objects) {
        const copyIn = client.query(pgCopy.from(copyInSql(table.schema, name, cols, manifest.format === 'parquet' ? 'text' : 'csv')));
        const object = await store.getStream(bucket, o.key);
        if (manifest.format === 'csv.gz') {
          // Streamed straight in; the bytes are checked before anything commits.
          check(await csvGzIntoCopy(object, copyIn), o, bucket);
        } else {
          // Checked before a single row is decoded.
          const file = join(dir, 'object.parquet');
          check(await downloadTo(object, file), o, bucket);
          await parquetIntoCopy(file, manifest, copyIn);
        }
      }
      const rows = await runCall(client, restoreFinishSql(table, name, r.from, r.to, r.id, null));
      await client.query('COMMIT');
      out.push({ archive: r, partition: `${table.schema}.${name}`, rows, ms: performance.now() - t0 });
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

function check(read: ReadResult, o: { key: string; bytes: number; sha256: string }, bucket: string): void {
  if (read.bytes !== o.bytes || read.sha256 !== o.sha256) {
    throw new ManifestError(`s3://${bucket}/${o.key}: read ${read.bytes} bytes with sha256 ${read.sha256.slice(0, 12)}…, the manifest says ${o.bytes} bytes, ${o.sha256.slice(0, 12)}…; nothing was restored`);
  }
}
