// `pnpm codegen:check`: regenerate in memory and fail if any generated file on disk differs, is missing or is stale.
// It never writes, so it also catches a spec edited without running `pnpm codegen`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from './codegen.js';
import { generateAll, GENERATED_DIRS } from './generate-all.js';
import { repoRoot } from './paths.js';

export async function findCodegenDrift(root: string = repoRoot): Promise<string[]> {
  const files = await generateAll(root);
  const problems: string[] = [];
  for (const file of files) {
    const onDisk = path.join(root, file.path);
    if (!existsSync(onDisk)) problems.push(`${file.path}: missing`);
    else if (readFileSync(onDisk, 'utf8') !== file.content)
      problems.push(`${file.path}: differs from what spec/ generates`);
  }
  const produced = new Set(files.map((f) => f.path));
  for (const dir of GENERATED_DIRS) {
    for (const stale of listFiles(dir, root).filter((p) => !produced.has(p)))
      problems.push(`${stale}: stale (no longer generated)`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problems = await findCodegenDrift();
  if (problems.length > 0) {
    console.error(
      `Generated code is out of date with spec/ (run \`pnpm codegen\` and commit):\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log('codegen:check: generated files match spec/');
}
