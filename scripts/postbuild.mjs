// Run by `npm run build` after tsc: what makes `gppart` start fast, built from the compiled code.
// - oclif.manifest.json: oclif reads the commands, flags and help from it instead of importing
//   every command module (and everything they import) to list them.
// - dist/compiled-schemas/<name>.cjs: each JSON Schema in schemas/ compiled ahead of time by ajv
//   (standalone code), with the options and the schema hash src/util/schema-validator.ts checks.
// - dist/fast/validate.cjs: bin/run.js's path around oclif for `gppart validate`
//   (src/cli/fast-validate.ts) bundled by esbuild with the policy loader and yaml into one
//   module: one file to read and compile instead of ~20 modules and their libraries. It sits two
//   levels under the package root, as every dist module does, so the paths its modules build from
//   import.meta.url (schemas/, dist/compiled-schemas/) stay right.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plugin } from '@oclif/core';
import { build } from 'esbuild';
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

await build({
  entryPoints: [join(root, 'dist', 'cli', 'fast-validate.js')],
  outfile: join(root, 'dist', 'fast', 'validate.cjs'),
  bundle: true,
  platform: 'node',
  // CommonJS: require() loads it with less work than the ES module loader (~5 ms of CPU here),
  // and yaml, the bulk of it, is CommonJS already. import.meta.url becomes the file's own URL.
  format: 'cjs',
  target: 'node20',
  define: { 'import.meta.url': '__gppartModuleUrl' },
  banner: { js: "const __gppartModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Loaded at run time, not bundled: ajv (only when a compiled schema is stale) and the compiled
  // schemas themselves (each checked against its schema file's hash before use).
  external: ['ajv'],
  legalComments: 'none',
  logLevel: 'warning',
});
