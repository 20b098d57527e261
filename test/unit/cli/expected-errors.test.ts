// src/cli/errors.ts recognises the errors a user can act on by class name (importing the classes would load
// the whole planner into every command): the names it lists must be the classes' names.
import { describe, expect, it } from 'vitest';
import { EXPECTED_ERRORS } from '../../../src/cli/errors.js';
import { PolicyError } from '../../../src/policy/types.js';
import { ConnectionError } from '../../../src/catalog/connection.js';
import { WorkflowError } from '../../../src/workflow/planning.js';
import { ApplyError } from '../../../src/apply/executor.js';
import { UnsupportedTableError } from '../../../src/catalog/dialect.js';
import { MigrationError } from '../../../src/catalog/migrations.js';
import { TargetError } from '../../../src/plan/target.js';
import { CalendarError } from '../../../src/plan/calendar.js';
import { ObjectStoreError } from '../../../src/s3/object-store.js';
import { ManifestError } from '../../../src/archive/manifest.js';
import { UnloadError } from '../../../src/apply/unload-runner.js';

describe('the errors a command reports as one plain line', () => {
  it('are recognised by the names their classes give them', () => {
    const errors: Error[] = [
      new PolicyError([]), new ConnectionError('x'), new WorkflowError('x'), new ApplyError('x'),
      new UnsupportedTableError({ schema: 's', name: 't' }, 'x'), new MigrationError('x'), new TargetError('x'), new CalendarError('x'),
      new ObjectStoreError('x'), new ManifestError('x'), new UnloadError('x'),
    ];
    expect(errors.map((e) => e.name).sort()).toEqual([...EXPECTED_ERRORS].sort());
  });
});
