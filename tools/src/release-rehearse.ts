// `pnpm release:rehearse`: two real release cycles against a local npm registry, and a user's project installing
// from it — what `pnpm release` does on the day, short of the public registry.
//   1. Verdaccio 6.8.0 (installed by this script into a cache under the OS temporary directory, with node-fetch
//      pinned to 2.7.0: newer verdaccio needs Node 22) on 127.0.0.1, a free port, storage in a temporary directory;
//      a user created on it and its token given to the release as NODE_AUTH_TOKEN, through the .npmrc line the
//      README's "Releasing" asks CI for;
//   2. a copy of the repository (its files, a fresh git history of one commit, its own `pnpm install`);
//   3. release 1: `pnpm release --registry <local>` there: the pending changesets become the version, build, checks,
//      publish, tags; the registry serves all four packages at that version, each depending on its siblings at
//      exactly that version;
//   4. a fresh consumer project (outside any workspace) installs @codepay/sdk and @codepay/mock from the registry
//      (`@codepay:registry` in its .npmrc; everything else from the usual registry) with TypeScript 5.9, and runs
//      the consumers of release-consumers.ts: CommonJS, ESM against the installed `codepay-mock` executable, and
//      TypeScript (tsc, nodenext) compiled and run;
//   5. a patch changeset, committed; release 2;
//   6. `npm update` in the consumer: all four packages move to release 2 together; the consumers run again;
//   7. a second project installs @codepay/sdk at release 1 exactly: it gets transport and models at release 1 too,
//      although release 2 is out;
//   8. the registry is stopped by its pid (also on failure or interruption); the temporary directory removed
//      (`--keep` keeps it).
// Every command has a time limit, and the whole rehearsal stops after REHEARSAL_LIMIT_MS.
import { execFileSync, spawn, type ChildProcess, type ExecFileSyncOptions } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from './paths.js';
import { consumerFiles } from './release-consumers.js';
import { copyRepository, installCopy, npmEnvironment, pnpmCommand } from './release-packages.js';
import { publishablePackages, versionOf } from './release-state.js';

export const VERDACCIO_VERSION = '6.8.0';
/** verdaccio 6.8.0 with node-fetch 3 needs Node 22; 2.7.0 runs on Node 20. */
export const VERDACCIO_OVERRIDES = { 'node-fetch': '2.7.0' };
const TYPESCRIPT = 'typescript@~5.9.3';
const TYPES_NODE = '@types/node@^20.19.0';
const COMMAND_LIMIT_MS = 10 * 60_000;
export const REHEARSAL_LIMIT_MS = 30 * 60_000;

const started = Date.now();

async function step<T>(title: string, action: () => T | Promise<T>): Promise<T> {
  if (Date.now() - started > REHEARSAL_LIMIT_MS)
    throw new Error(`over the ${REHEARSAL_LIMIT_MS / 60_000} min limit before "${title}"`);
  const stepStarted = Date.now();
  process.stdout.write(`== ${title}\n`);
  const result = await action();
  process.stdout.write(`   (${((Date.now() - stepStarted) / 1000).toFixed(1)} s)\n`);
  return result;
}

