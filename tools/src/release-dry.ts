// `pnpm release:dry`: a release, short of publishing, checked the way users meet it.
//   1. copy the repository (git-tracked and untracked, not ignored, files; no node_modules) to a temporary directory
//      and install it there (`pnpm install --frozen-lockfile`, offline from the store when it can);
//   2. `changeset version` there: the pending changesets in .changeset/ become versions and CHANGELOG.md files;
//   3. build and `pnpm pack` every publishable package (publishConfig applied, workspace: ranges made versions);
//   4. `npm install` the tarballs into a fresh project outside any workspace (their registry dependencies come from
//      the npm registry), with TypeScript 5.9 and @types/node;
//   5. run the consumers of release-consumers.ts against the mock: CommonJS, ESM (against the installed
//      `codepay-mock` executable), and TypeScript ESM and CommonJS (tsc --noEmit with nodenext, then run).
// Exits non-zero on any failure and removes its temporary directory (`--keep` keeps it, to look inside).
import { execFileSync, spawn, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { repoRoot } from './paths.js';
import { consumerFiles } from './release-consumers.js';
import { npmEnvironment, packPackages, pnpmCommand, publishablePackages, type PackedPackage } from './release-packages.js';

const TYPESCRIPT = 'typescript@~5.9.3';
const TYPES_NODE = '@types/node@^20.19.0';

async function step<T>(title: string, action: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`== ${title}\n`);
  const result = await action();
  process.stdout.write(`   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  return result;
}

/** Runs a command, showing its output only when it fails. */
function quiet(command: string, args: readonly string[], options: ExecFileSyncOptions): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }) as string;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    process.stderr.write(`${stdout}${stderr}`);
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed in ${String(options.cwd)}`);
  }
}

function quietPnpm(args: readonly string[], cwd: string): string {
  const { command, prefix } = pnpmCommand();
  return quiet(command, [...prefix, ...args], { cwd });
}

export function copyRepository(source: string, destination: string): number {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: source, encoding: 'utf8' }).split('\0');
  let copied = 0;
  for (const file of new Set(listed.filter(Boolean))) {
    if (file.split('/').includes('node_modules')) continue;
    const from = path.join(source, file);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(destination, file)), { recursive: true });
    copyFileSync(from, path.join(destination, file));
    copied++;
  }
  return copied;
}

function versionsOf(root: string): Map<string, string> {
  return new Map(publishablePackages(root).map((p) => [p.name, (JSON.parse(readFileSync(path.join(root, p.dir, 'package.json'), 'utf8')) as { version: string }).version]));
}

