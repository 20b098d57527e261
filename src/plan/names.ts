// Names for new partitions, allocated once per table plan so no two steps, no surviving partition
// and no other relation of the schema share one.
import type { PartitionNaming } from './model.js';
import { fitName, MAX_IDENTIFIER_BYTES, TargetError } from './target.js';

/**
 * Declarative partitioning (PostgreSQL, Greenplum 7, Cloudberry): the partition is a table of its
 * own name, `<table><suffix>`, the table part shortened to fit 63 bytes.
 */
export const STANDARD_NAMING: PartitionNaming = {
  // A suffix too long to leave a byte of the table name cannot follow the convention.
  argument: (table, suffix) => (Buffer.byteLength(suffix, 'utf8') < MAX_IDENTIFIER_BYTES ? fitName(table, suffix) : null),
  relation: (_table, argument) => argument,
};

/** A name a step passes (`argument`) and the relation it makes (`relation`). */
export interface AllocatedName {
  argument: string;
  relation: string;
}

const NONE: ReadonlySet<string> = new Set();

export class NameAllocator {
  private readonly relations: Set<string>;
  private readonly partitionNames: Set<string>;
  private readonly allocated = new Set<string>();

  /**
   * `relations`: names of relations in the table's schema now; `partitionNames`: the names the
   * server keeps for the table's partitions apart from their relations (Greenplum 6), if any.
   */
  constructor(
    private readonly table: string,
    private readonly naming: PartitionNaming,
    relations: Iterable<string>,
    partitionNames: Iterable<string> = [],
  ) {
    this.relations = new Set(relations);
    this.partitionNames = new Set(partitionNames);
  }

  /**
   * A relation (null: none) and a partition name are gone before any new partition is created (a
   * drop or detach runs first).
   */
  release(relation: string | null, partitionName?: string): void {
    if (relation !== null) this.relations.delete(relation);
    if (partitionName !== undefined) this.partitionNames.delete(partitionName);
  }

  /**
   * The name for a partition whose naming pattern gives `suffix` after the table name, or with
   * `_2`, `_3`… appended when that is taken by a relation, a partition or an earlier allocation.
   * `reusable`: relation and partition names of what the step consumes, which it may take over.
   */
  allocate(suffix: string, reusable: ReadonlySet<string> = NONE): AllocatedName {
    for (let n = 1; ; n++) {
      const argument = this.naming.argument(this.table, n === 1 ? suffix : `${suffix}_${n}`);
      if (argument === null) {
        throw new TargetError(`${this.table}: no partition name ending in "${suffix}" fits the server's identifier limit; shorten the naming pattern`);
      }
      const relation = this.naming.relation(this.table, argument);
      const free = (name: string, taken: ReadonlySet<string>): boolean => !this.allocated.has(name) && (!taken.has(name) || reusable.has(name));
      if (free(relation, this.relations) && free(argument, this.partitionNames)) {
        this.allocated.add(relation);
        this.allocated.add(argument);
        return { argument, relation };
      }
    }
  }
}
