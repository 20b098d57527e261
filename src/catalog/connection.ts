// Connecting: where the connection string comes from, session settings every stage relies on,
// and keeping the password out of every message.
import type pg from 'pg';
import type { Dialect, ServerInfo } from '../plan/model.js';
import { printable } from '../util/printable.js';

export interface ConnectionSource {
  /** The connection string, or undefined to let libpq variables (PGHOST, …) decide. */
  url: string | undefined;
  /** Where it came from, for messages: "--database-url", "GPPART_DATABASE_URL", … */
  origin: string;
  /** True when nothing at all was given: no flag, no URL variable, no PG* variable. */
  nothingGiven?: boolean;
}

const LIBPQ_VARIABLES = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE'];

/**
 * --database-url, else GPPART_DATABASE_URL, else DATABASE_URL, else the libpq variables. An empty
 * --database-url is a mistake (an unset shell variable), not a request for the defaults; an empty
 * environment variable counts as unset, as libpq counts it.
 */
export function resolveConnection(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ConnectionSource {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new ConnectionError('--database-url is empty: give a connection string, or leave the flag out to use GPPART_DATABASE_URL, DATABASE_URL or the PG* variables');
    return { url: flag, origin: '--database-url' };
  }
  if (env.GPPART_DATABASE_URL) return { url: env.GPPART_DATABASE_URL, origin: 'GPPART_DATABASE_URL' };
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, origin: 'DATABASE_URL' };
  const set = LIBPQ_VARIABLES.filter((v) => env[v]);
  if (!set.length) return { url: undefined, origin: 'no connection settings', nothingGiven: true };
  return { url: undefined, origin: set.join('/') };
}

/**
 * The connection's password taken out of a text that may echo a connection string (an error
 * from the driver or the server): the password part of a URL and a `password=` keyword. Only
 * there: a substring replace would mask every table, schema or user name that happens to contain
 * the password's letters.
 */
export function redact(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^/\s]*)@/gi, '$1***@')
    .replace(/([?&]password=)[^&\s]*/gi, '$1***')
    .replace(/(^|[\s,;(])(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s,;)]+)/gi, '$1$2***');
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** pg reads an unknown sslmode as "use SSL", and then blames the server for not supporting it. */
function checkSslMode(value: string | null | undefined, key: string): void {
  if (value === null || value === undefined) return;
  if (!SSL_MODES.includes(value)) {
    throw new ConnectionError(`${key}=${printable(value)} is not a valid sslmode (one of ${SSL_MODES.join(', ')})`);
  }
}

/**
 * A URL (postgres://…) or a libpq keyword/value string (host=db1 port=5432 dbname=dw user=dba
 * password='…'), which node-postgres does not read by itself.
 */
export function clientConfig(url: string | undefined): pg.ClientConfig {
  if (url === undefined) {
    checkSslMode(process.env.PGSSLMODE || undefined, 'PGSSLMODE');
    return {};
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url.trim())) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConnectionError('the connection string is not a valid URL');
    }
    checkSslMode(parsed.searchParams.get('sslmode'), 'sslmode');
    return { connectionString: url };
  }
  const config: pg.ClientConfig = {};
  const re = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(url)) !== null) {
    consumed = re.lastIndex;
    const key = m[1]!;
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    switch (key) {
      case 'host':
      case 'hostaddr':
        config.host = value;
        break;
      case 'port':
        if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new ConnectionError(`port=${printable(value)} is not a port number`);
        config.port = Number(value);
        break;
      case 'user':
        config.user = value;
        break;
      case 'password':
        config.password = value;
        break;
      case 'dbname':
        config.database = value;
        break;
      case 'sslmode':
        checkSslMode(value, 'sslmode');
        config.ssl = value === 'disable' || value === 'allow' || value === 'prefer' ? false : { rejectUnauthorized: value === 'verify-full' || value === 'verify-ca' };
        break;
      default:
        // application_name, connect_timeout, …: gppart sets its own or pg's defaults are fine.
        break;
    }
  }
  if (url.slice(consumed).trim() !== '') throw new ConnectionError('the connection string is neither a URL nor keyword=value pairs');
  return config;
}

export interface Session {
  client: pg.Client;
  source: ConnectionSource;
  /** Takes the connection's password out of a text that may echo a connection string. */
  redact(text: string): string;
}

/**
 * Opens a session with the settings that keep introspection exact: bounds printed in UTC and ISO
 * date style whatever the server's or the role's defaults are.
 */