/** Starts the installed `codepay-mock` executable on a free port; resolves with its URL once it listens. */
async function startMockBin(consumerDir: string, keysFile: string) {
  const bin = path.join(consumerDir, 'node_modules/.bin/codepay-mock');
  const child = spawn(bin, ['--port', '0', '--keys-out', keysFile], { cwd: consumerDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`codepay-mock did not start within 60 s:\n${output}`)), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`codepay-mock exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    async stop(): Promise<number | null> {
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill('SIGINT');
      const [code] = await exited;
      return code;
    },
  };
}

function assertInstalledFromTarballs(consumerDir: string, version: string, packages: readonly PackedPackage[]): void {
  const lock = JSON.parse(readFileSync(path.join(consumerDir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; resolved?: string }> };
  const installed = Object.entries(lock.packages).filter(([location]) => /node_modules\/@codepay\//.test(location));
  const problems = installed
    .filter(([location, entry]) => entry.version !== version || !/^file:/.test(entry.resolved ?? '') || location.split('node_modules/').length > 2)
    .map(([location, entry]) => `${location}@${entry.version} from ${entry.resolved}`);
  if (installed.length !== packages.length || problems.length > 0) {
    throw new Error(`the consumer did not get exactly the four tarballs at ${version}: ${problems.join(', ') || installed.map(([l]) => l).join(', ')}`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const keep = argv.includes('--keep');
  const work = mkdtempSync(path.join(os.tmpdir(), 'codepay-release-dry-'));
  const repo = path.join(work, 'repo');
  const tarballs = path.join(work, 'tarballs');
  const consumer = path.join(work, 'consumer');
  const started = Date.now();
  try {
    await step(`copy the repository to ${repo}`, () => {
      const count = copyRepository(repoRoot, repo);
      console.log(`   ${count} files`);
    });

    await step('pnpm install --frozen-lockfile (in the copy)', () => {
      try {
        execFileSync(pnpmCommand().command, [...pnpmCommand().prefix, 'install', '--frozen-lockfile', '--offline'], { cwd: repo, stdio: 'ignore' });
      } catch {
        console.log('   not everything is in the pnpm store: installing from the registry');
        quietPnpm(['install', '--frozen-lockfile', '--prefer-offline'], repo);
      }
    });

    const version = await step('changeset version', () => {
      const before = versionsOf(repo);
      const pending = readdirSync(path.join(repo, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
      quietPnpm(['exec', 'changeset', 'version'], repo);
      const after = versionsOf(repo);
      for (const [name, next] of after) console.log(`   ${name}: ${before.get(name)} → ${next}`);
      const versions = new Set(after.values());
      if (versions.size !== 1) throw new Error(`the fixed group should share one version, got ${[...versions].join(', ')}`);
      const [next] = versions;
      if (pending.length > 0 && [...before.values()].includes(next!)) throw new Error(`${pending.length} pending changesets but the version stayed ${next}`);
      for (const pkg of publishablePackages(repo)) {
        if (pending.length > 0 && !existsSync(path.join(repo, pkg.dir, 'CHANGELOG.md'))) throw new Error(`no CHANGELOG.md written for ${pkg.name}`);
      }
      console.log(`   ${pending.length} changesets consumed; CHANGELOG.md written for each package`);
      return next!;
    });

    await step('pnpm build (in the copy)', () => void quietPnpm(['build'], repo));

    const packed = await step('pnpm pack', () => {
      mkdirSync(tarballs);
      const result = packPackages(tarballs, repo);
      for (const p of result) console.log(`   ${path.basename(p.tarball)} (${(statSync(p.tarball).size / 1000).toFixed(1)} KB)`);
      return result;
    });

    await step(`npm install the tarballs, ${TYPESCRIPT} and ${TYPES_NODE} into ${consumer}`, () => {
      mkdirSync(consumer);
      for (const [file, content] of Object.entries(consumerFiles)) writeFileSync(path.join(consumer, file), content);
      quiet('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', consumer, ...packed.map((p) => p.tarball), TYPESCRIPT, TYPES_NODE], {
        cwd: consumer,
        env: npmEnvironment(),
      });
      assertInstalledFromTarballs(consumer, version, packed);
      console.log(`   ${packed.map((p) => `${p.name}@${version}`).join(', ')} installed from the tarballs`);
    });

    const env = { ...npmEnvironment(), CODEPAY_EXPECTED_VERSION: version };
    const node = (file: string, extra: NodeJS.ProcessEnv = {}) => process.stdout.write(`   ${quiet(process.execPath, [file], { cwd: consumer, env: { ...env, ...extra } }).trim()}\n`);

    await step("CommonJS consumer: require('@codepay/sdk'), require('@codepay/mock')", () => node('consumer.cjs'));

    await step('ESM consumer: import, against the installed codepay-mock executable', async () => {
      const keysFile = path.join(consumer, 'mock-keys.json');
      const mock = await startMockBin(consumer, keysFile);
      console.log(`   codepay-mock listening on ${mock.url}`);
      try {
        node('consumer.mjs', { CODEPAY_BASE_URL: mock.url, CODEPAY_KEYS_FILE: keysFile });
      } finally {
        const code = await mock.stop();
        if (code !== 0) throw new Error(`codepay-mock exited with ${code} on SIGINT`);
        console.log('   codepay-mock stopped on SIGINT with exit code 0');
      }
    });

    await step('TypeScript consumers (ESM and CommonJS): tsc --noEmit, module/moduleResolution nodenext', () => {
      const tsc = path.join(consumer, 'node_modules/typescript/bin/tsc');
      const tscVersion = quiet(process.execPath, [tsc, '--version'], { cwd: consumer }).trim();
      quiet(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer });
      console.log(`   ${tscVersion}: no errors (declaration files included)`);
      // Compile to run them (already checked: --noCheck skips checking them twice).
      quiet(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', 'false', '--noCheck'], { cwd: consumer });
      node('out/consumer.mjs');
      node('out/consumer.cjs');
    });

    console.log(`release:dry: ${packed.length} packages at ${version} install and work from CommonJS, ESM and TypeScript (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`release:dry failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
