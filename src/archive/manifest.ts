// `_manifest.json`: written last, beside the data objects of one archived partition, so that what
// is in the bucket can be restored (or read by anyone) without gppart's catalog and without guessing.
import type { ArchiveColumn } from '../catalog/archive.js';

export interface ManifestObject {
  key: string;
  bytes: number;
  sha256: string;
  rows: number;
}

export interface ArchiveManifest {
  manifestVersion: 1;
  gppartVersion: string;
  applyId: number | null;
  createdAt: string;
  table: { schema: string; name: string };
  partition: { schema: string; name: string; from: string; to: string };
  key: { column: string; type: string };
  format: 'parquet' | 'csv.gz';
  /** How the objects were written: csv.gz has a header line, NULL as an empty unquoted field. */
  encoding: string;
  rows: number;
  columns: Array<{ name: string; type: string; typname: string; notNull: boolean; parquet?: string }>;
  objects: ManifestObject[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

export function manifestColumns(columns: ArchiveColumn[], parquetTypes?: string[]): ArchiveManifest['columns'] {
  return columns.map((c, i) => ({ name: c.name, type: c.type, typname: c.typname, notNull: c.notNull, ...(parquetTypes ? { parquet: parquetTypes[i] } : {}) }));
}

/** Reads a manifest, checking the fields restore relies on; `where` names it in messages. */
export function parseManifest(text: string, where: string): ArchiveManifest {
  let m: ArchiveManifest;
  try {
    m = JSON.parse(text) as ArchiveManifest;
  } catch {
    throw new ManifestError(`${where}: not valid JSON`);
  }
  const ok =
    m && m.manifestVersion === 1 && typeof m.rows === 'number' && Number.isInteger(m.rows) && m.rows >= 0 &&
    (m.format === 'parquet' || m.format === 'csv.gz') && Array.isArray(m.columns) && m.columns.length > 0 &&
    Array.isArray(m.objects) && m.objects.every((o) => typeof o.key === 'string' && typeof o.bytes === 'number' && /^[0-9a-f]{64}$/.test(o.sha256)) &&
    m.partition && typeof m.partition.from === 'string' && typeof m.partition.to === 'string';
  if (!ok) throw new ManifestError(`${where}: not a gppart archive manifest (version 1)`);
  const sum = m.objects.reduce((n, o) => n + o.rows, 0);
  if (sum !== m.rows) throw new ManifestError(`${where}: its objects hold ${sum} rows, but it says ${m.rows}`);
  return m;
}