export async function openSession(source: ConnectionSource, applicationName = 'gppart'): Promise<Session> {
  // Loaded here, not at the top: commands that never connect (validate, convert, show) start
  // ~50 ms sooner without the driver.
  const { default: pgModule } = await import('pg');
  let client: pg.Client;
  try {
    client = new pgModule.Client({ ...clientConfig(source.url), application_name: applicationName, connectionTimeoutMillis: 15_000 });
  } catch (err) {
    throw new ConnectionError(`cannot connect (${source.origin}): ${redact((err as Error).message)}`);
  }
  // pg emits 'error' on a dropped connection; without a listener that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET client_min_messages = 'warning'`);
    // A killed gppart must not leave its step running (and holding the table's lock) until the
    // function returns: PostgreSQL 14+ notices the closed socket within a second and aborts.
    await client.query(
      `SELECT set_config('client_connection_check_interval', '1s', false) WHERE current_setting('server_version_num')::int >= 140000`,
    );
  } catch (err) {
    await client.end().catch(() => undefined);
    const why = redact((err as Error).message || String(err));
    if (source.nothingGiven) {
      const p = client as unknown as { host?: string; port?: number; user?: string; database?: string };
      throw new ConnectionError(
        `cannot connect: no connection settings were given (--database-url, GPPART_DATABASE_URL, DATABASE_URL and the PGHOST/PGPORT/PGUSER/PGDATABASE variables are all unset), ` +
          `so the defaults were tried (${p.host ?? 'localhost'}:${p.port ?? 5432}, user ${p.user ?? '?'}, database ${p.database ?? '?'}): ${why}`,
      );
    }
    throw new ConnectionError(`cannot connect (${source.origin}): ${why}`);
  }
  return { client, source, redact };
}

export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** Tells PostgreSQL, Greenplum 6/7, Cloudberry and WarehousePG apart from version(). */
export function detectDialect(versionText: string, serverVersionNum: number): { dialect: Dialect; version: string } {
  const gp = /Greenplum Database (\d+)\.(\d+)(?:\.(\d+))?/.exec(versionText);
  if (gp) {
    const major = Number(gp[1]);
    const version = `Greenplum Database ${gp[1]}.${gp[2]}${gp[3] ? '.' + gp[3] : ''}`;
    if (major === 6) return { dialect: 'greenplum6', version };
    if (major === 7) return { dialect: 'greenplum7', version };
    throw new ConnectionError(`unsupported server: ${version} (gppart supports Greenplum 6 and 7)`);
  }
  const cb = /(Apache )?Cloudberry(?: Database)? (\d+(?:\.\d+)*)/i.exec(versionText);
  if (cb) return { dialect: 'cloudberry', version: `Cloudberry ${cb[2]}` };
  const wpg = /WarehousePG (\d+(?:\.\d+)*)/i.exec(versionText);
  if (wpg) return { dialect: 'greenplum7', version: `WarehousePG ${wpg[1]}` };
  const pgv = /^PostgreSQL (\d+(?:\.\d+)?)/.exec(versionText);
  if (pgv) {
    if (serverVersionNum < 120000) {
      throw new ConnectionError(`unsupported server: PostgreSQL ${pgv[1]} (gppart needs PostgreSQL 12 or later)`);
    }
    return { dialect: 'postgres', version: `PostgreSQL ${pgv[1]}` };
  }
  throw new ConnectionError(`unsupported server: ${versionText.slice(0, 80)}`);
}

export async function serverInfo(session: Session): Promise<ServerInfo> {
  const r = await session.client.query<{ v: string; n: string; db: string; oid: string; host: string | null; port: number | null }>(
    `SELECT version() AS v, current_setting('server_version_num') AS n, current_database() AS db,
            (SELECT oid::text FROM pg_database WHERE datname = current_database()) AS oid,
            host(inet_server_addr()) AS host, inet_server_port() AS port`,
  );
  const row = r.rows[0]!;
  const { dialect, version } = detectDialect(row.v, Number(row.n));
  const host = row.host ?? 'local';
  const system = Number(row.n) >= 90600 ? await systemIdentifier(session) : '?';
  return { dialect, version, database: row.db, identity: `${host}:${row.port ?? ''}/${row.db}`, databaseId: `${system}/${row.oid}` };
}

/**
 * The cluster's system identifier, for ServerInfo.databaseId ("<system identifier>/<database
 * oid>"). pg_control_system() (PostgreSQL 9.6+) may be denied to the role: then "?" stands for the
 * cluster and the oid alone tells databases apart.
 */
async function systemIdentifier(session: Session): Promise<string> {
  try {
    const r = await session.client.query<{ id: string }>(`SELECT system_identifier::text AS id FROM pg_control_system()`);
    return r.rows[0]?.id ?? '?';
  } catch {
    return '?';
  }
}

/** For the demo and the bench, which make their own database on a throwaway server. */
export async function createDatabase(client: pg.ClientBase, name: string): Promise<void> {
  await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
}

/**
 * Asks the server to cancel the session's running statement (the protocol's cancel request, on a
 * connection of its own: no privilege needed). Used to stop a COPY whose consumer failed.
 */
export function cancelRunningStatement(session: Session): void {
  const client = session.client as pg.Client & { activeQuery?: unknown };
  if (!client.activeQuery) return;
  try {
    // The session's own class: pg is loaded lazily (openSession), so it is not at hand here.
    const Client = client.constructor as typeof pg.Client;
    const canceller = new Client(clientConfig(session.source.url)) as pg.Client & { cancel(c: pg.Client, q: unknown): void };
    canceller.cancel(session.client, client.activeQuery);
  } catch {
    // Best effort: the caller drains the statement anyway.
  }
}
