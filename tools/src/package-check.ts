// `pnpm package:check`: build the publishable packages, pack each the way `pnpm publish` would (publishConfig
// applied) into a temporary directory, then lint every tarball:
//   - publint: package.json fields, `exports`, files that are referenced but not packed, module formats;
//   - @arethetypeswrong/cli: every resolution TypeScript users can have (node10, node16 from CJS, node16 from ESM,
//     bundler) finds types of the right module kind for each export (`--profile strict`, attw's default).
// Also checks what the tarball must hold: the LICENSE, the README, dist/index.{js,cjs,d.ts,d.cts} and, for a
// package with a `bin`, an executable file starting with `#!/usr/bin/env node`.
// `--no-build` reuses the dist/ already there.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  binOf,
  buildPackages,
  packPackages,
  tarballEntries,
  withTempDir,
  type PackedPackage,
} from './release-packages.js';
import { repoRoot } from './paths.js';

const REQUIRED_FILES = [
  'package.json',
  'LICENSE',
  'README.md',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
];

/** What a packed package lacks or gets wrong beyond what publint and attw look at. */
export function tarballProblems(
  manifest: Record<string, unknown>,
  files: ReadonlyMap<string, string | undefined>,
): string[] {
  const problems: string[] = [];
  for (const file of REQUIRED_FILES) if (!files.has(file)) problems.push(`${file} is not in the tarball`);
  for (const file of files.keys()) {
    if (/^(src|test)\//.test(file) || (file.endsWith('.ts') && !file.endsWith('.d.ts')))
      problems.push(`${file} should not be published`);
  }
  if (JSON.stringify(manifest).includes('workspace:')) problems.push('package.json still has a workspace: range');
  if (JSON.stringify(manifest.exports ?? {}).includes('./src/'))
    problems.push('exports point at src/ (publishConfig not applied)');
  const bins =
    typeof manifest.bin === 'string'
      ? { [String(manifest.name)]: manifest.bin }
      : ((manifest.bin ?? {}) as Record<string, string>);
  for (const [name, file] of Object.entries(bins)) {
    const content = files.get(path.posix.normalize(file));
    if (content === undefined) problems.push(`bin ${name} → ${file} is not in the tarball`);
    else if (!content.startsWith('#!/usr/bin/env node\n'))
      problems.push(`bin ${name} → ${file} does not start with #!/usr/bin/env node`);
  }
  return problems;
}

function run(label: string, command: string[]): boolean {
  try {
    execFileSync(command[0]!, command.slice(1), {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    console.log(`  ok    ${label}`);
    return true;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    console.log(`  FAIL  ${label}\n${`${stdout}${stderr}`.trim().replace(/^/gm, '        ')}`);
    return false;
  }
}

function checkTarball(pkg: PackedPackage, unpackDir: string): boolean {
  execFileSync('tar', ['xzf', pkg.tarball, '-C', unpackDir]);
  const root = path.join(unpackDir, 'package');
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const files = new Map(
    tarballEntries(pkg.tarball).map(({ path: file }) => [
      file,
      /\.(c?js|json)$/.test(file) ? readFileSync(path.join(root, file), 'utf8') : undefined,
    ]),
  );
  const problems = tarballProblems(manifest, files);
  for (const problem of problems) console.log(`  FAIL  ${problem}`);
  if (problems.length === 0)
    console.log(
      `  ok    contents (${files.size} files: ${[...files.keys()]
        .filter((f) => !f.endsWith('.map'))
        .sort()
        .join(', ')})`,
    );
  const publint = run('publint', [...binOf('publint'), 'run', pkg.tarball, '--strict']);
  const attw = run('attw (node10, node16 CJS and ESM, bundler)', [
    ...binOf('@arethetypeswrong/cli', 'attw'),
    pkg.tarball,
    '--profile',
    'strict',
    '--format',
    'table-flipped',
  ]);
  return problems.length === 0 && publint && attw;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.argv.includes('--no-build')) buildPackages();
  const ok = withTempDir('codepay-package-check-', (dir) =>
    packPackages(dir).map((pkg, index) => {
      console.log(`${pkg.name}@${pkg.version} (${path.basename(pkg.tarball)})`);
      return withTempDir(`unpack-${index}-`, (unpackDir) => checkTarball(pkg, unpackDir));
    }),
  ).every(Boolean);
  if (!ok) {
    console.error('package:check failed: fix the package.json or the build config (packages/*/tsup.config.ts) above.');
    process.exit(1);
  }
  console.log('package:check: every package packs, lints and resolves cleanly');
}
