// What makes the binary start fast must not change what it does: --version and validate answered
// without oclif, the command manifest, the compiled JSON Schemas and the bundle that `npm run build`
// writes, and the published file set (package.json "files") working on its own.
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
      ['--input-type=module', '-e', `import { execute } from '@oclif/core'; await execute({ dir: ${JSON.stringify(ROOT)}, args: ['--version'] });`],
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

  it("validate's flags are still the ones its path around oclif reads", () => {
    // src/cli/fast-validate.ts reads -c/--config and --format (text|json, default text), each a
    // single value: a flag added, renamed or given other values must be taught to it too.
    const { flags } = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).commands.validate;
    const shape = (f: Record<string, unknown>) => ({ char: f.char, type: f.type, multiple: f.multiple, options: f.options, default: f.default, allowStdin: f.allowStdin, aliases: f.aliases, charAliases: f.charAliases });
    expect(shape(flags.config)).toEqual({ char: 'c', type: 'option', multiple: false, options: undefined, default: undefined, allowStdin: undefined, aliases: undefined, charAliases: undefined });
    expect(shape(flags.format)).toEqual({ char: undefined, type: 'option', multiple: false, options: ['text', 'json'], default: 'text', allowStdin: undefined, aliases: undefined, charAliases: undefined });
  });

  describe('validate without oclif', () => {
    let dir: string;
    let probe: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'gppart-fast-validate-'));
      writeFileSync(join(dir, 'bad-yaml.yaml'), 'version: 1\ntables: [\n  { table: a.b,\n');
      writeFileSync(join(dir, 'bad-schema.yaml'), 'version: 1\ntables:\n  - table: a.b\n    layout: []\n    surprise: 1\n');
      writeFileSync(join(dir, 'bad-zone.yaml'), 'version: 1\ntables:\n  - table: a.b\n    timezone: Mars/Phobos\n    layout: [{ from: -1 month, to: +1 month, every: 1 month }]\n');
      writeFileSync(join(dir, 'alias-zone.yaml'), 'version: 1\ntables:\n  - table: a.b\n    timezone: US/Eastern\n    layout: [{ from: -1 month, to: +1 month, every: 1 month }]\n');
      writeFileSync(join(dir, 'name\x1b[31m.yaml'), 'version: 1\ntables:\n  - table: a.b\n    layout: [{ from: -1 month, to: +1 month, every: 1 fortnight }]\n');
      writeFileSync(join(dir, 'huge.yaml'), 'version: 1\n' + '#'.repeat(2 * 1024 * 1024) + '\n');
      // Records, as the process exits, whether oclif was loaded (CommonJS: it is in require.cache).
      probe = join(dir, 'probe.cjs');
      writeFileSync(probe, `process.on('exit', () => require('node:fs').writeFileSync(process.env.GPPART_TEST_PROBE, Object.keys(require.cache).some((k) => k.includes('@oclif')) ? 'oclif' : 'fast'));`);
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function both(args: string[], cwd = ROOT) {
      const run = async (env: NodeJS.ProcessEnv) => {
        const out = join(dir, `probe-${Math.random().toString(36).slice(2)}`);
        const r = await runCli(args, { cwd, env: { ...env, NODE_OPTIONS: `--require ${JSON.stringify(probe)}`, GPPART_TEST_PROBE: out } });
        return { ...r, path: readFileSync(out, 'utf8') };
      };
      // Whatever the test run's own environment says, nothing that sends validate to oclif.
      const plain = { GPPART_FAST_PATH: undefined, DEBUG: undefined, GPPART_DEBUG: undefined, CLI_FLAGS_DEBUG: undefined };
      const [fast, oclif] = await Promise.all([run(plain), run({ ...plain, GPPART_FAST_PATH: '0' })]);
      expect(oclif.path).toBe('oclif');
      expect({ code: fast.code, stdout: fast.stdout, stderr: fast.stderr }).toEqual({ code: oclif.code, stdout: oclif.stdout, stderr: oclif.stderr });
      return fast;
    }

    it('gives what the oclif command gives, for valid and invalid policies, in text and JSON', async () => {
      const example = join(ROOT, 'examples', 'gppart.yaml');
      const cases: { args: string[]; code: number; out?: RegExp; err?: RegExp; cwd?: string }[] = [
        { args: ['validate', '-c', example], code: 0, out: /gppart\.yaml: valid: 2 table\(s\), \d+ band\(s\)\n$/ },
        { args: ['validate', '--config', example, '--format', 'json'], code: 0, out: /"valid": true/ },
        { args: ['validate', '--format=json', `--config=${example}`], code: 0, out: /"valid": true/ },
        { args: ['validate', '--format', 'text', '-c', example], code: 0, out: /valid: 2 table/ },
        { args: ['validate', '-c', join(ROOT, 'test', 'fixtures', 'original-policy-example.yaml')], code: 0, out: /converted from the original Partition tools format/ },
        { args: ['validate', '-c', 'bad-yaml.yaml'], code: 1, err: /^bad-yaml\.yaml:\d+:\d+ /m, cwd: dir },
        { args: ['validate', '-c', 'bad-schema.yaml'], code: 1, err: /^bad-schema\.yaml:5:5 tables\[0\]\.surprise: /m, cwd: dir },
        { args: ['validate', '-c', 'bad-schema.yaml', '--format', 'json'], code: 1, out: /"valid": false[\s\S]*"line": 5/, cwd: dir },
        { args: ['validate', '-c', 'bad-zone.yaml'], code: 1, err: /^bad-zone\.yaml:4:15 tables\[0\]\.timezone: "Mars\/Phobos" is not an IANA time zone/m, cwd: dir },
        { args: ['validate', '-c', 'alias-zone.yaml'], code: 0, out: /valid: 1 table/, cwd: dir },
        { args: ['validate', '-c', 'name\x1b[31m.yaml'], code: 1, err: /^name\\x1b\[31m\.yaml:4:/m, cwd: dir },
        { args: ['validate', '-c', 'huge.yaml'], code: 1, err: /huge\.yaml/, cwd: dir },
        { args: ['validate', '-c', 'missing.yaml'], code: 1, err: /missing\.yaml.*no such file/, cwd: dir },
        { args: ['validate'], code: 1, err: /no such file in .*the default policy file; name another with -c FILE/, cwd: dir },
        { args: ['validate', '-c', dir], code: 1, err: /./ },
      ];
      for (const c of cases) {
        const r = await both(c.args, c.cwd);
        expect(r.path, c.args.join(' ')).toBe('fast');
        expect(r.code, c.args.join(' ')).toBe(c.code);
        if (c.out) expect(r.stdout).toMatch(c.out);
        if (c.err) expect(r.stderr).toMatch(c.err);
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
    });

    it('leaves everything else to oclif: help, unknown or repeated flags, arguments, odd spellings, debugging', async () => {
      const example = join(ROOT, 'examples', 'gppart.yaml');
      const cases: { args: string[]; env?: NodeJS.ProcessEnv; code?: number }[] = [
        { args: ['validate', '--help'] },
        { args: ['validate', '-c', example, '--help'] },
        { args: ['validate', '-c', '--help'] },
        { args: ['validate', '--bogus'] },
        { args: ['validate', '-x'] },
        { args: ['validate', 'extra'] },
        { args: ['validate', '-c', example, '--', 'extra'] },
        { args: ['validate', '-c', example, '-c', example] },
        { args: ['validate', '--format', 'xml', '-c', example] },
        { args: ['validate', '--format'] },
        { args: ['validate', '-c'] },
        { args: ['validate', `-c${example}`], code: 0 },
        { args: ['validate', `-c=${example}`], code: 0 },
        { args: ['validate', '--config=--format'] },
        { args: ['validate', '--config='] },
        { args: ['validate', '--conf', example] },
        { args: ['validate', '-c', example], env: { GPPART_DEBUG: '1' }, code: 0 },
        { args: ['validate', '-c', example], env: { DEBUG: 'nothing-that-matches' }, code: 0 },
      ];
      for (const c of cases) {
        const out = join(dir, `probe-${Math.random().toString(36).slice(2)}`);
        const r = await runCli(c.args, { env: { ...c.env, NODE_OPTIONS: `--require ${JSON.stringify(probe)}`, GPPART_TEST_PROBE: out } });
        expect(readFileSync(out, 'utf8'), c.args.join(' ')).toBe('oclif');
        if (c.args.includes('--help')) expect(r.stdout).toMatch(/USAGE/);
        else if (c.code === 0) expect(r.code, c.args.join(' ')).toBe(0);
        else expect([r.code, r.stderr], c.args.join(' ')).toEqual([expect.any(Number), expect.stringMatching(/\S/)]);
      }
    });
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
      expect(files).toContain('dist/fast/validate.cjs');
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
