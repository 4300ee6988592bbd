// The release gates in a scratch clone: a copy of this repository (its files as they are now) with a git history of
// its own, installed from the pnpm store. It goes through a release the way `pnpm release` does (changeset version,
// commit, tags) and the changes that must pass or fail `pnpm changeset:check` and `pnpm api:check` after it.
// The steps depend on each other, so they run in order in one describe block.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths.js';
import { copyRepository, installCopy, packResult, pnpmCommand, tarballEntries } from '../src/release-packages.js';
import { publishablePackages, versionOf } from '../src/release-state.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'codepay-release-gates-'));
const root = path.join(scratch, 'repo');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** `pnpm <args>` in the scratch clone: exit status and everything it printed. */
function pnpm(...args: string[]): { status: number | null; output: string } {
  const { command, prefix } = pnpmCommand();
  const result = spawnSync(command, [...prefix, ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function passes(...args: string[]): string {
  const { status, output } = pnpm(...args);
  if (status !== 0) throw new Error(`pnpm ${args.join(' ')} failed (${status}):\n${output}`);
  return output;
}

function fails(...args: string[]): string {
  const { status, output } = pnpm(...args);
  if (status === 0) throw new Error(`pnpm ${args.join(' ')} passed, expected a failure:\n${output}`);
  return output;
}

function changeset(
  file: string,
  bump: 'major' | 'minor' | 'patch',
  packages = publishablePackages(root).map((p) => p.name),
): void {
  writeFileSync(
    path.join(root, '.changeset', file),
    `---\n${packages.map((name) => `"${name}": ${bump}`).join('\n')}\n---\n\nScratch change.\n`,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary nested JSON (package.json, the bundled spec)
type Json = Record<string, any>;

function editJson(file: string, edit: (json: Json) => void): void {
  const json = JSON.parse(readFileSync(path.join(root, file), 'utf8')) as Json;
  edit(json);
  writeFileSync(path.join(root, file), `${JSON.stringify(json, null, 2)}\n`);
}

let release1 = '';

describe('release gates in a scratch clone', { timeout: 300_000 }, () => {
  beforeAll(() => {
    copyRepository(repoRoot, root);
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Scratch');
    git('config', 'user.email', 'scratch@example.com');
    git('add', '-A');
    git('commit', '-q', '-m', 'scratch: the repository as it is');
    installCopy(root);
  }, 300_000);

  it('pnpm pack without a build builds first, and the packed @codepay/sdk depends on transport and models at exactly its version', () => {
    const { command, prefix } = pnpmCommand();
    const sdkDir = path.join(root, 'packages/sdk');
    const stdout = execFileSync(command, [...prefix, 'pack', '--json', '--pack-destination', scratch], {
      cwd: sdkDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tarball = path.resolve(scratch, packResult(stdout).filename);
    const files = tarballEntries(tarball).map((e) => e.path);
    expect(files).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']),
    );
    const manifest = JSON.parse(
      execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], { encoding: 'utf8' }),
    ) as { version: string; dependencies: Record<string, string> };
    expect(manifest.dependencies['@codepay/transport']).toBe(manifest.version);
    expect(manifest.dependencies['@codepay/models']).toBe(manifest.version);
  });

  it('changeset version + commit: changeset:check and api:check pass; and again once the release is tagged', () => {
    passes('build');
    passes('api:report', '--no-build'); // the reports of this copy's build, whatever the working tree's say
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'scratch: API reports');
    passes('changeset:check');

    passes('exec', 'changeset', 'version');
    git('add', '-A');
    git('commit', '-q', '-m', 'Version Packages');
    release1 = versionOf(root, publishablePackages(root)[0]!);
    expect(new Set(publishablePackages(root).map((p) => versionOf(root, p)))).toEqual(new Set([release1]));
    expect(passes('changeset:check')).toMatch(/@codepay\/sdk was versioned since/);
    passes('api:check', '--no-build');

    passes('exec', 'changeset', 'tag');
    expect(git('tag', '--points-at', 'HEAD')).toContain(`@codepay/sdk@${release1}`);
    expect(passes('changeset:check')).toContain(`since @codepay/`);
    expect(passes('api:check', '--no-build')).toContain(`@codepay/sdk: no API change since @codepay/`);
  });

  it('a source change in packages/sdk/src without a changeset: changeset:check fails naming @codepay/sdk', () => {
    writeFileSync(
      path.join(root, 'packages/sdk/src/index.ts'),
      `${readFileSync(path.join(root, 'packages/sdk/src/index.ts'), 'utf8')}\n// a change\n`,
    );
    const uncommitted = fails('changeset:check');
    expect(uncommitted).toMatch(/without a changeset naming them: @codepay\/sdk\./);
    git('commit', '-q', '-am', 'scratch: an sdk change');
    expect(fails('changeset:check')).toMatch(
      new RegExp(
        `changed since @codepay/[a-z]+@${release1.replace(/\./g, '\\.')} without a changeset naming them: @codepay/sdk\\.`,
      ),
    );
    changeset('sdk-change.md', 'patch', ['@codepay/sdk']);
    passes('changeset:check');
    git('reset', '-q', '--hard', 'HEAD~1');
    git('clean', '-q', '-fd', '.changeset');
  });

  it('a new optional request field (an object, over several lines) with a minor changeset: both pass', () => {
    editJson('spec/bizcontent/createOrder.request.json', (schema) => {
      schema.properties.shipping = {
        type: 'object',
        additionalProperties: false,
        required: ['address', 'city'],
        properties: { address: { type: 'string', minLength: 1 }, city: { type: 'string', minLength: 1 } },
        description: 'Where the goods go (scratch test).',
      };
    });
    passes('codegen');
    changeset('shipping.md', 'patch');
    // api:report builds and rewrites the reports, then runs the same gate as api:check: a patch is not enough.
    expect(fails('api:report')).toMatch(
      /additions need a minor release, but the pending changesets make it a patch release/,
    );
    expect(fails('api:check', '--no-build')).toMatch(
      /additions need a minor release, but the pending changesets make it a patch release/,
    );
    changeset('shipping.md', 'minor');
    passes('changeset:check');
    const output = passes('api:check', '--no-build');
    expect(output).toMatch(/minor {2}CreateOrderParams\.shipping: new optional member/);
    expect(output).toMatch(/minor {2}spec: createOrder request\.shipping: new optional field/);
    expect(output).not.toMatch(/major {2}/);

    // Its version commit passes too: the minor bump is now in the version.
    git('add', '-A');
    git('commit', '-q', '-m', 'scratch: shipping');
    passes('exec', 'changeset', 'version');
    git('add', '-A');
    git('commit', '-q', '-m', 'Version Packages');
    passes('changeset:check');
    passes('api:check', '--no-build');
    git('reset', '-q', '--hard', `@codepay/sdk@${release1}`);
  });

  it('a narrowed maxLength with a minor changeset: api:check fails and says why; with a major changeset it passes', () => {
    let narrowed = '';
    editJson('spec/bizcontent/createPayer.request.json', (schema) => {
      const address = schema.properties.address as { maxLength?: number };
      const before = address.maxLength;
      address.maxLength = before === undefined ? 100 : Math.floor(before / 2);
      narrowed = `maxLength ${before ?? '(none)'} → ${address.maxLength}`;
    });
    passes('codegen');
    changeset('address.md', 'minor');
    passes('changeset:check');
    const output = fails('api:check'); // builds: dist/ still holds the previous test's shipping field
    expect(output).toMatch(
      /@codepay\/models: the API changed since @codepay\/[a-z]+@\S+ and breaking changes need a major release, but the pending changesets make it a minor release/,
    );
    expect(output).toContain(
      `major  spec: createPayer request.address: ${narrowed} (values accepted before are refused now)`,
    );
    changeset('address.md', 'major');
    passes('api:check', '--no-build');
  });
});
