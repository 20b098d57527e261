// Where an archived partition's objects live: one folder per partition, named by table and range,
// so the keys are known when the plan is made and a reviewer sees exactly what will be written.
//   <prefix>/<schema>/<table>/<from>_<to>/data.parquet | data.csv.gz, then _manifest.json
// Pure: shared by the planner, apply and restore.
import type { ArchivePolicy } from '../policy/types.js';
import { keyToLiteral } from './keys.js';
import type { ArchiveTarget, KeyRange, KeyType } from './model.js';

export const MANIFEST_NAME = '_manifest.json';

/**
 * One key segment from any identifier: ASCII letters, digits, "_", "." and "-" stay, every other
 * UTF-8 byte is %XX, so "/" in a name can never add a folder level and the mapping is reversible.
 */
export function keySegment(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // "." and ".." are path tricks in some tools' eyes; a leading dot stays readable when escaped.
  return out.startsWith('.') ? `%2E${out.slice(1)}` : out;
}

/** A bound literal (`2024-01-01 00:00:00+00`) → `2024-01-01T000000Z`, safe as a key segment. */
function boundSegment(literal: string): string {
  return keySegment(literal.replace(/ (\d\d):(\d\d):(\d\d)/, 'T$1$2$3').replace(/\+00$/, 'Z'));
}

/** `<schema>/<table>/<from>_<to>/`: the end of every archive folder of that range, whatever the prefix. */
export function archiveFolderTail(schema: string, table: string, fromLiteral: string, toLiteral: string): string {
  return `${keySegment(schema)}/${keySegment(table)}/${boundSegment(fromLiteral)}_${boundSegment(toLiteral)}/`;
}

export function archiveFolder(prefix: string, schema: string, table: string, keyType: KeyType, range: KeyRange): string {
  return `${prefix ? `${prefix}/` : ''}${archiveFolderTail(schema, table, keyToLiteral(keyType, range.from), keyToLiteral(keyType, range.to))}`;
}

export function dataObjectName(format: ArchivePolicy['format']): string {
  return format === 'parquet' ? 'data.parquet' : 'data.csv.gz';
}

/** What an unload of `range` writes under the policy's archive rule. */
export function archiveTarget(
  archive: ArchivePolicy,
  schema: string,
  table: string,
  keyType: KeyType,
  range: KeyRange,
): ArchiveTarget {
  const folder = archiveFolder(archive.prefix, schema, table, keyType, range);
  if (archive.via === 'pxf') {
    // The segments write through PXF: one object per segment under data/, named by PXF; no manifest.
    return { format: archive.format, via: 'pxf', bucket: archive.bucket, folder, objects: [`${folder}data/`], ...(archive.pxfServer ? { pxfServer: archive.pxfServer } : {}), then: 'external' };
  }
  return {
    format: archive.format,
    via: 'client',
    bucket: archive.bucket,
    folder,
    objects: [`${folder}${dataObjectName(archive.format)}`],
    manifest: `${folder}${MANIFEST_NAME}`,
    then: 'drop',
  };
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