/** Runs a command, showing its output only when it fails. */
function quiet(command: string, args: readonly string[], options: ExecFileSyncOptions): string {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: COMMAND_LIMIT_MS,
      maxBuffer: 64 * 1024 * 1024,
      ...options,
    }) as string;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    process.stderr.write(`${stdout}${stderr}`);
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed in ${String(options.cwd)}`);
  }
}

/** Runs a command with its output shown, indented. */
function loud(command: string, args: readonly string[], options: ExecFileSyncOptions): void {
  const output = quiet(command, args, options);
  process.stdout.write(output.replace(/^(?=.)/gm, '   | '));
}

// ---- the registry ----------------------------------------------------------------------------------------------

/** Installs verdaccio (once) into a cache directory; returns that directory. */
export function installVerdaccio(cacheRoot = os.tmpdir()): string {
  const dir = path.join(cacheRoot, `codepay-verdaccio-${VERDACCIO_VERSION}`);
  const installed = path.join(dir, 'node_modules', 'verdaccio', 'package.json');
  if (
    existsSync(installed) &&
    (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version === VERDACCIO_VERSION
  )
    return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    `${JSON.stringify({ name: 'codepay-rehearsal-registry', private: true, dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: VERDACCIO_OVERRIDES }, null, 2)}\n`,
  );
  quiet('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'], {
    cwd: dir,
    env: npmEnvironment(),
  });
  return dir;
}

export function verdaccioConfig(storage: string): string {
  return [
    `storage: ${JSON.stringify(path.join(storage, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(path.join(storage, 'htpasswd'))}`,
    '    max_users: 10',
    // No uplinks: the registry holds only what the rehearsal publishes; users' other packages come from their own.
    'uplinks: {}',
    'packages:',
    "  '@codepay/*':",
    '    access: $all',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    publish: $authenticated',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

export interface LocalRegistry {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts verdaccio on 127.0.0.1, port chosen by the OS; resolves once it listens. */
export async function startRegistry(verdaccioDir: string, storage: string): Promise<LocalRegistry> {
  mkdirSync(storage, { recursive: true });
  const config = path.join(storage, 'config.yaml');
  writeFileSync(config, verdaccioConfig(storage));
  const ready = path.join(storage, 'ready');
  const launcher = path.join(storage, 'launch.cjs');
  writeFileSync(
    launcher,
    [
      `const { runServer } = require(${JSON.stringify(path.join(verdaccioDir, 'node_modules', 'verdaccio'))});`,
      'const { writeFileSync } = require("node:fs");',
      '(async () => {',
      `  const app = await runServer(${JSON.stringify(config)});`,
      "  const server = app.listen(0, '127.0.0.1', () => {",
      `    writeFileSync(${JSON.stringify(ready)}, \`http://127.0.0.1:\${server.address().port}/\`);`,
      '  });',
      '})().catch((error) => { console.error(error); process.exit(1); });',
      '',
    ].join('\n'),
  );
  const log = openSync(path.join(storage, 'verdaccio.log'), 'a');
  const child: ChildProcess = spawn(process.execPath, [launcher], {
    stdio: ['ignore', log, log],
    env: npmEnvironment(),
  });
  const stopSync = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
  };
  process.once('exit', stopSync);
  const deadline = Date.now() + 60_000;
  while (!existsSync(ready)) {
    if (child.exitCode !== null)
      throw new Error(
        `verdaccio exited (${child.exitCode}) before listening:\n${readFileSync(path.join(storage, 'verdaccio.log'), 'utf8')}`,
      );
    if (Date.now() > deadline) {
      stopSync();
      throw new Error('verdaccio did not listen within 60 s');
    }
    await delay(100);
  }
  return {
    url: readFileSync(ready, 'utf8'),
    pid: child.pid!,
    async stop() {
      process.off('exit', stopSync);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      process.kill(child.pid!, 'SIGTERM');
      const killed = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** Creates a user on the registry (what `npm adduser` does) and returns its token. */
export async function createRegistryUser(url: string, name = 'rehearsal'): Promise<string> {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      password: `rehearsal-${process.pid}-${Date.now()}`,
      email: `${name}@example.com`,
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token)
    throw new Error(`could not create a user on ${url}: ${response.status} ${body.error ?? ''}`);
  return body.token;
}

// ---- the consumer ------------------------------------------------------------------------------------------------

/**
 * A consumer's .npmrc: @codepay from the local registry, everything else from the usual one; and the lockfile records
 * where each package came from (some machines' npm config omits registry URLs from lockfiles).
 */
export function consumerNpmrc(url: string): string {
  return `@codepay:registry=${url}\nomit-lockfile-registry-resolved=false\n`;
}

/** The @codepay packages a consumer's package-lock.json holds: location → version and where it came from. */
export function installedCodePay(consumerDir: string): Array<{ location: string; version: string; resolved: string }> {
  const lock = JSON.parse(readFileSync(path.join(consumerDir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; resolved?: string }>;
  };
  return Object.entries(lock.packages)
    .filter(([location]) => /node_modules\/@codepay\//.test(location))
    .map(([location, entry]) => ({ location, version: entry.version ?? '', resolved: entry.resolved ?? '' }));
}

/** Problems with what a consumer installed: each of `names` once, at `version`, from the registry at `url`. */
export function installProblems(
  installed: ReturnType<typeof installedCodePay>,
  names: readonly string[],
  version: string,
  url: string,
): string[] {
  const problems: string[] = [];
  for (const name of names) {
    const copies = installed.filter((i) => i.location.endsWith(`node_modules/${name}`));
    if (copies.length !== 1)
      problems.push(
        `${name}: ${copies.length} copies (${copies.map((c) => `${c.location}@${c.version}`).join(', ') || 'none'})`,
      );
    for (const copy of copies) {
      if (copy.version !== version) problems.push(`${copy.location} is ${copy.version}, not ${version}`);
      if (!copy.resolved.startsWith(url)) problems.push(`${copy.location} came from ${copy.resolved}, not ${url}`);
    }
  }
  return problems;
}

/** Starts the installed `codepay-mock` executable on a free port; resolves with its URL once it listens. */
async function startMockBin(consumerDir: string, keysFile: string) {
  const bin = path.join(consumerDir, 'node_modules/.bin/codepay-mock');
  const child = spawn(bin, ['--port', '0', '--keys-out', keysFile], {
    cwd: consumerDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

async function runConsumers(consumer: string, version: string): Promise<void> {
  const env = { ...npmEnvironment(), CODEPAY_EXPECTED_VERSION: version };
  const node = (file: string, extra: NodeJS.ProcessEnv = {}) =>
    process.stdout.write(
      `   ${quiet(process.execPath, [file], { cwd: consumer, env: { ...env, ...extra } }).trim()}\n`,
    );
  node('consumer.cjs');
  const keysFile = path.join(consumer, 'mock-keys.json');
  const mock = await startMockBin(consumer, keysFile);
  let failure: unknown;
  try {
    node('consumer.mjs', { CODEPAY_BASE_URL: mock.url, CODEPAY_KEYS_FILE: keysFile });
  } catch (error) {
    failure = error;
  }
  const code = await mock.stop();
  // The consumer's own failure is the one worth reporting; the mock's exit code only when the consumer passed.
  if (failure !== undefined) throw failure;
  if (code !== 0) throw new Error(`codepay-mock exited with ${code} on SIGINT`);
  const tsc = path.join(consumer, 'node_modules/typescript/bin/tsc');
  quiet(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer });
  quiet(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', 'false', '--noCheck'], { cwd: consumer });
  node('out/consumer.mjs');
  node('out/consumer.cjs');
  console.log(
    `   CommonJS, ESM (codepay-mock ${mock.url}) and TypeScript (tsc nodenext, no errors) consumers passed on ${version}`,
  );
}

// ---- the rehearsal -----------------------------------------------------------------------------------------------

async function main(argv: readonly string[]): Promise<void> {
  const keep = argv.includes('--keep');
  const work = mkdtempSync(path.join(os.tmpdir(), 'codepay-release-rehearsal-'));
  const repo = path.join(work, 'repo');
  const consumer = path.join(work, 'consumer');
  const pinned = path.join(work, 'pinned');
  let registry: LocalRegistry | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    if (registry) process.kill(registry.pid, 'SIGTERM');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const overall = setTimeout(() => {
    console.error(`release:rehearse: over ${REHEARSAL_LIMIT_MS / 60_000} min; stopping`);
    if (registry) process.kill(registry.pid, 'SIGTERM');
    process.exit(1);
  }, REHEARSAL_LIMIT_MS);
  overall.unref();
  try {
    const verdaccio = await step(
      `install verdaccio ${VERDACCIO_VERSION} (node-fetch ${VERDACCIO_OVERRIDES['node-fetch']})`,
      () => installVerdaccio(),
    );
    registry = await step('start the registry on 127.0.0.1', () =>
      startRegistry(verdaccio, path.join(work, 'registry')),
    );
    const url = registry.url;
    console.log(`   verdaccio pid ${registry.pid} at ${url}`);
    const token = await step('create a registry user; its token is the release’s NODE_AUTH_TOKEN', () =>
      createRegistryUser(url),
    );

    await step(`copy the repository to ${repo}; one commit; pnpm install`, () => {
      const count = copyRepository(repoRoot, repo);
      // What CI's .npmrc gets for the public registry, here for the local one.
      appendFileSync(path.join(repo, '.npmrc'), `//${new URL(url).host}/:_authToken=\${NODE_AUTH_TOKEN}\n`);
      for (const args of [
        ['init', '-q', '-b', 'main'],
        ['config', 'user.name', 'Release Rehearsal'],
        ['config', 'user.email', 'rehearsal@example.com'],
        ['add', '-A'],
        ['commit', '-q', '-m', 'rehearsal: the repository as it is'],
      ]) {
        quiet('git', args, { cwd: repo });
      }
      installCopy(repo);
      console.log(`   ${count} files`);
    });

    const env = { ...npmEnvironment(), NODE_AUTH_TOKEN: token };
    const { command: pnpm, prefix } = pnpmCommand();
    const names = publishablePackages(repo).map((p) => p.name);
    const releaseOnce = (label: string) =>
      step(`${label}: pnpm release --registry ${url}`, () => {
        loud(pnpm, [...prefix, 'release', '--registry', url], { cwd: repo, env });
        const versions = new Set(publishablePackages(repo).map((p) => versionOf(repo, p)));
        if (versions.size !== 1) throw new Error(`the fixed group has versions ${[...versions].join(', ')}`);
        const version = [...versions][0]!;
        const tags = quiet('git', ['tag', '--points-at', 'HEAD'], { cwd: repo }).trim().split('\n');
        const missing = names.filter((name) => !tags.includes(`${name}@${version}`));
        if (missing.length > 0) throw new Error(`no release tag for ${missing.join(', ')} at HEAD`);
        console.log(`   released ${version}; tags ${names.map((n) => `${n}@${version}`).join(', ')}`);
        return version;
      });

    const first = await releaseOnce('release 1');

    await step(
      `consumer: npm install @codepay/sdk@${first} @codepay/mock@${first} ${TYPESCRIPT} ${TYPES_NODE} from the registry`,
      () => {
        mkdirSync(consumer);
        for (const [file, content] of Object.entries(consumerFiles)) writeFileSync(path.join(consumer, file), content);
        writeFileSync(path.join(consumer, '.npmrc'), consumerNpmrc(url));
        quiet(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--loglevel=error',
            `@codepay/sdk@${first}`,
            `@codepay/mock@${first}`,
            TYPESCRIPT,
            TYPES_NODE,
          ],
          { cwd: consumer, env: npmEnvironment() },
        );
        const problems = installProblems(installedCodePay(consumer), names, first, url);
        if (problems.length > 0) throw new Error(`the consumer's install is wrong: ${problems.join('; ')}`);
        console.log(`   ${names.map((n) => `${n}@${first}`).join(', ')} installed once each, from ${url}`);
      },
    );
    await step(`consumers on ${first}: CommonJS, ESM against the installed codepay-mock, TypeScript`, () =>
      runConsumers(consumer, first),
    );

    await step('a patch changeset, committed', () => {
      writeFileSync(
        path.join(repo, '.changeset', 'rehearsal-patch.md'),
        '---\n"@codepay/sdk": patch\n---\n\nRelease rehearsal: a patch release.\n',
      );
      quiet('git', ['add', '-A'], { cwd: repo });
      quiet('git', ['commit', '-q', '-m', 'rehearsal: a patch changeset'], { cwd: repo });
    });
    const second = await releaseOnce('release 2');

    await step(`consumer: npm update → ${second}`, () => {
      quiet('npm', ['update', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumer, env: npmEnvironment() });
      const problems = installProblems(installedCodePay(consumer), names, second, url);
      if (problems.length > 0) throw new Error(`after npm update: ${problems.join('; ')}`);
      console.log(`   all four moved to ${second} together`);
    });
    await step(`consumers on ${second}`, () => runConsumers(consumer, second));

    await step(`another project: npm install @codepay/sdk@${first} exactly, with ${second} out`, () => {
      mkdirSync(pinned);
      writeFileSync(
        path.join(pinned, 'package.json'),
        '{ "name": "codepay-pinned", "version": "0.0.0", "private": true }\n',
      );
      writeFileSync(path.join(pinned, '.npmrc'), consumerNpmrc(url));
      quiet(
        'npm',
        ['install', '--no-audit', '--no-fund', '--loglevel=error', '--save-exact', `@codepay/sdk@${first}`],
        { cwd: pinned, env: npmEnvironment() },
      );
      const installed = installedCodePay(pinned);
      const problems = installProblems(
        installed,
        ['@codepay/sdk', '@codepay/transport', '@codepay/models'],
        first,
        url,
      );
      if (problems.length > 0)
        throw new Error(`@codepay/sdk@${first} did not bring its own set: ${problems.join('; ')}`);
      console.log(`   ${installed.map((i) => `${i.location.replace(/^node_modules\//, '')}@${i.version}`).join(', ')}`);
    });

    await step(`stop the registry (pid ${registry.pid})`, () => registry!.stop());
    console.log(
      `release:rehearse: released ${first} and ${second} to a local registry; installed, updated and used from CommonJS, ESM and TypeScript (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
  } finally {
    clearTimeout(overall);
    if (registry) await registry.stop();
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`release:rehearse failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
