// Run by `npm run build` after tsc: what makes `gppart` start fast, built from the compiled code.
// - oclif.manifest.json: oclif reads the commands, flags and help from it instead of importing
//   every command module (and everything they import) to list them.
// - dist/compiled-schemas/<name>.cjs: each JSON Schema in schemas/ compiled ahead of time by ajv
//   (standalone code), with the options and the schema hash src/util/schema-validator.ts checks.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { SCHEMA_OPTIONS, compiledSchemaFile, schemaFile, schemaHash } from '../dist/util/schema-validator.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(plugin.manifest, null, 2) + '\n');

for (const name of Object.keys(SCHEMA_OPTIONS)) {
  const text = readFileSync(schemaFile(name), 'utf8');
  const ajv = new Ajv({ ...SCHEMA_OPTIONS[name], code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(JSON.parse(text)));
  const out = compiledSchemaFile(name);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(text))};\n`);
}
