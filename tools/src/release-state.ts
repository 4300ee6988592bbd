// Where a repository stands between releases, as the release gates (`pnpm changeset:check`, `pnpm api:check`) and
// `pnpm release` see it: the base to compare with, the pending changesets and the bumps they ask for, the version of
// each package at a ref, and whether a package was already versioned since the base (a "Version Packages" commit,
// which consumes the changesets it turns into versions).
//
// Every function takes the repository root, so the tests can run them on a scratch repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export type Bump = 'major' | 'minor' | 'patch';
export const BUMP_ORDER: readonly Bump[] = ['patch', 'minor', 'major'];

export function maxBump(...bumps: Array<Bump | undefined>): Bump | undefined {
  return bumps.reduce<Bump | undefined>(
    (best, bump) => (bump && (!best || BUMP_ORDER.indexOf(bump) > BUMP_ORDER.indexOf(best)) ? bump : best),
    undefined,
  );
}

/** Whether `bump` is at least `required` (`undefined` is no bump at all). */
export function bumpCovers(bump: Bump | undefined, required: Bump): boolean {
  return bump !== undefined && BUMP_ORDER.indexOf(bump) >= BUMP_ORDER.indexOf(required);
}

export function git(root: string, args: readonly string[]): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

function gitOrUndefined(root: string, args: readonly string[]): string | undefined {
  try {
    return git(root, args);
  } catch {
    return undefined;
  }
}

/** A file's content at a ref (`undefined` when the file or the ref does not exist). */
export function fileAt(root: string, ref: string, file: string): string | undefined {
  try {
    return execFileSync('git', ['show', `${ref}:${file}`], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

// ---- packages --------------------------------------------------------------------------------------------------

export interface PublishablePackage {
  name: string;
  /** `packages/<dir>`, relative to the root. */
  dir: string;
}

export function publishablePackages(root = repoRoot): PublishablePackage[] {
  const packagesDir = path.join(root, 'packages');
  return readdirSync(packagesDir)
    .filter((dir) => existsSync(path.join(packagesDir, dir, 'package.json')))
    .map((dir) => ({
      dir: `packages/${dir}`,
      manifest: JSON.parse(readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')),
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name as string, dir }));
}

export function versionOf(root: string, pkg: PublishablePackage): string {
  return (JSON.parse(readFileSync(path.join(root, pkg.dir, 'package.json'), 'utf8')) as { version: string }).version;
}

export function versionAt(root: string, ref: string, pkg: PublishablePackage): string | undefined {
  const manifest = fileAt(root, ref, `${pkg.dir}/package.json`);
  return manifest === undefined ? undefined : (JSON.parse(manifest) as { version?: string }).version;
}

/** The bump that takes `from` to `to` (`undefined` when equal or not newer). Pre-release parts are ignored. */
export function bumpBetween(from: string | undefined, to: string): Bump | undefined {
  if (from === undefined) return undefined;
  const parse = (v: string) => v.split('-')[0]!.split('.').map(Number) as [number, number, number];
  const [a, b] = [parse(from), parse(to)];
  if (b[0] !== a[0]) return b[0] > a[0] ? 'major' : undefined;
  if (b[1] !== a[1]) return b[1] > a[1] ? 'minor' : undefined;
  if (b[2] !== a[2]) return b[2] > a[2] ? 'patch' : undefined;
  return undefined;
}

// ---- the base ----------------------------------------------------------------------------------------------------

/** The newest release tag reachable from HEAD (`@codepay/<pkg>@<version>`, written by `pnpm release`), if any. */
export function newestReleaseTag(root = repoRoot): string | undefined {
  return gitOrUndefined(root, ['describe', '--tags', '--abbrev=0', '--match', '@codepay/*@*']);
}

export function firstCommit(root = repoRoot): string {
  return git(root, ['rev-list', '--max-parents=0', 'HEAD']).split('\n').at(-1)!;
}

/**
 * The commit that last changed the package's version, if that happened after `base` (a "Version Packages" commit):
 * 'working tree' when the version differs from HEAD's (`changeset version` not committed yet).
 */
export function versionedSince(root: string, base: string, pkg: PublishablePackage): string | undefined {
  const current = versionOf(root, pkg);
  if (versionAt(root, 'HEAD', pkg) !== current) return 'working tree';
  if (versionAt(root, base, pkg) === current) return undefined;
  const commits = git(root, ['log', '--format=%H', `${base}..HEAD`, '--', `${pkg.dir}/package.json`])
    .split('\n')
    .filter(Boolean);
  for (const commit of commits) {
    if (versionAt(root, commit, pkg) !== versionAt(root, `${commit}^`, pkg)) return commit;
  }
  return undefined;
}

// ---- changesets --------------------------------------------------------------------------------------------------

/** The packages a changeset names and their bump types, from its front matter. */
export function changesetBumps(changeset: string): Map<string, Bump> {
  const front = /^---\s*\n([\s\S]*?)\n---/.exec(changeset)?.[1] ?? '';
  return new Map(
    [...front.matchAll(/^\s*["']?(@?[\w./-]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)].map((m) => [m[1]!, m[2] as Bump]),
  );
}

/** The changesets waiting in .changeset/: file name → text. */
export function pendingChangesets(root = repoRoot): Map<string, string> {
  const dir = path.join(root, '.changeset');
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith('.md') && file !== 'README.md')
      .sort()
      .map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]),
  );
}

/** The `fixed` groups of .changeset/config.json (packages versioned together). */
export function fixedGroups(root = repoRoot): string[][] {
  const file = path.join(root, '.changeset', 'config.json');
  if (!existsSync(file)) return [];
  return ((JSON.parse(readFileSync(file, 'utf8')) as { fixed?: string[][] }).fixed ?? []).map((group) => [...group]);
}

/**
 * The bump the next `changeset version` gives a package: the largest bump any pending changeset gives it or, in a
 * `fixed` group, any package of its group (they are versioned together).
 */
export function pendingBump(
  packageName: string,
  changesets: ReadonlyMap<string, string>,
  groups: readonly string[][],
): Bump | undefined {
  const group = groups.find((g) => g.includes(packageName)) ?? [packageName];
  return maxBump(
    ...[...changesets.values()].flatMap((text) =>
      [...changesetBumps(text)].filter(([name]) => group.includes(name)).map(([, bump]) => bump),
    ),
  );
}

/**
 * What a package's users get as a version change relative to the base: the bump already made since the base (a
 * version commit) or the one the pending changesets will make, whichever is larger.
 */
export function plannedBump(
  root: string,
  base: string,
  pkg: PublishablePackage,
  changesets = pendingChangesets(root),
  groups = fixedGroups(root),
): Bump | undefined {
  return maxBump(
    bumpBetween(versionAt(root, base, pkg), versionOf(root, pkg)),
    pendingBump(pkg.name, changesets, groups),
  );
}
