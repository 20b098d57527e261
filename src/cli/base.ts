// What every command shares: connection and policy flags, one-line errors (never a stack trace,
// never a raw control character, the connection's password taken out of any error text).
import { Command, Flags, Errors } from '@oclif/core';
import { openSession, redact, resolveConnection, type Session } from '../catalog/connection.js';
import { isExpected, reportError } from './errors.js';
import { printable } from '../util/printable.js';

export const connectionFlags = {
  'database-url': Flags.string({
    description: 'Connection string (postgres://user@host:port/db). Default: GPPART_DATABASE_URL, DATABASE_URL, then PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE.',
    helpGroup: 'CONNECTION',
  }),
};

export const policyFlags = {
  // No oclif default: apply must tell a -c given with a PLANFILE from one left out.
  config: Flags.string({ char: 'c', description: 'Policy file. Default: gppart.yaml in the current directory.', helpValue: 'FILE' }),
};

export const nowFlag = {
  now: Flags.string({ description: 'Plan as if today were this date (YYYY-MM-DD); makes plans reproducible.', helpValue: 'YYYY-MM-DD' }),
};

export const targetFlag = {
  target: Flags.string({ description: 'Limit to this table (schema.table); repeatable.', multiple: true, helpValue: 'SCHEMA.TABLE' }),
};

export abstract class GppartCommand extends Command {
  private sessions: Session[] = [];

  protected async connect(flag: string | undefined, applicationName = 'gppart'): Promise<Session> {
    const session = await openSession(resolveConnection(flag), applicationName);
    this.sessions.push(session);
    return session;
  }

  /** Output: rendered by the caller for where it lands (src/render escapes every name). */
  protected say(text: string): void {
    process.stdout.write(text + (text.endsWith('\n') ? '' : '\n'));
  }

  /** One line on stderr (a failed step's server message): escaped, password taken out. */
  protected warnLine(text: string): void {
    process.stderr.write(printable(redact(text)) + '\n');
  }

  /** Text with the connection's password taken out where a connection string could carry it (for what leaves the process otherwise). */
  protected redacted(text: string): string {
    return redact(text);
  }

  /** The exit code of a command that ends in `err`; apply --detailed-exitcode tells refusals apart. */
  protected errorExitCode(_err: Error): number {
    return 1;
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    for (const s of this.sessions.splice(0)) await s.client.end().catch(() => undefined);
    return super.finally(err);
  }

  /** Every error as lines a person reads (reportError); oclif's own exits keep their behaviour. */
  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own exits (this.exit(), --help, flag parsing) keep their behaviour.
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif && !isExpected(err)) {
      if (err.message) process.stderr.write(`Error: ${printable(redact(err.message.split('\n')[0] ?? ''))}\n`);
      // A mistyped flag is an error (1), never "changes pending" (2) for --detailed-exitcode.
      process.exitCode = 1;
      return;
    }
    reportError(err);
    process.exitCode = this.errorExitCode(err);
    return;
  }
}
