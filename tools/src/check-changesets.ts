// `pnpm changeset:check`: every publishable package whose shipped files changed since the base carries a changeset
// naming it. Tests and docs alone need none.
//
// The base is, in order: `--base <ref>` (a pull request passes its merge-base with main); else the newest release
// tag (`@codepay/<pkg>@<version>`, written by `pnpm release`); else the repository's first commit.
//
// A package whose version changed after the base (a "Version Packages" commit: `changeset version` turned the
// pending changesets into that version and its CHANGELOG.md, and removed them) is checked from that commit on: what
// came before is in the version. So the check passes on a version commit, on a release (the tags are at HEAD), and
// fails as soon as a shipped file changes again without a new changeset.
// (`changeset status --since` is not enough: it passes as soon as any changeset exists, whatever it names.)
import {
  changesetBumps,
  firstCommit,
  git,
  newestReleaseTag,
  pendingChangesets,
  publishablePackages,
  versionedSince,
  type PublishablePackage,
} from './release-state.js';
import { repoRoot } from './paths.js';

export { publishablePackages, type PublishablePackage };

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
  return [...changesetBumps(changeset).keys()];
}

export function packagesMissingChangesets(
  changedFiles: readonly string[],
  packages: readonly PublishablePackage[],
  changesets: Map<string, string[]>,
): string[] {
  const named = new Set([...changesets.values()].flat());
  return packages
    .filter((pkg) =>
      changedFiles.some((file) => file.startsWith(`${pkg.dir}/`) && isShippedChange(file.slice(pkg.dir.length + 1))),
    )
    .filter((pkg) => !named.has(pkg.name))
    .map((pkg) => pkg.name);
}

export function defaultBase(root = repoRoot): string {
  return newestReleaseTag(root) ?? firstCommit(root);
}

/** Files changed since `ref` (committed or not, untracked included). */
export function changedSince(root: string, ref: string): string[] {
  return [
    ...new Set([
      ...git(root, ['diff', '--name-only', ref]).split('\n'),
      ...git(root, ['ls-files', '--others', '--exclude-standard']).split('\n'),
    ]),
  ].filter(Boolean);
}

export interface ChangesetCheck {
  base: string;
  /** Packages with shipped changes and no changeset naming them. */
  missing: string[];
  /** Packages checked from their version commit instead of the base. */
  versioned: Array<{ name: string; since: string }>;
}

export function checkChangesets(root = repoRoot, base = defaultBase(root)): ChangesetCheck {
  const changesets = new Map([...pendingChangesets(root)].map(([file, text]) => [file, packagesNamedIn(text)]));
  const versioned: ChangesetCheck['versioned'] = [];
  const changedByBase = new Map<string, string[]>();
  const changed = (ref: string) => changedByBase.get(ref) ?? changedByBase.set(ref, changedSince(root, ref)).get(ref)!;
  const missing = publishablePackages(root).flatMap((pkg) => {
    const since = versionedSince(root, base, pkg);
    if (since) versioned.push({ name: pkg.name, since });
    if (since === 'working tree') return []; // `changeset version` just ran: everything so far is in the new version
    return packagesMissingChangesets(changed(since ?? base), [pkg], changesets);
  });
  return { base, missing, versioned };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const baseFlag = process.argv.indexOf('--base');
  const result = checkChangesets(repoRoot, baseFlag > 0 ? process.argv[baseFlag + 1]! : undefined);
  const short = (ref: string) => (/^[0-9a-f]{40}$/.test(ref) ? ref.slice(0, 12) : ref);
  for (const { name, since } of result.versioned)
    console.log(
      `changeset:check: ${name} was versioned since ${short(result.base)} (${short(since)}); checking the changes after that`,
    );
  if (result.missing.length > 0) {
    console.error(
      `changeset:check: changed since ${short(result.base)} without a changeset naming them: ${result.missing.join(', ')}.\n` +
        'Run `pnpm changeset`, pick those packages and describe the change for their users.',
    );
    process.exit(1);
  }
  console.log(`changeset:check: every package changed since ${short(result.base)} has a changeset`);
}
