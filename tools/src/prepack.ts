// Each publishable package's `prepack` script (`tsx ../../tools/src/prepack.ts`, run from the package directory by
// `pnpm pack` and `pnpm publish` before they pack): no tarball without a current build. When a file the package
// publishes from dist/ is missing, or older than what it is built from (src/, package.json — the version is inlined —,
// tsup.config.ts and the shared build code in tools/src/), it runs the package's `build` script first; a failed build
// fails the pack. npm versions are immutable: a tarball without dist/ cannot be published twice.
// Everything it prints goes to stderr, so `pnpm pack --json` still prints its JSON on stdout.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const toolsDir = path.dirname(fileURLToPath(import.meta.url));

/** The files under dist/ the package's published manifest points at (exports, main, module, types, bin). */
export function publishedFiles(manifest: Record<string, unknown>): string[] {
  const publish = { ...manifest, ...((manifest.publishConfig as Record<string, unknown> | undefined) ?? {}) };
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      if (/^\.\/dist\//.test(value)) found.add(path.posix.normalize(value));
    } else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const field of ['exports', 'main', 'module', 'types', 'bin']) visit(publish[field]);
  return [...found].sort();
}

function newestFile(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((newest, entry) => Math.max(newest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Why the package needs a build before it is packed (missing or stale outputs), or undefined when dist/ is current. */
export function staleBuild(packageDir: string): string | undefined {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as Record<string, unknown>;
  const outputs = publishedFiles(manifest);
  if (outputs.length === 0) return 'package.json points at no file under dist/';
  const missing = outputs.filter((file) => !existsSync(path.join(packageDir, file)));
  if (missing.length > 0) return `${missing.join(', ')} missing`;
  const inputs = [
    'src',
    'package.json',
    'tsup.config.ts',
    path.join(toolsDir, 'tsup-config.ts'),
    path.join(toolsDir, 'finish-build.ts'),
  ];
  const newestInput = Math.max(...inputs.map((input) => newestFile(path.resolve(packageDir, input))));
  const oldestOutput = Math.min(...outputs.map((file) => statSync(path.join(packageDir, file)).mtimeMs));
  return newestInput > oldestOutput ? 'dist/ is older than its sources' : undefined;
}

/** How to run `pnpm run build`: the pnpm that runs this script names itself in npm_execpath. */
function pnpmRun(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath)) && /\.c?js$/.test(execPath))
    return [process.execPath, [execPath, 'run', 'build']];
  return ['npx', ['-y', 'pnpm@10', 'run', 'build']];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const packageDir = process.cwd();
  const name = (JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { name: string }).name;
  const reason = staleBuild(packageDir);
  if (reason) {
    console.error(`prepack ${name}: ${reason}; building it first`);
    const [command, args] = pnpmRun();
    try {
      execFileSync(command, args, { cwd: packageDir, stdio: ['ignore', process.stderr, process.stderr] });
    } catch {
      console.error(`prepack ${name}: the build failed; not packing a package without a current dist/`);
      process.exit(1);
    }
    const still = staleBuild(packageDir);
    if (still) {
      console.error(`prepack ${name}: still ${still} after building; not packing it`);
      process.exit(1);
    }
  } else {
    console.error(`prepack ${name}: dist/ is current`);
  }
}
