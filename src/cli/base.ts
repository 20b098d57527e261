// What every command shares: connection and policy flags, one-line errors (never a stack trace),
// and redaction of the connection's secrets out of anything printed.
import { Command, Flags, Errors } from '@oclif/core';
import { ConnectionError, openSession, redact, resolveConnection, secretsOf, type Session } from '../catalog/connection.js';
import { PolicyError } from '../policy/types.js';
import { WorkflowError } from '../workflow/planning.js';
import { ApplyError } from '../apply/executor.js';
import { UnsupportedTableError } from '../catalog/dialect.js';
import { MigrationError } from '../catalog/migrations.js';
import { TargetError } from '../plan/target.js';
import { CalendarError } from '../plan/calendar.js';

export const connectionFlags = {
  'database-url': Flags.string({
    description: 'Connection string (postgres://user@host:port/db). Default: GPPART_DATABASE_URL, DATABASE_URL, then PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE.',
    helpGroup: 'CONNECTION',
  }),
};

export const policyFlags = {
  config: Flags.string({ char: 'c', description: 'Policy file.', default: 'gppart.yaml', helpValue: 'FILE' }),
};

export const nowFlag = {
  now: Flags.string({ description: 'Plan as if today were this date (YYYY-MM-DD); makes plans reproducible.', helpValue: 'YYYY-MM-DD' }),
};

export const targetFlag = {
  target: Flags.string({ description: 'Limit to this table (schema.table); repeatable.', multiple: true, helpValue: 'SCHEMA.TABLE' }),
};

/** Errors a user can act on; anything else is a bug and still gets one line (plus a hint). */
const EXPECTED = [PolicyError, ConnectionError, WorkflowError, ApplyError, UnsupportedTableError, MigrationError, TargetError, CalendarError];

export abstract class GppartCommand extends Command {
  private sessions: Session[] = [];
  private secrets: string[] = [];

  protected async connect(flag: string | undefined, applicationName = 'gppart'): Promise<Session> {
    const source = resolveConnection(flag);
    this.secrets.push(...secretsOf(source));
    const session = await openSession(source, applicationName);
    this.sessions.push(session);
    return session;
  }

  protected say(text: string): void {
    process.stdout.write(redact(text, this.secrets) + (text.endsWith('\n') ? '' : '\n'));
  }

  protected warnLine(text: string): void {
    process.stderr.write(redact(text, this.secrets) + '\n');
  }

  /** Text with this command's connection secrets taken out (for what leaves the process otherwise). */
  protected redacted(text: string): string {
    return redact(text, this.secrets);
  }

  /** The exit code of a command that ends in `err`; apply --detailed-exitcode tells refusals apart. */
  protected errorExitCode(_err: Error): number {
    return 1;
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    for (const s of this.sessions.splice(0)) await s.client.end().catch(() => undefined);
    return super.finally(err);
  }

  protected override async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    // oclif's own exits (this.exit(), --help, flag parsing) keep their behaviour.
    if (err instanceof Errors.ExitError) throw err;
    if (err.oclif && !(EXPECTED.some((c) => err instanceof c))) {
      if (err.message) process.stderr.write(`Error: ${redact(err.message.split('\n')[0] ?? '', this.secrets)}\n`);
      // A mistyped flag is an error (1), never "changes pending" (2) for --detailed-exitcode.
      process.exitCode = 1;
      return;
    }
    const message = redact(err.message || String(err), this.secrets);
    if (err instanceof PolicyError) {
      process.stderr.write(message + '\n');
    } else if (EXPECTED.some((c) => err instanceof c)) {
      process.stderr.write(`Error: ${message}\n`);
    } else if ((err as { code?: string }).code && /^[0-9A-Z]{5}$/.test((err as { code?: string }).code!)) {
      // A database error: its message is meant for people.
      process.stderr.write(`Error: ${message.split('\n')[0]}\n`);
    } else {
      process.stderr.write(`Error: ${message.split('\n')[0]}\n(unexpected: please report it with GPPART_DEBUG=1 output)\n`);
      if (process.env.GPPART_DEBUG) process.stderr.write(redact(err.stack ?? '', this.secrets) + '\n');
    }
    process.exitCode = this.errorExitCode(err);
    return;
  }
}
