// `pnpm release`: cut a release of the fixed group — version → build → checks → publish → tags.
//
//   pnpm release [--registry <url>] [--tag <dist-tag>] [--provenance] [--dry-run] [--push]
//
//   0. preflight: a clean working tree; the registry (`--registry`, else npm's configured one) answers
//      `npm whoami` (you are logged in: a token in ~/.npmrc or NODE_AUTH_TOKEN through the project .npmrc of CI);
//      with --provenance, an OIDC-capable CI (GitHub Actions with `id-token: write`).
//   1. version: if changesets are pending, `changeset version` (the fixed group moves to one new version, CHANGELOG.md
//      files written, the changesets removed) and a commit "Release <version>". With none pending, the version in
//      package.json is released as it is (a "Version Packages" commit made in a pull request), unless it is already
//      on the registry: then there is nothing to do.
//   2. build: `pnpm build` (the bundles inline the new version).
//   3. checks: `pnpm changeset:check`, `pnpm api:check --no-build` (against the last release tag) and
//      `pnpm package:check --no-build` (publint and attw on the packed tarballs).
//   4. publish: `pnpm publish -r --access public --tag <dist-tag>` — the packages not yet on the registry at their
//      version, dependencies before dependents; pnpm writes each `workspace:*` dependency as the exact version, and
//      each package's prepack guard refuses a stale dist/. `--provenance` adds npm provenance (NPM_CONFIG_PROVENANCE).
//      Then the registry is asked what it now serves: every package at the version, under the dist-tag, depending
//      on its siblings at exactly that version.
//   5. tags: `changeset tag` (`@codepay/<pkg>@<version>` on the release commit: the base of the next
//      changeset:check and api:check); `--push` pushes the commit and the tags, else the command to do so is printed.
// `--dry-run` does 0–3 and `pnpm publish --dry-run`, in a throwaway copy of the repository, and leaves this one as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { npmEnvironment, pnpmCommand } from './release-packages.js';
import { git, pendingChangesets, publishablePackages, versionOf, type PublishablePackage } from './release-state.js';

export interface ReleaseOptions {
  registry?: string;
  tag: string;
  provenance: boolean;
  dryRun: boolean;
  push: boolean;
}

