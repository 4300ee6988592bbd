// `pnpm codegen`: regenerate every generated file from spec/ and remove stale ones.
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { generateAll, GENERATED_DIRS } from './generate-all.js';
import { repoRoot } from './paths.js';

export function listFiles(relativeDir: string, root: string = repoRoot): string[] {
  const dir = path.join(root, relativeDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

async function main(): Promise<void> {
  const files = await generateAll();
  const produced = new Set(files.map((f) => f.path));
  for (const dir of GENERATED_DIRS) {
    for (const stale of listFiles(dir).filter((p) => !produced.has(p))) {
      rmSync(path.join(repoRoot, stale));
      console.log(`removed ${stale}`);
    }
  }
  for (const file of files) {
    const target = path.join(repoRoot, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    console.log(`wrote ${file.path}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
