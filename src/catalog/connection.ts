// Connecting: where the connection string comes from, session settings every stage relies on,
// and keeping the password out of every message.
import pg from 'pg';
import type { Dialect, ServerInfo } from '../plan/model.js';

export interface ConnectionSource {
  /** The connection string, or undefined to let libpq variables (PGHOST, …) decide. */
  url: string | undefined;
  /** Where it came from, for messages: "--database-url", "GPPART_DATABASE_URL", … */
  origin: string;
}

/** --database-url, else GPPART_DATABASE_URL, else DATABASE_URL, else the libpq variables. */
export function resolveConnection(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): ConnectionSource {
  if (flag) return { url: flag, origin: '--database-url' };
  if (env.GPPART_DATABASE_URL) return { url: env.GPPART_DATABASE_URL, origin: 'GPPART_DATABASE_URL' };
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, origin: 'DATABASE_URL' };
  return { url: undefined, origin: 'PGHOST/PGPORT/PGUSER/PGDATABASE' };
}

/** Every password-looking part of a text replaced, so no error or output can leak it. */
export function redact(text: string, secrets: Array<string | undefined> = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)@/gi, '$1***@');
  out = out.replace(/(password\s*=\s*)('[^']*'|\S+)/gi, '$1***');
  for (const s of secrets) {
    if (s && s.length >= 3) out = out.split(s).join('***');
  }
  return out;
}

export function secretsOf(source: ConnectionSource, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  if (env.PGPASSWORD) out.push(env.PGPASSWORD);
  if (source.url) {
    try {
      const u = new URL(source.url);
      if (u.password) {
        out.push(u.password, decodeURIComponent(u.password));
      }
      const p = u.searchParams.get('password');
      if (p) out.push(p);
    } catch {
      // not a URL (a keyword/value string): the regex in redact() covers password=…
    }
  }
  return out;
}

/**
 * A URL (postgres://…) or a libpq keyword/value string (host=db1 port=5432 dbname=dw user=dba
 * password='…'), which node-postgres does not read by itself.
 */
export function clientConfig(url: string | undefined): pg.ClientConfig {
  if (url === undefined) return {};
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url.trim())) {
    try {
      new URL(url);
    } catch {
      throw new Error('the connection string is not a valid URL');
    }
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
        config.ssl = value === 'disable' || value === 'allow' || value === 'prefer' ? false : { rejectUnauthorized: value === 'verify-full' || value === 'verify-ca' };
        break;
      default:
        // application_name, connect_timeout, …: gppart sets its own or pg's defaults are fine.
        break;
    }
  }
  if (url.slice(consumed).trim() !== '') throw new Error('the connection string is neither a URL nor keyword=value pairs');
  return config;
}

export interface Session {
  client: pg.Client;
  source: ConnectionSource;
  /** Redacts this session's secrets out of any text. */
  redact(text: string): string;
}

/**
 * Opens a session with the settings that keep introspection exact: bounds printed in UTC and ISO
 * date style whatever the server's or the role's defaults are.
 */
export async function openSession(source: ConnectionSource, applicationName = 'gppart'): Promise<Session> {
  const secrets = secretsOf(source);
  let client: pg.Client;
  try {
    client = new pg.Client({ ...clientConfig(source.url), application_name: applicationName, connectionTimeoutMillis: 15_000 });
  } catch (err) {
    throw new ConnectionError(redact(`cannot connect (${source.origin}): ${(err as Error).message}`, secrets));
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
    throw new ConnectionError(redact(`cannot connect (${source.origin}): ${(err as Error).message}`, secrets));
  }
  return { client, source, redact: (t) => redact(t, secrets) };
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
