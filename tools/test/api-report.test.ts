import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiChanges, breakingChangeError, changesetBumps, extractApi, onlyAddsOptionalMembers, parseReport, renderReport, type ApiEntry } from '../src/api-surface.js';
import { repoRoot } from '../src/paths.js';

const sdkReport = readFileSync(path.join(repoRoot, 'api/sdk.api.md'), 'utf8');

/** The report without the entry (heading and code block) of one export. */
function withoutExport(report: string, name: string): string {
  const result = report.replace(new RegExp(`### \`${name}\` — [^\\n]*\\n\\n(?:\`\`\`ts\\n[\\s\\S]*?\\n\`\`\`\\n\\n)?`), '');
  expect(result).not.toBe(report);
  return result;
}

const changeset = (front: string) => `---\n${front}\n---\n\nWhat users must change.\n`;

describe('api:check breaking-change gate', () => {
  const before = parseReport(sdkReport);

  it('reads the committed @codepay/sdk report back (createCodePay, CodePayOptions, the re-exported errors)', () => {
    expect(before.find((e) => e.name === 'createCodePay')).toMatchObject({ exported: true, kind: 'function' });
    expect(before.find((e) => e.name === 'CodePayOptions')?.text).toMatch(/^interface CodePayOptions /);
    expect(before.find((e) => e.name === 'ValidationError')).toMatchObject({ kind: 'class', from: '@codepay/transport', text: '' });
  });

  it('fails when an export is removed, even after the report is regenerated, unless a major changeset names the package', () => {
    const after = parseReport(withoutExport(sdkReport, 'createCodePay'));
    const changes = apiChanges(before, after);
    expect(changes).toEqual([{ name: 'createCodePay', change: 'removed', detail: 'export `createCodePay` (function) was removed' }]);

    expect(breakingChangeError('@codepay/sdk', changes, new Map(), 'HEAD')).toMatch(/no pending changeset makes it a major release[\s\S]*createCodePay/);
    expect(breakingChangeError('@codepay/sdk', changes, new Map([['a.md', changeset('"@codepay/sdk": minor')]]), 'HEAD')).toBeDefined();
    expect(breakingChangeError('@codepay/sdk', changes, new Map([['a.md', changeset('"@codepay/transport": major')]]), 'HEAD')).toBeDefined();
    expect(breakingChangeError('@codepay/sdk', changes, new Map([['a.md', changeset('"@codepay/transport": major\n"@codepay/sdk": major')]]), 'HEAD')).toBeUndefined();
  });

  it('fails when the signature of an export changes (here: a parameter narrowed)', () => {
    const { text } = before.find((e) => e.name === 'createCodePay')!;
    const narrowed = sdkReport.replace(text, text.replace(/\((\w+): ([^,)]+)/, '($1: $2 & { appId: `app_${string}` }'));
    expect(narrowed).not.toBe(sdkReport);
    const changes = apiChanges(before, parseReport(narrowed));
    expect(changes.map((c) => [c.name, c.change])).toEqual([['createCodePay', 'changed']]);
    expect(breakingChangeError('@codepay/sdk', changes, new Map(), 'v1')).toBeDefined();
  });

  it('lets new exports and new optional members through, but not new required members', () => {
    const options = before.find((e) => e.name === 'CodePayOptions')!;
    const optionalAdded = options.text.replace(/\n}$/, '\n    region?: string;\n}');
    const requiredAdded = options.text.replace(/\n}$/, '\n    region: string;\n}');
    expect(onlyAddsOptionalMembers(options.text, optionalAdded)).toBe(true);
    expect(onlyAddsOptionalMembers(options.text, requiredAdded)).toBe(false);
    const added: ApiEntry = { name: 'newHelper', exported: true, kind: 'function', text: 'declare function newHelper(): void;' };
    const after = [...before.map((e) => (e.name === 'CodePayOptions' ? { ...e, text: optionalAdded } : e)), added];
    expect(apiChanges(before, after)).toEqual([]);
    expect(apiChanges(before, before.map((e) => (e.name === 'CodePayOptions' ? { ...e, text: requiredAdded } : e)))).toHaveLength(1);
  });

  it('reads bump types from changeset front matter only', () => {
    expect([...changesetBumps('---\n"@codepay/sdk": major\n\'@codepay/mock\': patch\n---\n\n"@codepay/models": major\n')]).toEqual([
      ['@codepay/sdk', 'major'],
      ['@codepay/mock', 'patch'],
    ]);
  });
});

describe('extractApi (built declarations → report)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codepay-api-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists exports with kind and declaration, keeps type-only re-exports out of the values, and round-trips', () => {
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "@example/api", "type": "module" }');
    writeFileSync(path.join(dir, 'other.d.ts'), 'export declare const registry: { a: 1 };\nexport type Name = "a" | "b";\n');
    writeFileSync(
      path.join(dir, 'index.d.ts'),
      [
        '/** Docs are not API. */',
        'declare function create(options: Options): Client;',
        'interface Options { timeout?: number; }',
        'interface Client { call(name: Name): Promise<string>; }',
        "import { Name } from './other.js';",
        'declare const VERSION: string;',
        "export type * from './other.js';",
        'export { create, type Options, VERSION };',
      ].join('\n'),
    );
    const surface = extractApi(path.join(dir, 'index.d.ts'));
    expect(surface.values).toEqual(['VERSION', 'create']);
    expect(surface.entries.map((e) => [e.name, e.exported, e.kind])).toEqual([
      ['Name', true, 'type'],
      ['Options', true, 'interface'],
      ['VERSION', true, 'const'],
      ['create', true, 'function'],
      ['registry', true, 'const (exported as a type only)'],
      ['Client', false, 'interface'],
    ]);
    expect(surface.entries.find((e) => e.name === 'create')?.text).toBe('declare function create(options: Options): Client;');
    const report = renderReport('@example/api', 'index.d.ts', surface);
    expect(report).not.toMatch(/Docs are not API/);
    expect(parseReport(report)).toEqual(surface.entries);
  });
});
