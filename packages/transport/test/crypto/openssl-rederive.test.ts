// The committed vectors are what the openssl command line makes: where openssl is installed, every vector is derived
// again with it (test-vectors/generate.mjs --check) and compared, so the files cannot drift silently.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vectorsDir } from './vectors.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const check = (dir: string) =>
  spawnSync(process.execPath, [path.join(dir, 'generate.mjs'), '--check'], { encoding: 'utf8', timeout: 60_000 });

describe.skipIf(!hasOpenssl)('test-vectors/ against the openssl command line', () => {
  it('every committed vector is re-derived byte for byte by openssl', () => {
    const result = check(vectorsDir);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\d+ vectors match what openssl derives/);
    expect(result.status).toBe(0);
  });

  it('a vector changed by one character is caught and named', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'codepay-vectors-'));
    try {
      cpSync(vectorsDir, copy, { recursive: true });
      const file = JSON.parse(readFileSync(path.join(copy, 'vectors.json'), 'utf8')) as {
        vectors: { name: string; sign: string }[];
      };
      const vector = file.vectors[0]!;
      vector.sign = (vector.sign.startsWith('A') ? 'B' : 'A') + vector.sign.slice(1);
      writeFileSync(path.join(copy, 'vectors.json'), JSON.stringify(file, null, 2));
      const result = check(copy);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(vector.name);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
