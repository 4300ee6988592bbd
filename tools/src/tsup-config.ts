// The build every publishable package shares (packages/*/tsup.config.ts): ESM and CJS bundles of src/index.ts with
// a declaration file for each (dist/index.js + index.d.ts, dist/index.cjs + index.d.cts), for Node 20, with source
// maps. tsup leaves `dependencies` external, so the sibling @codepay packages, ajv and Prism are imported, never
// inlined. The package's own package.json (imported for its version) is inlined as `{ "version": "…" }` only: see
// versionOnlyPackageJson().
//
// Development never uses dist/: the workspace's package.json `exports` point at src/, and `publishConfig` swaps in
// dist/ when pnpm packs or publishes.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Options } from 'tsup';

export interface LibraryBuildOptions {
  /**
   * CommonJS source files (matched by path) to hand to the ESM build as ES modules — see commonJsAsEsm(). For the
   * models' ajv standalone validators (`*.gen.cjs`).
   */
  commonJsAsEsm?: RegExp;
  /** Remove dist/ first (turn off when another config writes into dist/ at the same time; see cleanDist()). */
  clean?: boolean;
  /**
   * Modules (paths under src/) that the main entry takes from a secondary entry's build instead of bundling a copy:
   * helpers both entries use, which the secondary entry (not the public one) exports. See secondaryEntryBuild().
   */
  fromSecondary?: { entry: string; modules: readonly string[] };
}

/**
 * The models' precompiled validators are CommonJS (`validators.gen.cjs`, ajv standalone output: `exports.x = …` and
 * `require("ajv/dist/runtime/ucs2length")`). Bundled into ESM as they are, esbuild would turn each `require()` of
 * a dependency into a `__require` shim that throws at load ("Dynamic require … is not supported"), and defining a
 * `require` (createRequire banner) would still leave the dependency invisible to users' bundlers. So the ESM build
 * reads such a file as the ES module it stands for:
 *   - `require("pkg/sub/path")`, in either quotes → `import * as ns from "pkg/sub/path.js"` (the extension Node's
 *     ESM resolver needs when the package has no `exports` map), then `ns.default` when that is the CommonJS `module.exports` (Node and
 *     Node-mode bundlers) and `ns` itself otherwise, so `.default`/`.fullFormats` read the same property as before;
 *   - `exports.name = value;` → `export { value as name }`, plus a default export of all of them (what
 *     `import validators from './validators.gen.cjs'` gets from a CommonJS module).
 * Anything else CommonJS in the file stops the build rather than ship something half converted.
 */
