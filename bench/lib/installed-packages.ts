// The cold-start family measures what a user installs: @codepay/models, /transport and /sdk packed the way
// `pnpm publish` packs them (each package's prepack guard builds a stale or missing dist/ first) and installed with
// `npm install` into a project outside the workspace, beside alipay-sdk from the npm registry (the version the bench
// uses everywhere else). The child script runs there with plain `node`, no TypeScript loader: both libraries are
// published JavaScript resolved from node_modules.
//
// The project is kept under the OS temporary directory, keyed by a hash of the tarballs, the alipay-sdk version and
// the child script, so a second run with the same build reuses it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { npmEnvironment, packResult, runPnpm } from '../../tools/src/release-packages.js';
import { repoRoot } from '../../tools/src/paths.js';

/** The packages the SDK needs at run time (the mock is not imported by the child). */
const PACKED = ['packages/models', 'packages/transport', 'packages/sdk'];
const CHILD_SOURCE = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url));

export interface InstalledConsumer {
  /** The consumer project: run the child with this as the working directory. */
  dir: string;
  /** The child script, as JavaScript, inside the project. */
  childScript: string;
  /** Installed versions: @codepay/sdk and alipay-sdk. */
  sdkVersion: string;
  peerVersion: string;
  /** Whether this run installed it (false: reused from an earlier run with the same tarballs). */
  fresh: boolean;
}

function installedVersion(dir: string, name: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

export function installedConsumer(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): InstalledConsumer {
  const peerVersion = installedVersion(path.join(repoRoot, 'bench'), 'alipay-sdk');
  const tarballs = mkdtempSync(path.join(os.tmpdir(), 'codepay-bench-tarballs-'));
  try {
    log('  cold start: packing @codepay/models, /transport and /sdk (building what is stale)');
    const packed = PACKED.map((dir) =>
      path.resolve(
        tarballs,
        packResult(runPnpm(['pack', '--json', '--pack-destination', tarballs], { cwd: path.join(repoRoot, dir) }))
          .filename,
      ),
    );
    const child = transformSync(readFileSync(CHILD_SOURCE, 'utf8'), {
      loader: 'ts',
      format: 'esm',
      target: 'node20',
    }).code;
    const hash = createHash('sha256');
    for (const tarball of packed) hash.update(readFileSync(tarball));
    hash.update(peerVersion).update(child);
    const dir = path.join(os.tmpdir(), `codepay-bench-consumer-${hash.digest('hex').slice(0, 16)}`);
    const childScript = path.join(dir, 'cold-start-child.mjs');
    const ready = path.join(dir, '.installed');
    let fresh = false;
    if (!existsSync(ready)) {
      log(`  cold start: npm install of the tarballs and alipay-sdk@${peerVersion} into ${dir}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'package.json'),
        `${JSON.stringify({ name: 'codepay-bench-consumer', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
      );
      execFileSync(
        'npm',
        ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packed, `alipay-sdk@${peerVersion}`],
        { cwd: dir, env: npmEnvironment(), stdio: ['ignore', 'ignore', 'inherit'] },
      );
      writeFileSync(childScript, child);
      writeFileSync(ready, new Date().toISOString());
      fresh = true;
    }
    return {
      dir,
      childScript,
      sdkVersion: installedVersion(dir, '@codepay/sdk'),
      peerVersion: installedVersion(dir, 'alipay-sdk'),
      fresh,
    };
  } finally {
    rmSync(tarballs, { recursive: true, force: true });
  }
}
