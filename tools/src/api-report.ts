// `pnpm api:report` (--write) and `pnpm api:check` (--check): the public API of each publishable package, read from
// its built declarations (dist/index.d.ts), kept in api/<package>.api.md.
//
// --write  rebuilds and rewrites the reports.
// --check  rebuilds and fails when
//            1. a report differs from what the build declares (prints the diff: run `pnpm api:report`), or
//            2. compared with the report at the base — `--base <ref>` (a pull request passes its merge-base with main),
//               else the newest release tag (`@codepay/<pkg>@<version>`), else HEAD — an export was removed or a
//               declaration changed, and no pending changeset in .changeset/ names that package with `major`.
//               (Regenerating the report does not get past 2; only the changeset does.)
// Both also check that the declarations promise exactly the values the ESM and CJS builds export.
// `--no-build` reuses the dist/ already there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { apiChanges, breakingChangeError, changesetBumps, extractApi, parseReport, renderReport, type ApiSurface } from './api-surface.js';
import { repoRoot } from './paths.js';
import { buildPackages, publishablePackages, withTempDir } from './release-packages.js';

export const apiDir = path.join(repoRoot, 'api');

export function reportFileOf(packageDir: string): string {
  return `api/${path.basename(packageDir)}.api.md`;
}

const git = (args: readonly string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function defaultBase(): string {
  try {
    return git(['describe', '--tags', '--abbrev=0', '--match', '@codepay/*@*']).trim();
  } catch {
    return 'HEAD';
  }
}

function committedReport(base: string, file: string): string | undefined {
  try {
    return git(['show', `${base}:${file}`]);
  } catch {
    return undefined;
  }
}

function pendingChangesets(): Map<string, string> {
  const dir = path.join(repoRoot, '.changeset');
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith('.md') && file !== 'README.md')
      .map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]),
  );
}

/** The declarations must promise exactly what the JavaScript exports, in both builds. */
async function runtimeMismatch(packageDir: string, surface: ApiSurface): Promise<string | undefined> {
  const esm = Object.keys((await import(pathToFileURL(path.join(packageDir, 'dist/index.js')).href)) as object).filter((k) => k !== 'default');
  const cjs = Object.keys(createRequire(import.meta.url)(path.join(packageDir, 'dist/index.cjs')) as object).filter((k) => k !== '__esModule');
  const declared = new Set(surface.values);
  const problems: string[] = [];
  for (const [format, names] of [['ESM', esm], ['CJS', cjs]] as const) {
    const actual = new Set(names);
    const missing = [...declared].filter((n) => !actual.has(n));
    const undeclared = [...actual].filter((n) => !declared.has(n));
    if (missing.length > 0) problems.push(`declared as values but not exported by the ${format} build: ${missing.join(', ')}`);
    if (undeclared.length > 0) problems.push(`exported by the ${format} build but not declared: ${undeclared.join(', ')}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function showDiff(committedFile: string, fresh: string): void {
  withTempDir('codepay-api-', (dir) => {
    const freshFile = path.join(dir, path.basename(committedFile));
    writeFileSync(freshFile, fresh);
    try {
      execFileSync('git', ['diff', '--no-index', '--color=never', '--', existsSync(committedFile) ? committedFile : '/dev/null', freshFile], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (error) {
      console.error((error as { stdout?: string }).stdout ?? '');
    }
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const write = argv.includes('--write');
  const baseFlag = argv.indexOf('--base');
  const base = baseFlag >= 0 ? argv[baseFlag + 1]! : defaultBase();
  if (!argv.includes('--no-build')) buildPackages();

  let failed = false;
  const changesets = pendingChangesets();
  for (const pkg of publishablePackages()) {
    const packageDir = path.join(repoRoot, pkg.dir);
    const declarationPath = `${pkg.dir}/dist/index.d.ts`;
    const surface = extractApi(path.join(repoRoot, declarationPath));
    const fresh = renderReport(pkg.name, declarationPath, surface);
    const reportFile = reportFileOf(pkg.dir);
    const reportPath = path.join(repoRoot, reportFile);

    const mismatch = await runtimeMismatch(packageDir, surface);
    if (mismatch) {
      console.error(`${pkg.name}: the declarations and the JavaScript disagree — ${mismatch}`);
      failed = true;
    }

    if (write) {
      mkdirSync(apiDir, { recursive: true });
      const previous = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
      writeFileSync(reportPath, fresh);
      console.log(`${previous === fresh ? 'unchanged' : 'wrote    '} ${reportFile} (${surface.entries.filter((e) => e.exported).length} exports)`);
    } else {
      const committed = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
      if (committed !== fresh) {
        console.error(`${pkg.name}: ${reportFile} is not what the build declares${committed === undefined ? ' (missing)' : ''}:`);
        showDiff(reportPath, fresh);
        console.error(`Run \`pnpm api:report\` and commit ${reportFile} (review the diff: it is your API change).`);
        failed = true;
      }
    }

    // The breaking-change gate runs against the base whatever the working copy's report says.
    const baseline = committedReport(base, reportFile);
    if (baseline === undefined) {
      console.log(`${pkg.name}: no ${reportFile} at ${base}; nothing to compare with yet`);
      continue;
    }
    const changes = apiChanges(parseReport(baseline), surface.entries);
    const error = breakingChangeError(pkg.name, changes, changesets, base);
    if (error) {
      console.error(error);
      failed = true;
    } else if (changes.length > 0) {
      const major = [...changesets].filter(([, text]) => changesetBumps(text).get(pkg.name) === 'major').map(([file]) => file);
      console.log(`${pkg.name}: ${changes.length} breaking change(s) since ${base} (${changes.map((c) => c.name).join(', ')}), announced by the major changeset ${major.join(', ')}`);
    } else if (!write) {
      console.log(`${pkg.name}: API matches ${reportFile}; nothing removed or changed since ${base}`);
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
