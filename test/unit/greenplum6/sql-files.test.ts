// Greenplum 6 cannot run here, so its migrations are checked statically: numbered without gaps, and
// the public functions have the same names and argument types as sql/postgres (or, while that
// folder has none, as the headings of docs/procedures.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

function sqlFiles(dialect: string): string[] {
  return readdirSync(join(root, 'sql', dialect))
    .filter((f) => f.endsWith('.sql'))
    .sort();
}

/** "p_schema text, p_starts text[]" → "text,text[]" (types only, normalised). */
function argTypes(args: string): string {
  if (args.trim() === '') return '';
  return args
    .split(',')
    .map((a) => a.trim().replace(/^(IN|OUT|INOUT)\s+/i, '').split(/\s+/).slice(1).join(' ').toLowerCase())
    .join(',');
}

function publicSignatures(dialect: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /CREATE\s+OR\s+REPLACE\s+FUNCTION\s+gppart\.([a-z_][a-z0-9_]*)\s*\(([^)]*)\)\s*RETURNS\s+([a-z0-9_\[\]]+)/gi;
  for (const file of sqlFiles(dialect)) {
    const text = readFileSync(join(root, 'sql', dialect, file), 'utf8');
    for (const m of text.matchAll(re)) {
      if (m[1]!.startsWith('_')) continue;
      out.set(m[1]!, `(${argTypes(m[2]!)}) ${m[3]!.toLowerCase()}`);
    }
  }
  return out;
}

function documentedSignatures(): Map<string, string> {
  const text = readFileSync(join(root, 'docs', 'procedures.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^###\s+`gppart\.([a-z_]+)\(([^)]*)\)\s*→\s*([a-z]+)`/gm)) {
    out.set(m[1]!, `(${argTypes(m[2]!)}) ${m[3]!}`);
  }
  return out;
}

describe('sql/greenplum6', () => {
  it('is numbered 001.. in increasing order, each number once (engineers are given number ranges)', () => {
    const files = sqlFiles('greenplum6');
    expect(files.length).toBeGreaterThan(0);
    expect(files[0]).toMatch(/^001_/);
    for (const f of files) expect(f).toMatch(/^\d{3}_[a-z0-9_]+\.sql$/);
    const numbers = files.map((f) => Number(f.slice(0, 3)));
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('defines the documented functions with the documented signatures', () => {
    const documented = documentedSignatures();
    expect([...documented.keys()].sort()).toEqual(['create_default', 'detach_partition', 'drop_partition', 'merge_partitions', 'move_partition', 'purge_default', 'restore_finish', 'restore_prepare', 'split_default', 'unload_finish', 'unload_pxf']);
    expect(publicSignatures('greenplum6')).toEqual(documented);
  });

  it('defines the same public functions as sql/postgres', () => {
    const pg = publicSignatures('postgres');
    const expected = pg.size > 0 ? pg : documentedSignatures();
    expect(publicSignatures('greenplum6')).toEqual(expected);
  });

  it('stays within PostgreSQL 9.4 and legacy partitioning DDL', () => {
    const text = sqlFiles('greenplum6').map((f) => readFileSync(join(root, 'sql', 'greenplum6', f), 'utf8')).join('\n');
    // DDL keywords are written in upper case in these files, so a case-sensitive match skips messages.
    for (const forbidden of [/CREATE\s+(OR\s+REPLACE\s+)?PROCEDURE/, /PARTITION\s+OF\b/, /ATTACH\s+PARTITION/, /DETACH\s+PARTITION/, /\bCALL\s+gppart/i, /ON\s+CONFLICT/]) {
      expect(text).not.toMatch(forbidden);
    }
    // Every public function is plpgsql (one transaction with its caller).
    expect(text.match(/LANGUAGE plpgsql/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it('calls no function or syntax newer than PostgreSQL 9.4 (Greenplum 6)', () => {
    // Comments are dropped first: they may name the newer feature to say why it is not used.
    const code = sqlFiles('greenplum6')
      .map((f) => readFileSync(join(root, 'sql', 'greenplum6', f), 'utf8'))
      .join('\n')
      .replace(/--[^\n]*/g, '');
    const newer: Array<[RegExp, string]> = [
      [/\bregexp_match\s*\(/i, 'regexp_match() is PostgreSQL 10; GP6 has regexp_matches()'],
      [/\barray_position[s]?\s*\(/i, 'array_position() is 9.5'],
      [/\bnum_(nulls|nonnulls)\s*\(/i, 'num_nulls() is 9.6'],
      [/\bjsonb_(set|insert|build_object|build_array|agg|object_agg|strip_nulls|pretty)\s*\(/i, 'these jsonb functions are 9.5+'],
      [/\bto_reg(namespace|role)\s*\(/i, 'to_regnamespace()/to_regrole() are 9.5'],
      [/::\s*reg(namespace|role)\b/i, 'regnamespace/regrole are 9.5'],
      [/\bpg_partition_(root|tree|ancestors)\s*\(/i, 'pg_partition_root() and friends are 12'],
      [/\bpg_get_partkeydef\s*\(/i, 'declarative partitioning is 10'],
      [/\bADD\s+COLUMN\s+IF\s+NOT\s+EXISTS\b/i, 'ADD COLUMN IF NOT EXISTS is 9.6'],
      [/\bCREATE\s+(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b/i, 'CREATE INDEX IF NOT EXISTS is 9.5'],
      [/\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\b/i, 'identity and generated columns are 10/12'],
      [/\bSKIP\s+LOCKED\b/i, 'SKIP LOCKED is 9.5'],
      [/\bTABLESAMPLE\b/i, 'TABLESAMPLE is 9.5'],
      [/\bcurrent_setting\s*\([^)]*,/i, 'current_setting(name, missing_ok) is 9.6'],
      [/\bFOR\s+VALUES\b/i, 'declarative partition bounds are 10'],
      [/\bunnest\s*\([^()]*,/i, 'multi-argument unnest() is 9.4 but avoided: write generate_subscripts()'],
    ];
    for (const [re, why] of newer) {
      expect(code, why).not.toMatch(re);
    }
  });
});
