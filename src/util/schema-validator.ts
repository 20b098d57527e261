// Validators for the JSON Schemas in schemas/. `npm run build` compiles each ahead of time into
// dist/compiled-schemas/<name>.cjs (ajv's standalone code, scripts/postbuild.mjs): loading that
// costs a few milliseconds, where loading ajv and compiling the schema cost ~50 ms of every start.
// The compiled file is used only while it was made from the schema file as it is now (its sha256);
// otherwise, and when running from src/ (the tests), ajv compiles the schema here, with the same
// options.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Options, ValidateFunction } from 'ajv';

export type SchemaName = 'gppart' | 'plan';

export const SCHEMA_OPTIONS: Record<SchemaName, Options> = {
  gppart: { allErrors: true, verbose: true, strict: true },
  plan: { allErrors: true, strict: true },
};

const require = createRequire(import.meta.url);

/** schemas/<name>.schema.json: two levels above both src/util and dist/util. */
export function schemaFile(name: SchemaName): string {
  return fileURLToPath(new URL(`../../schemas/${name}.schema.json`, import.meta.url));
}

/** Where the build puts the compiled validator (only ever present under dist/). */
export function compiledSchemaFile(name: SchemaName): string {
  return fileURLToPath(new URL(`../compiled-schemas/${name}.cjs`, import.meta.url));
}

export function schemaHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const cache = new Map<SchemaName, ValidateFunction>();

export function schemaValidator(name: SchemaName): ValidateFunction {
  let validate = cache.get(name);
  if (validate) return validate;
  const text = readFileSync(schemaFile(name), 'utf8');
  const compiled = compiledSchemaFile(name);
  if (existsSync(compiled)) {
    const mod = require(compiled) as { default: ValidateFunction; schemaHash?: string };
    if (mod.schemaHash === schemaHash(text)) validate = mod.default;
  }
  if (!validate) {
    const { Ajv } = require('ajv') as typeof import('ajv');
    validate = new Ajv(SCHEMA_OPTIONS[name]).compile(JSON.parse(text));
  }
  cache.set(name, validate);
  return validate;
}
