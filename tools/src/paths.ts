// Where things live in the repository, computed from this file so scripts work from any working directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the spec lives under a repository root (tests pass a temporary copy). */
export function specLayout(root: string = repoRoot) {
  const specDir = path.join(root, 'spec');
  return {
    specDir,
    openapiSourcePath: path.join(specDir, 'openapi.yaml'),
    bizContentDir: path.join(specDir, 'bizcontent'),
  };
}
