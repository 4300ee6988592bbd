// What the release scripts share: running pnpm, building the publishable packages and packing them exactly as
// `pnpm publish` would (pnpm applies each package's `publishConfig` and turns `workspace:` ranges into versions),
// and reading a tarball's file list.
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { publishablePackages } from './release-state.js';
import { repoRoot } from './paths.js';

export { publishablePackages };

/**
 * How to run pnpm from a script: the pnpm that runs `pnpm <script>` names itself in `npm_execpath`; reuse it (no
 * second download, same version). Outside pnpm, fetch pnpm 10 through npx as the README does.
 */
export function pnpmCommand(): { command: string; prefix: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath)) && /\.c?js$/.test(execPath))
    return { command: process.execPath, prefix: [execPath] };
  return { command: 'npx', prefix: ['-y', 'pnpm@10'] };
}

export function runPnpm(args: readonly string[], options: ExecFileSyncOptions = {}): string {
  const { command, prefix } = pnpmCommand();
  const output = execFileSync(command, [...prefix, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    ...options,
  });
  return typeof output === 'string' ? output : (output?.toString('utf8') ?? '');
}

/** `pnpm build` at a repository root: every publishable package's dist/. */
export function buildPackages(root = repoRoot): void {
  runPnpm(['build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

export interface PackedPackage {
  name: string;
  version: string;
  dir: string;
  tarball: string;
}

/** The JSON `pnpm pack --json` prints after the output of the package's `prepack` script. */
export function packResult(stdout: string): { name: string; version: string; filename: string } {
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error(`pnpm pack printed no JSON:\n${stdout}`);
  return JSON.parse(stdout.slice(start)) as { name: string; version: string; filename: string };
}

/** `pnpm pack` of every publishable package under `root` into `destination` (each one's prepack guard runs first). */
export function packPackages(destination: string, root = repoRoot): PackedPackage[] {
  return publishablePackages(root).map(({ dir }) => {
    const packageDir = path.join(root, dir);
    const result = packResult(runPnpm(['pack', '--json', '--pack-destination', destination], { cwd: packageDir }));
    return {
      name: result.name,
      version: result.version,
      dir: packageDir,
      tarball: path.resolve(destination, result.filename),
    };
  });
}

export interface TarballEntry {
  path: string;
  size: number;
}

/** The files in a .tgz (ustar), with their sizes: what `npm install` unpacks. */
export function tarballEntries(tarball: string): TarballEntry[] {
  const tar = gunzipSync(readFileSync(tarball));
  const entries: TarballEntry[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    if (type === '0' || type === '') entries.push({ path: name.replace(/^package\//, ''), size });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/**
 * The environment for a nested `npm` (installing into a directory of our own): without the npm_* and pnpm settings
 * a `pnpm <script>` passes down (npm_config_local_prefix, npm_package_*…), which would point npm at this workspace;
 * with the network ones (registry, proxy, CA), which it needs.
 */
export function npmEnvironment(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(registry|cache|cafile|userconfig|globalconfig|noproxy|proxy|https_proxy|strict_ssl)$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(npm_|pnpm_)/i.test(name) || keep.test(name)),
  );
}

export function withTempDir<T>(prefix: string, use: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The executable of a package installed at the repository root (`bin` of its package.json), run with this Node. */
export function binOf(packageName: string, binName = packageName.split('/').at(-1)!): string[] {
  const manifestPath = path.join(repoRoot, 'node_modules', packageName, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[binName];
  if (!bin) throw new Error(`${packageName} has no bin named ${binName}`);
  return [process.execPath, path.join(path.dirname(manifestPath), bin)];
}

/** Copies the repository's files (git-tracked and untracked, not ignored; no node_modules) to `destination`. */
export function copyRepository(source: string, destination: string): number {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: source,
    encoding: 'utf8',
  }).split('\0');
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

/** `pnpm install --frozen-lockfile` in a copy of the repository: offline from the pnpm store when it can. */
export function installCopy(root: string): void {
  const { command, prefix } = pnpmCommand();
  try {
    execFileSync(command, [...prefix, 'install', '--frozen-lockfile', '--offline'], { cwd: root, stdio: 'ignore' });
  } catch {
    execFileSync(command, [...prefix, 'install', '--frozen-lockfile', '--prefer-offline'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
