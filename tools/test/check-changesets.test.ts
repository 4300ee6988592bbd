import { describe, expect, it } from 'vitest';
import {
  isShippedChange,
  packagesMissingChangesets,
  packagesNamedIn,
  publishablePackages,
} from '../src/check-changesets.js';
import { bumpBetween, bumpCovers, changesetBumps, maxBump, pendingBump } from '../src/release-state.js';

const packages = [
  { name: '@codepay/sdk', dir: 'packages/sdk' },
  { name: '@codepay/transport', dir: 'packages/transport' },
];

describe('changeset:check', () => {
  it('finds the four publishable packages (private workspaces excluded)', () => {
    expect(
      publishablePackages()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['@codepay/mock', '@codepay/models', '@codepay/sdk', '@codepay/transport']);
  });

  it('reads the package names from a changeset front matter', () => {
    expect(
      packagesNamedIn('---\n"@codepay/sdk": minor\n\'@codepay/mock\': patch\n---\n\nText: not a package: major\n'),
    ).toEqual(['@codepay/sdk', '@codepay/mock']);
  });

  it('fails a package whose source changed without a changeset naming it', () => {
    const changed = ['packages/sdk/src/client.ts', 'packages/transport/src/config.ts'];
    expect(packagesMissingChangesets(changed, packages, new Map([['a.md', ['@codepay/sdk']]]))).toEqual([
      '@codepay/transport',
    ]);
  });

  it('passes when a changeset names the package, and for tests and docs alone', () => {
    expect(
      packagesMissingChangesets(['packages/sdk/src/client.ts'], packages, new Map([['a.md', ['@codepay/sdk']]])),
    ).toEqual([]);
    expect(
      packagesMissingChangesets(['packages/sdk/test/x.test.ts', 'packages/sdk/README.md'], packages, new Map()),
    ).toEqual([]);
    expect(isShippedChange('package.json')).toBe(true);
    expect(isShippedChange('src/gen/resources.gen.ts')).toBe(true);
  });
});

describe('release state', () => {
  it('reads bump types from changeset front matter only', () => {
    expect([
      ...changesetBumps('---\n"@codepay/sdk": major\n\'@codepay/mock\': patch\n---\n\n"@codepay/models": major\n'),
    ]).toEqual([
      ['@codepay/sdk', 'major'],
      ['@codepay/mock', 'patch'],
    ]);
  });

  it('gives every package of a fixed group the largest bump any changeset gives the group', () => {
    const groups = [['@codepay/models', '@codepay/sdk']];
    const changesets = new Map([
      ['a.md', '---\n"@codepay/models": minor\n---\n\nx\n'],
      ['b.md', '---\n"@codepay/sdk": patch\n---\n\nx\n'],
    ]);
    expect(pendingBump('@codepay/sdk', changesets, groups)).toBe('minor');
    expect(pendingBump('@codepay/other', changesets, groups)).toBeUndefined();
    expect(maxBump('patch', undefined, 'major', 'minor')).toBe('major');
    expect(bumpCovers('minor', 'minor')).toBe(true);
    expect(bumpCovers('patch', 'minor')).toBe(false);
    expect(bumpCovers(undefined, 'minor')).toBe(false);
  });

  it('reads the bump a version change made', () => {
    expect(bumpBetween('0.1.0', '0.1.1')).toBe('patch');
    expect(bumpBetween('0.1.1', '0.2.0')).toBe('minor');
    expect(bumpBetween('0.2.0', '1.0.0')).toBe('major');
    expect(bumpBetween('1.0.0', '1.0.0')).toBeUndefined();
    expect(bumpBetween(undefined, '1.0.0')).toBeUndefined();
  });
});
