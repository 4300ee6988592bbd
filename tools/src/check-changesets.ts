// `pnpm changeset:check`: every publishable package whose shipped files changed since the base carries a changeset
// naming it. Tests and docs alone need none.
//
// The base is, in order: `--base <ref>` (a pull request passes its merge-base with main); else the newest release
// tag (`@codepay/<pkg>@<version>`, written by `changeset publish`); else the repository's first commit. So in a
// fresh clone of main it checks everything changed since the last release against the changesets waiting in
// .changeset/ — the ones the next release will turn into changelog entries.
// (`changeset status --since` is not enough: it passes as soon as any changeset exists, whatever it names.)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export interface PublishablePackage {
  name: string;
  dir: string;
}

export function publishablePackages(root = repoRoot): PublishablePackage[] {
  const packagesDir = path.join(root, 'packages');
  return readdirSync(packagesDir)
    .filter((dir) => existsSync(path.join(packagesDir, dir, 'package.json')))
    .map((dir) => ({ dir: `packages/${dir}`, manifest: JSON.parse(readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name as string, dir }));
}

/** Files that change what users install: everything in the package but tests and docs. */
export function isShippedChange(fileInPackage: string): boolean {
  return !(
    fileInPackage.startsWith('test/') ||
    /\.(test|test-d)\.ts$/.test(fileInPackage) ||
    /\.md$/i.test(fileInPackage) ||
    fileInPackage === 'tsconfig.json'
  );
}

/** Package names listed in a changeset's front matter. */
export function packagesNamedIn(changeset: string): string[] {
  const front = /^---\s*\n([\s\S]*?)\n---/.exec(changeset)?.[1] ?? '';
  return [...front.matchAll(/^\s*["']?(@?[\w./-]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)].map((m) => m[1]!);
}

export function pendingChangesets(root = repoRoot): Map<string, string[]> {
  const dir = path.join(root, '.changeset');
  const found = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md')) {
    found.set(file, packagesNamedIn(readFileSync(path.join(dir, file), 'utf8')));
  }
  return found;
}

export function defaultBase(): string {
  try {
    return git('describe', '--tags', '--abbrev=0', '--match', '@codepay/*@*');
  } catch {
    return git('rev-list', '--max-parents=0', 'HEAD').split('\n').at(-1)!;
  }
}

export function packagesMissingChangesets(changedFiles: readonly string[], packages: readonly PublishablePackage[], changesets: Map<string, string[]>): string[] {
  const named = new Set([...changesets.values()].flat());
  return packages
    .filter((pkg) => changedFiles.some((file) => file.startsWith(`${pkg.dir}/`) && isShippedChange(file.slice(pkg.dir.length + 1))))
    .filter((pkg) => !named.has(pkg.name))
    .map((pkg) => pkg.name);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseFlag = process.argv.indexOf('--base');
  const base = baseFlag > 0 ? process.argv[baseFlag + 1]! : defaultBase();
  // Committed changes since the base, plus anything not yet committed.
  const changed = [...new Set([...git('diff', '--name-only', base).split('\n'), ...git('ls-files', '--others', '--exclude-standard').split('\n')])].filter(Boolean);
  const missing = packagesMissingChangesets(changed, publishablePackages(), pendingChangesets());
  if (missing.length > 0) {
    console.error(`changeset:check: changed since ${base} without a changeset naming them: ${missing.join(', ')}.\nRun \`pnpm changeset\`, pick those packages and describe the change for their users.`);
    process.exit(1);
  }
  console.log(`changeset:check: every package changed since ${base.slice(0, 12)} has a changeset`);
}