export function parseReleaseArgs(argv: readonly string[]): ReleaseOptions {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    if (index < 0) return undefined;
    const given = argv[index + 1];
    if (!given || given.startsWith('--')) throw new Error(`${flag} needs a value`);
    return given;
  };
  const known = new Set(['--registry', '--tag', '--provenance', '--dry-run', '--push']);
  for (const arg of argv) if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown option ${arg}`);
  return {
    registry: value('--registry'),
    tag: value('--tag') ?? 'latest',
    provenance: argv.includes('--provenance'),
    dryRun: argv.includes('--dry-run'),
    push: argv.includes('--push'),
  };
}

function step(title: string): void {
  console.log(`\n== ${title}`);
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env });
}

function capture(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env }).trim();
}

function pnpm(args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): void {
  const { command, prefix } = pnpmCommand();
  run(command, [...prefix, ...args], cwd, env);
}

/** `npm view <spec> <field> --json` against the registry, or undefined when it has no such version. */
export function npmView(spec: string, field: string, registry: string, cwd: string): unknown {
  try {
    const out = capture('npm', ['view', spec, field, '--json', '--registry', registry], cwd, npmEnvironment());
    return out === '' ? undefined : JSON.parse(out);
  } catch {
    return undefined;
  }
}

/** What the published manifest gets wrong: a sibling not at exactly `version`. */
export function inexactSiblings(
  dependencies: Record<string, string> | undefined,
  siblings: readonly string[],
  version: string,
): string[] {
  return Object.entries(dependencies ?? {})
    .filter(([name, range]) => siblings.includes(name) && range !== version)
    .map(([name, range]) => `${name}@${range}`);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Asks the registry until it serves what was published (the public registry can take a few seconds). */
function verifyPublished(
  packages: readonly PublishablePackage[],
  version: string,
  tag: string,
  registry: string,
  cwd: string,
): void {
  const names = packages.map((p) => p.name);
  for (const name of names) {
    let problem = '';
    for (let attempt = 0; attempt < 12; attempt++) {
      const manifest = npmView(`${name}@${version}`, 'dependencies', registry, cwd) as
        | Record<string, string>
        | undefined;
      const tags = npmView(name, 'dist-tags', registry, cwd) as Record<string, string> | undefined;
      const published = npmView(`${name}@${version}`, 'version', registry, cwd);
      const inexact = inexactSiblings(manifest, names, version);
      problem =
        published !== version
          ? `${name}@${version} is not on ${registry}`
          : tags?.[tag] !== version
            ? `${name}: dist-tag ${tag} is ${tags?.[tag]}, not ${version}`
            : inexact.length > 0
              ? `${name}@${version} depends on ${inexact.join(', ')}: the fixed group must depend on exactly ${version}`
              : '';
      if (!problem || inexact.length > 0) break;
      sleep(5_000);
    }
    if (problem) throw new Error(problem);
    console.log(`   ${name}@${version}: on the registry under "${tag}", siblings at exactly ${version}`);
  }
}

export function release(root: string, options: ReleaseOptions): void {
  const registry = options.registry ?? capture('npm', ['config', 'get', 'registry'], root, npmEnvironment());
  const npmEnv = { ...npmEnvironment(), npm_config_registry: registry };
  const packages = publishablePackages(root);

  step('preflight');
  const dirty = git(root, ['status', '--porcelain']);
  if (dirty) throw new Error(`the working tree has changes; commit or stash them first:\n${dirty}`);
  if (options.provenance && !(process.env.GITHUB_ACTIONS === 'true' && process.env.ACTIONS_ID_TOKEN_REQUEST_URL)) {
    throw new Error(
      '--provenance needs GitHub Actions with `permissions: id-token: write` (npm signs the provenance with its OIDC token)',
    );
  }
  if (!options.dryRun) {
    try {
      console.log(
        `   registry ${registry}, logged in as ${capture('npm', ['whoami', '--registry', registry], root, npmEnv)}`,
      );
    } catch {
      throw new Error(
        `npm whoami failed for ${registry}: log in (\`npm login --registry ${registry}\`) or provide a token (NODE_AUTH_TOKEN with an .npmrc line \`//<registry host>/:_authToken=\${NODE_AUTH_TOKEN}\`)`,
      );
    }
  }

  step('version');
  const pending = pendingChangesets(root);
  if (pending.size > 0) {
    pnpm(['exec', 'changeset', 'version'], root);
    const version = versionOf(root, packages[0]!);
    git(root, ['add', '-A']);
    git(root, [
      'commit',
      '-q',
      '-m',
      `Release ${version}`,
      '-m',
      `changeset version: ${pending.size} changeset(s) → ${packages.map((p) => p.name).join(', ')} ${version}`,
    ]);
    console.log(
      `   ${pending.size} changeset(s) → ${version}; committed ${git(root, ['rev-parse', '--short', 'HEAD'])} "Release ${version}"`,
    );
  } else {
    console.log('   no pending changesets: releasing the version in package.json');
  }
  const versions = new Set(packages.map((p) => versionOf(root, p)));
  if (versions.size !== 1) throw new Error(`the fixed group should share one version, got ${[...versions].join(', ')}`);
  const version = [...versions][0]!;
  if (version.includes('-') && options.tag === 'latest')
    throw new Error(`${version} is a pre-release: pass --tag next (or another dist-tag), not latest`);
  if (
    !options.dryRun &&
    packages.every((p) => npmView(`${p.name}@${version}`, 'version', registry, root) === version)
  ) {
    console.log(`   ${version} is already on ${registry}: nothing to release`);
    return;
  }

  step('build');
  pnpm(['build'], root);

  step('checks');
  try {
    pnpm(['changeset:check'], root);
    pnpm(['api:check', '--no-build'], root);
    pnpm(['package:check', '--no-build'], root);
  } catch (error) {
    if (pending.size > 0) console.error(`\nThe release commit is local: \`git reset --hard HEAD~1\` undoes it.`);
    throw error;
  }

  step(
    `publish ${version} to ${registry} under "${options.tag}"${options.provenance ? ' with provenance' : ''}${options.dryRun ? ' (dry run)' : ''}`,
  );
  const publishEnv = { ...npmEnv, ...(options.provenance ? { NPM_CONFIG_PROVENANCE: 'true' } : {}) };
  pnpm(
    [
      'publish',
      '-r',
      '--access',
      'public',
      '--tag',
      options.tag,
      '--no-git-checks',
      '--registry',
      registry,
      ...(options.dryRun ? ['--dry-run'] : []),
    ],
    root,
    publishEnv,
  );
  if (options.dryRun) return;
  verifyPublished(packages, version, options.tag, registry, root);

  step('tags');
  pnpm(['exec', 'changeset', 'tag'], root);
  const tags = packages.map((p) => `${p.name}@${version}`);
  console.log(`   ${tags.join(', ')} on ${git(root, ['rev-parse', '--short', 'HEAD'])}`);
  if (options.push) {
    run('git', ['push', '--atomic', 'origin', 'HEAD', ...tags.map((t) => `refs/tags/${t}`)], root);
  } else {
    console.log(`   push them with: git push --atomic origin HEAD ${tags.map((t) => `refs/tags/${t}`).join(' ')}`);
  }
  console.log(`\nrelease: ${packages.map((p) => p.name).join(', ')} ${version} published to ${registry}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const options = parseReleaseArgs(process.argv.slice(2));
    if (options.dryRun) {
      // A rehearsal in a throwaway clone: `changeset version` and its commit never touch this repository.
      const scratch = mkdtempSync(path.join(os.tmpdir(), 'codepay-release-dry-run-'));
      try {
        const clone = path.join(scratch, 'repo');
        run('git', ['clone', '-q', '--no-hardlinks', repoRoot, clone], repoRoot);
        for (const [key, value] of [
          ['user.name', 'Release dry run'],
          ['user.email', 'release-dry-run@example.com'],
        ])
          git(clone, ['config', key!, value!]);
        pnpm(['install', '--frozen-lockfile', '--prefer-offline'], clone);
        release(clone, options);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    } else {
      release(repoRoot, options);
    }
  } catch (error) {
    console.error(`\nrelease failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
