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

/** Regenerates every generated file under `root` (a test passes a temporary copy); returns what it did, line by line. */
export async function writeGenerated(root: string = repoRoot): Promise<string[]> {
  const files = await generateAll(root);
  const produced = new Set(files.map((f) => f.path));
  const done: string[] = [];
  for (const dir of GENERATED_DIRS) {
    for (const stale of listFiles(dir, root).filter((p) => !produced.has(p))) {
      rmSync(path.join(root, stale));
      done.push(`removed ${stale}`);
    }
  }
  for (const file of files) {
    const target = path.join(root, file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    done.push(`wrote ${file.path}`);
  }
  return done;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await writeGenerated()) console.log(line);
}
