import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths.js';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const ciRun = readFileSync(path.join(repoRoot, '.ci/run'), 'utf8');
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

describe('the repository stands alone', () => {
  it('no tracked file reads the folder beside the repository', () => {
    // Written so that this file does not match its own pattern.
    const pattern = ['\\.\\.', 'shared'].join('/');
    const found = spawnSync('git', ['grep', '-n', '-e', pattern], { cwd: repoRoot, encoding: 'utf8' });
    expect(found.stdout).toBe('');
    expect(found.status).toBe(1);
  });

  it('CI runs the test command in a fresh clone in a temporary directory', () => {
    const lines = ciRun.split('\n');
    const cloned = lines.findIndex((line) => /^git clone .* \. "\$clone"$/.test(line));
    const entered = lines.indexOf('cd "$clone"');
    const tested = lines.findIndex((line) => line.endsWith('npx -y pnpm@10 test'));
    expect(lines).toContain('scratch="$(mktemp -d)"');
    expect(cloned).toBeGreaterThan(0);
    expect(entered).toBeGreaterThan(cloned);
    expect(tested).toBeGreaterThan(entered);
  });
});

describe('README commands', () => {
  it('gives exactly two commands, both runnable with only Node and npm (no corepack)', () => {
    expect(shellBlocks).toHaveLength(2);
    for (const command of shellBlocks) {
      expect(command).toMatch(/^npx -y pnpm@10 install --frozen-lockfile && npx -y pnpm@10 \w+$/);
      expect(command).not.toMatch(/corepack/);
    }
  });

  it('are what CI runs, verbatim', () => {
    for (const command of shellBlocks) expect(ciRun.split('\n')).toContain(command);
  });

  it('name scripts that exist in the root package.json', () => {
    const scripts = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    for (const command of shellBlocks) expect(Object.keys(scripts)).toContain(command.split(' ').at(-1));
  });
});

describe('README "Releasing"', () => {
  const releasing = readme.slice(readme.indexOf('### Releasing'));
  const scripts = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;

  it('names only scripts that exist', () => {
    const named = [...releasing.matchAll(/`pnpm ([\w:-]+)/g)]
      .map((m) => m[1]!)
      .filter((name) => !['publish', 'build', 'exec'].includes(name));
    expect(named).toEqual(
      expect.arrayContaining(['release', 'release:rehearse', 'changeset:check', 'api:check', 'package:check']),
    );
    for (const name of named) expect(Object.keys(scripts)).toContain(name);
  });

  it('is what CI rehearses: .ci/run runs release:rehearse, which runs pnpm release', () => {
    expect(ciRun.split('\n')).toContain('npx -y pnpm@10 release:rehearse');
    expect(scripts['release:rehearse']).toBe('tsx tools/src/release-rehearse.ts');
    expect(readFileSync(path.join(repoRoot, 'tools/src/release-rehearse.ts'), 'utf8')).toMatch(
      /\[\.\.\.prefix, 'release', '--registry', url\]/,
    );
    // The steps in the order release.ts runs them.
    const steps = ['**Version.**', '**Build.**', '**Checks.**', '**Publish.**', '**Tags.**'].map((title) =>
      releasing.indexOf(title),
    );
    expect(steps.every((index, i) => index > 0 && (i === 0 || index > steps[i - 1]!))).toBe(true);
    // Calls as written, whatever line breaks the formatter put after `(`.
    const source = readFileSync(path.join(repoRoot, 'tools/src/release.ts'), 'utf8').replace(/\(\s+/g, '(');
    const code = ["step('version')", "step('build')", "step('checks')", 'step(`publish', "step('tags')"].map((s) =>
      source.indexOf(s),
    );
    expect(code.every((index, i) => index > 0 && (i === 0 || index > code[i - 1]!))).toBe(true);
  });
});
