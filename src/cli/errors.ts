// How a command's error reaches a person: one line (or an expected error's own list of lines),
// escaped, the connection's password taken out, never a stack trace. Without oclif, so that
// bin/run.js's path around it (`gppart validate`) reports errors exactly as the commands do.
import { redact } from '../catalog/connection.js';
import { PolicyError } from '../policy/types.js';
import { printable, printableLines } from '../util/printable.js';

/**
 * Errors a user can act on, by class name; anything else is a bug and still gets one line (plus a
 * hint). Names, not classes: importing every class would load the planner, the executor and
 * their dependencies into commands that need none of them (test/unit/cli checks the names).
 */
export const EXPECTED_ERRORS: ReadonlySet<string> = new Set([
  'PolicyError', 'ConnectionError', 'WorkflowError', 'ApplyError', 'UnsupportedTableError', 'MigrationError', 'TargetError', 'CalendarError', 'ObjectStoreError', 'ManifestError', 'UnloadError',
]);

export const isExpected = (err: Error): boolean => EXPECTED_ERRORS.has(err.name);

/**
 * Every error as lines a person reads: an expected error's own lines (a list of problems), each
 * escaped; a server's or an unexpected error's message on one line. Values inside messages are
 * escaped where they are put in (printable()), so none can start a line of its own.
 */
export function reportError(err: Error): void {
  const message = redact(err.message || String(err));
  if (err instanceof PolicyError) {
    process.stderr.write(printableLines(message) + '\n');
  } else if (isExpected(err)) {
    process.stderr.write(`Error: ${printableLines(message)}\n`);
  } else if ((err as { code?: string }).code && /^[0-9A-Z]{5}$/.test((err as { code?: string }).code!)) {
    // A database error: its message is meant for people; one line, whatever names it quotes.
    process.stderr.write(`Error: ${printable(message)}\n`);
  } else {
    process.stderr.write(`Error: ${printable(message.split('\n')[0] ?? '')}\n(unexpected: please report it with GPPART_DEBUG=1 output)\n`);
    if (process.env.GPPART_DEBUG) process.stderr.write(printableLines(redact(err.stack ?? '')) + '\n');
  }
}
