// The spec passes checks written by others, and the portability rule catches what other engines cannot read.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bundleSpec, serializeBundle } from '../src/bundle.js';
import { nonPortablePatterns, openApiParserProblems, spectralResults } from '../src/third-party-spec-checks.js';

const bundle = bundleSpec();

function patternsOf(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node))
    node.forEach((item) => {
      patternsOf(item, found);
    });
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.push(value);
      else if (key !== 'examples') patternsOf(value, found);
    }
  }
  return found;
}

describe('the bundled spec under third-party tools', () => {
  it('@readme/openapi-parser finds it valid, and finds a broken $ref', async () => {
    expect(await openApiParserProblems(bundle)).toEqual([]);
    const broken = structuredClone(bundle) as { components: { schemas: Record<string, unknown> } };
    broken.components.schemas.Psn = { $ref: '#/components/schemas/NoSuchSchema' };
    expect((await openApiParserProblems(broken as never)).join('\n')).toMatch(/NoSuchSchema/);
  });

  it("Spectral's spectral:oas reports no error, and reports one in a broken copy", async () => {
    expect((await spectralResults(serializeBundle(bundle))).errors).toEqual([]);
    const broken = structuredClone(bundle) as { paths: Record<string, { post?: { operationId?: string } }> };
    broken.paths['/services/getPayer']!.post!.operationId = 'createPayer';
    expect((await spectralResults(JSON.stringify(broken))).errors.join('\n')).toMatch(/operation-operationId-unique/);
  });

  it('every pattern is in the portable subset, and the rule names what is not', () => {
    expect(nonPortablePatterns(bundle)).toEqual([]);
    expect(
      nonPortablePatterns({
        a: { pattern: '^[\\p{L} ]*$' },
        b: { pattern: '^(?=.*[1-9])[0-9]+$' },
        c: { pattern: '^\\d+$' },
      } as never),
    ).toEqual([
      '#/a/pattern uses a Unicode property escape (\\p{…}): ^[\\p{L} ]*$',
      '#/b/pattern uses a lookahead: ^(?=.*[1-9])[0-9]+$',
      '#/c/pattern uses a class escape (\\d, \\w, \\s…) whose meaning differs between engines: ^\\d+$',
    ]);
  });

  const hasPython = spawnSync('python3', ['--version']).status === 0;
  it.skipIf(!hasPython)("every pattern compiles with Python's re, as Python's jsonschema would use it", () => {
    const patterns = [...new Set(patternsOf(bundle))];
    const script = 'import json,re,sys\nfor p in json.load(sys.stdin): re.compile(p)\nprint("ok")';
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(patterns), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('ok');
  });
});
