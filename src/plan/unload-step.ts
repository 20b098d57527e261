// The unload step for one partition, and its call derived from the step's own data (the partition
// it reads and its archive target), so apply can rebuild it instead of trusting a plan file's text.
import type { ArchivePolicy } from '../policy/types.js';
import { archiveTarget, s3Url } from './archive-layout.js';
import { keyToLiteral } from './keys.js';
import { callFor } from './call.js';
import type { ActualPartition, ActualTable, KeyRange, PartitionRef, ProcedureCall, Step } from './model.js';

/**
 * client: `gppart.unload_finish(schema, table, partition schema, partition, from, to, location,
 * format)`, to which apply appends the rows streamed, the manifest and its apply id after the
 * upload; pxf: `gppart.unload_pxf(…, location, format, pxf server)`, one call that does it all.
 */
export function unloadCall(table: { schema: string; name: string }, step: Partial<Pick<Step, 'archive'>> & Pick<Step, 'reads'>): ProcedureCall {
  const p = step.reads[0];
  const a = step.archive;
  if (!p || p.from === undefined || p.to === undefined || !a) throw new Error('an unload step reads one bounded partition and has an archive target');
  const base = [table.schema, table.name, p.schema, p.name, p.from, p.to, s3Url(a.bucket, a.folder), a.format];
  return a.via === 'pxf'
    ? { name: 'gppart.unload_pxf', args: [...base, a.pxfServer ?? null] }
    : { name: 'gppart.unload_finish', args: base };
}

export function unloadStep(actual: ActualTable, p: ActualPartition & { range: KeyRange }, archive: ArchivePolicy, reason: string): Step {
  const kt = actual.keyType;
  const ref: PartitionRef = {
    name: p.table.name,
    schema: p.table.schema,
    isDefault: false,
    from: keyToLiteral(kt, p.range.from),
    to: keyToLiteral(kt, p.range.to),
    tablespace: p.tablespace,
  };
  const target = archiveTarget(archive, actual.table.schema, actual.table.name, kt, p.range);
  const produces: PartitionRef[] = target.then === 'external' ? [{ ...ref, tablespace: null }] : [];
  return {
    kind: 'unload',
    reads: [ref],
    produces,
    reason,
    estimatedRows: p.rowEstimate,
    estimatedBytes: p.bytes,
    call: callFor({ kind: 'unload', reads: [ref], produces, archive: target }, actual.table),
    destructive: true,
    archive: target,
  };
}