export function commonJsAsEsm(
  source: string,
  file: string,
  resolveSpecifier: (specifier: string) => string = (s) => s,
): string {
  const exported: Array<[name: string, local: string]> = [];
  const imports = new Map<string, string>();
  const body = source
    .replace(/^(["'])use strict\1;\n/m, '')
    .replace(/^exports\.([A-Za-z_$][\w$]*) = ([A-Za-z_$][\w$]*);\n/gm, (_line, name: string, local: string) => {
      exported.push([name, local]);
      return '';
    })
    .replace(/\brequire\((["'])([^"']+)\1\)/g, (_call, _quote: string, specifier: string) => {
      if (!imports.has(specifier)) imports.set(specifier, `__cjs${imports.size}`);
      return imports.get(specifier)!;
    });
  const leftover = /\bexports\.|\bmodule\.exports\b|\brequire\s*\(/.exec(body);
  if (leftover)
    throw new Error(
      `${file}: cannot convert to ESM (unexpected \`${leftover[0]}\`); update commonJsAsEsm() in tools/src/tsup-config.ts`,
    );
  if (exported.length === 0) throw new Error(`${file}: no \`exports.name = value;\` lines found`);
  const header = [...imports].map(
    ([specifier, local]) =>
      `import * as ${local}_ns from ${JSON.stringify(resolveSpecifier(specifier))};\nconst ${local} = ${local}_ns.default && ${local}_ns.default.__esModule ? ${local}_ns.default : ${local}_ns;`,
  );
  const footer = [
    `export { ${exported.map(([name, local]) => `${local} as ${name}`).join(', ')} };`,
    `export default { ${exported.map(([name, local]) => `${name}: ${local}`).join(', ')} };`,
  ];
  return [...header, body, ...footer].join('\n');
}

/** `pkg/sub/path` → `pkg/sub/path.js` when `pkg` has no `exports` map (Node's ESM resolver then wants the file name). */
function esmSpecifier(specifier: string, fromFile: string): string {
  const require = createRequire(fromFile);
  const packageName = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  if (specifier === packageName) return specifier;
  const manifest = JSON.parse(readFileSync(require.resolve(`${packageName}/package.json`), 'utf8')) as {
    exports?: unknown;
  };
  if (manifest.exports !== undefined || path.extname(specifier) !== '') return specifier;
  return `${specifier}${path.extname(require.resolve(specifier))}`;
}

function commonJsAsEsmPlugin(filter: RegExp): NonNullable<Options['esbuildPlugins']>[number] {
  return {
    name: 'commonjs-as-esm',
    setup(build) {
      if (build.initialOptions.format !== 'esm') return;
      build.onLoad({ filter }, (args) => ({
        contents: commonJsAsEsm(readFileSync(args.path, 'utf8'), args.path, (specifier) =>
          esmSpecifier(specifier, args.path),
        ),
        loader: 'js',
      }));
    },
  };
}

/**
 * `import packageJson from '../package.json'` (the SDK's and the transport's version) would inline the whole manifest
 * into the bundles — description, keywords, scripts, the dev dependencies — to read one field. The build hands esbuild
 * the package's own package.json as `{ "version": "…" }`; the sources stay as they are.
 */
export function versionOnlyPackageJson(packageDir = process.cwd()): NonNullable<Options['esbuildPlugins']>[number] {
  const own = path.resolve(packageDir, 'package.json');
  return {
    name: 'version-only-package-json',
    setup(build) {
      build.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
        if (path.resolve(args.path) !== own) return undefined;
        const { version } = JSON.parse(readFileSync(own, 'utf8')) as { version: string };
        return { contents: JSON.stringify({ version }), loader: 'json' };
      });
    },
  };
}

/**
 * Imports of the modules in `modules` (paths under src/) resolved to a built entry of the same package instead of
 * bundled: `./<entry>.js` (ESM) or `./<entry>.cjs` (CJS). Each module is then in one file of dist/ only.
 */
function fromBuiltEntry(entry: string, modules: readonly string[]): NonNullable<Options['esbuildPlugins']>[number] {
  const shared = new Set(modules.map((file) => path.resolve('src', file).replace(/\.ts$/, '')));
  return {
    name: `use-${entry}-build`,
    setup(build) {
      const target = build.initialOptions.format === 'cjs' ? `./${entry}.cjs` : `./${entry}.js`;
      build.onResolve({ filter: /^\.\.?\// }, (args) =>
        shared.has(path.resolve(args.resolveDir, args.path).replace(/\.[jt]s$/, ''))
          ? { path: target, external: true }
          : undefined,
      );
    },
  };
}

export function libraryBuild({
  commonJsAsEsm: commonJs,
  clean = true,
  fromSecondary,
}: LibraryBuildOptions = {}): Options {
  return {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean,
    splitting: false,
    shims: false,
    // Keep `node:crypto` as written (tsup 8 strips the prefix by default, for runtimes older than we support).
    removeNodeProtocol: false,
    esbuildPlugins: [
      versionOnlyPackageJson(),
      ...(commonJs ? [commonJsAsEsmPlugin(commonJs)] : []),
      ...(fromSecondary ? [fromBuiltEntry(fromSecondary.entry, fromSecondary.modules)] : []),
    ],
  };
}

/**
 * A second entry point, `src/<name>/index.ts` → dist/<name>.{js,cjs,d.ts,d.cts}: what sibling packages share beyond
 * the public API (`@codepay/transport/internal`). Its modules are bundled into it, except the ones named in
 * `fromLibrary` (paths under src/, e.g. `errors.ts`): those are imported from the package's main build (`./index.js`,
 * `./index.cjs`), so an error it throws is an instance of the very classes users import from the package.
 */
export function secondaryEntryBuild(name: string, fromLibrary: readonly string[]): Options {
  return {
    ...libraryBuild({ clean: false }),
    entry: { [name]: `src/${name}/index.ts` },
    esbuildPlugins: [versionOnlyPackageJson(), fromBuiltEntry('index', fromLibrary)],
  };
}

/**
 * An executable: `src/<name>.ts` → `dist/<name>.js` (ESM only, with a `#!/usr/bin/env node` line so it can be a
 * package `bin`). Imports of the modules named in `fromLibrary` are left as imports of the package's own
 * `./index.js`, so the executable shares the library build instead of carrying a second copy of it.
 */
export function executableBuild(name: string, fromLibrary: readonly string[] = []): Options {
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fromLibraryImport = new RegExp(`^\\./(?:${fromLibrary.map(escapeRegExp).join('|')})$`);
  return {
    entry: { [name]: `src/${name}.ts` },
    format: ['esm'],
    dts: false,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
    splitting: false,
    removeNodeProtocol: false,
    banner: { js: '#!/usr/bin/env node' },
    esbuildPlugins: [
      versionOnlyPackageJson(),
      {
        name: 'use-library-build',
        setup(build) {
          if (fromLibrary.length === 0) return;
          const srcDir = path.resolve('src');
          build.onResolve({ filter: fromLibraryImport }, (args) =>
            path.dirname(args.importer) === srcDir ? { path: './index.js', external: true } : undefined,
          );
        },
      },
    ],
  };
}

/** For a package built by several configs at once (their own `clean` would race): empty dist/ before any starts. */
export function cleanDist(packageDir = process.cwd()): void {
  rmSync(path.join(packageDir, 'dist'), { recursive: true, force: true });
}
