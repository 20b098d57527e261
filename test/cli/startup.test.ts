// What makes the binary start fast must not change what it does: --version answered before oclif
// loads, the command manifest and the compiled JSON Schemas that `npm run build` writes, and the
// published file set (package.json "files") working on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Ajv } from 'ajv';
import { runCli } from '../support/cli.js';
import { SCHEMA_OPTIONS, compiledSchemaFile, schemaHash, type SchemaName } from '../../src/util/schema-validator.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const require = createRequire(import.meta.url);

describe('start-up', () => {
  it('--version prints exactly what oclif itself prints', async () => {
    const fast = await runCli(['--version']);
    const viaOclif = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import { execute } from '@oclif/core'; await execute({ dir: ${JSON.stringify(join(ROOT, 'bin', 'run.js'))}, args: ['--version'] });`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(viaOclif.status).toBe(0);
    expect(fast).toEqual({ code: 0, stdout: viaOclif.stdout, stderr: '' });
    expect(fast.stdout).toMatch(/^gppart\/\d+\.\d+\.\d+\S* \S+-\S+ node-v\d+\.\d+\.\d+\n$/);
  });

  it('the build wrote a manifest listing every command with its flags', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(manifest.version).toBe(pkg.version);
    // dist/commands/export/cron.js is the command "export:cron".
    const commands = (readdirSync(join(ROOT, 'dist', 'commands'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.js'))
      .map((f) => f.slice(0, -3).split(sep).join(':'))
      .sort();
    expect(Object.keys(manifest.commands).sort()).toEqual(commands);
    expect(Object.keys(manifest.commands.validate.flags).sort()).toEqual(['config', 'format']);
  });

  it('the compiled schemas were made from the schema files as they are, and judge documents as ajv does', () => {
    const docs: Record<SchemaName, unknown[]> = {
      gppart: [
        parse(readFileSync(join(ROOT, 'examples', 'gppart.yaml'), 'utf8')),
        { version: 1, tables: [{ table: 'a.b', layout: [{ from: '-1 month', to: 0, every: '1 fortnight' }], surprise: true }] },
        { version: 2 },
      ],
      plan: [{}, { formatVersion: 1, tables: [] }],
    };
    for (const name of Object.keys(SCHEMA_OPTIONS) as SchemaName[]) {
      const text = readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8');
      const compiled = require(compiledSchemaFile(name).replace(join(ROOT, 'src'), join(ROOT, 'dist')));
      expect(compiled.schemaHash).toBe(schemaHash(text));
      const reference = new Ajv(SCHEMA_OPTIONS[name]).compile(JSON.parse(text));
      for (const doc of docs[name]) {
        expect([compiled.default(doc), compiled.default.errors]).toEqual([reference(doc), reference.errors]);
      }
    }
  });

  describe('the published files alone', () => {
    let dir: string;
    beforeAll(() => {
      // Exactly what `npm pack` would publish, next to this checkout's node_modules.
      const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }));
      const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
      expect(files).toContain('oclif.manifest.json');
      expect(files).toContain('dist/compiled-schemas/gppart.cjs');
      dir = mkdtempSync(join(tmpdir(), 'gppart-published-'));
      for (const f of files) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, 'bad.yaml'), 'version: 1\ntables:\n  - table: a.b\n    layout: []\n    surprise: 1\n');
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const run = (args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'run.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

    it('run --version, validate and help', () => {
      expect(existsSync(join(dir, 'src'))).toBe(false);
      expect(run(['--version']).stdout).toMatch(/^gppart\//);
      const ok = run(['validate', '-c', join(dir, 'examples', 'gppart.yaml')]);
      expect(ok.stderr).toBe('');
      expect(ok.stdout).toMatch(/gppart\.yaml: valid: \d+ table\(s\)/);
      const bad = run(['validate', '-c', 'bad.yaml']);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^bad\.yaml:5:5 tables\[0\]\.surprise: /m);
      const help = run(['--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/validate\s+Check a policy file/);
    });
  });
});
