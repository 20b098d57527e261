// Names for new partitions, allocated once per table plan so no two steps (and no surviving
// relation) share one.
import { uniqueName } from './target.js';

const NONE: ReadonlySet<string> = new Set();

export class NameAllocator {
  private readonly taken: Set<string>;
  private readonly allocated = new Set<string>();

  /** `taken`: names in the table's schema that exist now. */
  constructor(taken: Iterable<string>) {
    this.taken = new Set(taken);
  }

  /** The name's relation is gone before any new partition is created (a drop runs first). */
  release(name: string): void {
    this.taken.delete(name);
  }

  /**
   * `wanted`, or `wanted_2`, `wanted_3`… when a relation or an earlier allocation has it.
   * `reusable`: names of relations the step consumes, so the new partition may take them.
   */
  allocate(wanted: string, reusable: ReadonlySet<string> = NONE): string {
    const name = uniqueName(wanted, (x) => this.allocated.has(x) || (this.taken.has(x) && !reusable.has(x)));
    this.allocated.add(name);
    return name;
  }
}
