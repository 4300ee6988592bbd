import { describe, expect, it } from 'vitest';
import { isShippedChange, packagesMissingChangesets, packagesNamedIn, publishablePackages } from '../src/check-changesets.js';

const packages = [
  { name: '@codepay/sdk', dir: 'packages/sdk' },
  { name: '@codepay/transport', dir: 'packages/transport' },
];

describe('changeset:check', () => {
  it('finds the four publishable packages (private workspaces excluded)', () => {
    expect(publishablePackages().map((p) => p.name).sort()).toEqual(['@codepay/mock', '@codepay/models', '@codepay/sdk', '@codepay/transport']);
  });

  it('reads the package names from a changeset front matter', () => {
    expect(packagesNamedIn('---\n"@codepay/sdk": minor\n\'@codepay/mock\': patch\n---\n\nText: not a package: major\n')).toEqual(['@codepay/sdk', '@codepay/mock']);
  });

  it('fails a package whose source changed without a changeset naming it', () => {
    const changed = ['packages/sdk/src/client.ts', 'packages/transport/src/config.ts'];
    expect(packagesMissingChangesets(changed, packages, new Map([['a.md', ['@codepay/sdk']]]))).toEqual(['@codepay/transport']);
  });

  it('passes when a changeset names the package, and for tests and docs alone', () => {
    expect(packagesMissingChangesets(['packages/sdk/src/client.ts'], packages, new Map([['a.md', ['@codepay/sdk']]]))).toEqual([]);
    expect(packagesMissingChangesets(['packages/sdk/test/x.test.ts', 'packages/sdk/README.md'], packages, new Map())).toEqual([]);
    expect(isShippedChange('package.json')).toBe(true);
    expect(isShippedChange('src/gen/resources.gen.ts')).toBe(true);
  });
});
