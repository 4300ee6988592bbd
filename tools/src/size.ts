// `pnpm size`: what the SDK costs its users, measured from the built packages (dist/, as published).
//   - bundle: `import { createCodePay } from '@codepay/sdk'` bundled by esbuild for Node (ESM, minified, Node
//     built-ins external, everything else — transport, models, ajv's runtime helpers — inside), with the share of
//     each package from the metafile;
//   - install: each package's tarball unpacked, and with its production dependencies (the other @codepay
//     tarballs it depends on, plus the registry packages as installed in node_modules).
// Fails when the bundle is over the budget (BUNDLE_BUDGET_BYTES). `--no-build` reuses the dist/ already there.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { repoRoot } from './paths.js';
import {
  buildPackages,
  packPackages,
  publishablePackages,
  tarballEntries,
  withTempDir,
  type PackedPackage,
} from './release-packages.js';

/** The budget for the SDK with its runtime dependencies, minified (1 KB = 1000 bytes). */
export const BUNDLE_BUDGET_BYTES = 180_000;

export const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/**
 * `@codepay/<name>` resolves to the built ESM bundle, not to the workspace's src/; a subpath such as
 * `@codepay/transport/internal` to its own built entry (`dist/internal.js`), as the published `exports` say.
 */
function builtPackages(): Plugin {
  const dirs = new Map(publishablePackages().map((p) => [p.name, path.join(repoRoot, p.dir)]));
  return {
    name: 'built-codepay-packages',
    setup(b) {
      b.onResolve({ filter: /^@codepay\/[\w-]+(?:\/[\w-]+)?$/ }, (args) => {
        const [scope, name, subpath] = args.path.split('/');
        const dir = dirs.get(`${scope}/${name}`);
        if (!dir) return undefined;
        const file = path.join(dir, `dist/${subpath ?? 'index'}.js`);
        if (!existsSync(file)) throw new Error(`${file} is missing: run pnpm build`);
        return { path: file };
      });
    },
  };
}

/** Who owns a bundled input: `@codepay/transport`, `ajv`, `(entry)`. */
export function ownerOf(input: string): string {
  const codepay = /(?:^|\/)packages\/([\w-]+)\/dist\//.exec(input);
  if (codepay) return `@codepay/${codepay[1]}`;
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(input);
  return dependency ? dependency[1]! : '(entry)';
}

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  byOwner: Array<{ owner: string; bytes: number }>;
  biggestInputs: Array<{ input: string; bytes: number }>;
}

export async function measureBundle(entry = "export { createCodePay } from '@codepay/sdk';"): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'js', sourcefile: 'size-entry.js' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [builtPackages()],
  });
  const output = result.outputFiles[0]!;
  const [, meta] = Object.entries((result.metafile as Metafile).outputs)[0]!;
  const byOwner = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(meta.inputs))
    byOwner.set(ownerOf(input), (byOwner.get(ownerOf(input)) ?? 0) + bytesInOutput);
  return {
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    byOwner: [...byOwner].map(([owner, bytes]) => ({ owner, bytes })).sort((a, b) => b.bytes - a.bytes),
    biggestInputs: Object.entries(meta.inputs)
      .map(([input, { bytesInOutput }]) => ({
        input: path.relative(repoRoot, path.resolve(repoRoot, input)),
        bytes: bytesInOutput,
      }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 8),
  };
}

function directorySize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += directorySize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/**
 * A package's production install: its tarball, the tarballs of the @codepay packages it depends on, and every
 * registry package in its dependency tree as pnpm installed it (a package directory holds what its tarball
 * unpacks to), each counted once.
 */
function installSize(
  pkg: PackedPackage,
  packed: ReadonlyMap<string, PackedPackage>,
  unpacked: ReadonlyMap<string, number>,
): { bytes: number; packages: number } {
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (name: string, fromDir: string) => {
    const own = packed.get(name);
    const key = own
      ? name
      : (() => {
          try {
            return realpathSync(
              path.dirname(createRequire(path.join(fromDir, 'package.json')).resolve(`${name}/package.json`)),
            );
          } catch {
            return undefined;
          }
        })();
    if (!key || seen.has(key)) return;
    seen.add(key);
    const dir = own ? own.dir : key;
    bytes += own ? unpacked.get(name)! : directorySize(dir);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }))
      visit(dependency, dir);
  };
  visit(pkg.name, pkg.dir);
  return { bytes, packages: seen.size };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  '),
    )
    .join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  if (!argv.includes('--no-build')) buildPackages();
  const bundle = await measureBundle();
  const within = bundle.bytes <= BUNDLE_BUDGET_BYTES;
  console.log(
    "Bundle of `import { createCodePay } from '@codepay/sdk'` (esbuild: node, esm, minified; Node built-ins external):",
  );
  console.log(
    table([
      ['package', 'minified'],
      ...bundle.byOwner.map(({ owner, bytes }) => [owner, kb(bytes)]),
      ['total', kb(bundle.bytes)],
      ['total, gzipped', kb(bundle.gzipBytes)],
    ]),
  );
  console.log(
    `budget ${kb(BUNDLE_BUDGET_BYTES)}: ${within ? 'met' : `OVER by ${kb(bundle.bytes - BUNDLE_BUDGET_BYTES)}`}`,
  );
  if (!within) {
    console.log('largest inputs:');
    for (const { input, bytes } of bundle.biggestInputs) console.log(`  ${kb(bytes).padStart(9)}  ${input}`);
  }

  console.log('\nInstall size (what npm unpacks; "with dependencies" = the production tree):');
  const rows = withTempDir('codepay-size-', (dir) => {
    const packed = packPackages(dir);
    const byName = new Map(packed.map((p) => [p.name, p]));
    const unpacked = new Map(
      packed.map((p) => [p.name, tarballEntries(p.tarball).reduce((sum, e) => sum + e.size, 0)]),
    );
    return packed.map((p) => {
      const tgz = statSync(p.tarball).size;
      const tree = installSize(p, byName, unpacked);
      return [p.name, kb(tgz), kb(unpacked.get(p.name)!), kb(tree.bytes), String(tree.packages)];
    });
  });
  console.log(table([['package', 'tarball', 'unpacked', 'with dependencies', 'packages'], ...rows]));
  return within ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
