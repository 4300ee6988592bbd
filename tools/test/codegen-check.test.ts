import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCodegenDrift } from '../src/codegen-check.js';
import { GENERATED_DIRS } from '../src/generate-all.js';
import { README_FILES } from '../src/generate-readmes.js';
import { repoRoot } from '../src/paths.js';

// Works on a temporary copy of spec/ and the generated folder, so the real tree is never touched.
describe('codegen:check', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'codepay-codegen-check-'));
    cpSync(path.join(repoRoot, 'spec'), path.join(root, 'spec'), { recursive: true });
    for (const dir of [...GENERATED_DIRS.filter((d) => d !== 'spec/dist'), 'api']) {
      cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true });
    }
    for (const file of README_FILES) cpSync(path.join(repoRoot, file), path.join(root, file));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes when the committed generated files match the spec', async () => {
    expect(await findCodegenDrift(root)).toEqual([]);
  });

  it('fails when a required field is removed from a bizContent schema without regenerating', async () => {
    const file = path.join(root, 'spec/bizcontent/createPayer.request.json');
    const original = readFileSync(file, 'utf8');
    const schema = JSON.parse(original);
    schema.required = schema.required.filter((name: string) => name !== 'email');
    writeFileSync(file, JSON.stringify(schema, null, 2));
    try {
      const drift = await findCodegenDrift(root);
      expect(drift).toEqual(
        expect.arrayContaining([
          'spec/dist/openapi.bundled.json: differs from what spec/ generates',
          'packages/models/src/gen/types.gen.ts: differs from what spec/ generates',
          'packages/models/src/gen/validators.gen.cjs: differs from what spec/ generates',
        ]),
      );
    } finally {
      writeFileSync(file, original);
    }
  });

  it('reports a stale file left in a generated folder', async () => {
    const stale = path.join(root, 'packages/models/src/gen/old.gen.ts');
    writeFileSync(stale, '// left over\n');
    try {
      expect(await findCodegenDrift(root)).toEqual(['packages/models/src/gen/old.gen.ts: stale (no longer generated)']);
    } finally {
      rmSync(stale);
    }
  });

  it('reports a README table edited by hand, and a README that lost its markers', async () => {
    const file = path.join(root, 'packages/sdk/README.md');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('| `Paid` | — | yes |', '| `Paid` | yes | yes |'));
    try {
      expect(await findCodegenDrift(root)).toEqual(['packages/sdk/README.md: differs from what spec/ generates']);
      writeFileSync(file, original.replace('<!-- /generated:methods -->', ''));
      await expect(findCodegenDrift(root)).rejects.toThrow(
        'packages/sdk/README.md: the markers <!-- generated:methods --> … <!-- /generated:methods --> are missing; put them where the table goes',
      );
    } finally {
      writeFileSync(file, original);
    }
  });
});
