// `pnpm api:report` (--write) and `pnpm api:check` (--check): the public API of each publishable package, read from
// its built declarations (dist/index.d.ts), kept in api/<package>.api.md.
//
// --write  rebuilds and rewrites the reports.
// --check  rebuilds and fails when
//            1. a report differs from what the build declares (prints the diff: run `pnpm api:report`), or
//            2. the API changed since the base more than the changesets announce. The base is `--base <ref>` (a pull
//               request passes its merge-base with main), else the newest release tag (`@codepay/<pkg>@<version>`),
//               else HEAD. Two comparisons, each change judged by what users do with the type (see api-compat.ts and
//               spec-diff.ts): the reports at the base against the build, and spec/dist/openapi.bundled.json at the
//               base against now (its changes count for @codepay/models, which ships the types and validators).
//               A breaking change needs a major release, an addition a minor one: the bump the pending changesets
//               give the package (for a `fixed` group, the largest of the group), or the one already made since the
//               base by a version commit. (Regenerating the report does not get past 2; only the changeset does.)
// Both also check that the declarations promise exactly the values the ESM and CJS builds export.
// `--no-build` reuses the dist/ already there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareApis, type ApiFinding, type PackageApi } from './api-compat.js';
import { extractApi, parseReport, parseReportImports, renderReport, type ApiSurface } from './api-surface.js';
import { repoRoot } from './paths.js';
import { buildPackages, withTempDir } from './release-packages.js';
import {
  bumpCovers,
  fileAt,
  newestReleaseTag,
  pendingChangesets,
  plannedBump,
  publishablePackages,
  type Bump,
  type PublishablePackage,
} from './release-state.js';
import { specChanges } from './spec-diff.js';

export const apiDir = path.join(repoRoot, 'api');

/**
 * Interfaces users implement themselves although the library also makes them (`consoleLogger(): Logger`). Where
 * they are written (`TransportOptions.logger`) their members are compared as written: a new required method is
 * breaking. (Any other interface an exported function makes is taken as the library's: passing one back does not
 * make users its authors.)
 */
export const IMPLEMENTED_BY_USERS = ['@codepay/transport:Logger'];

export const SPEC_FILE = 'spec/dist/openapi.bundled.json';
/** The package whose API the spec's changes are: it ships the types and validators generated from it. */
export const SPEC_PACKAGE = '@codepay/models';

export function reportFileOf(packageDir: string): string {
  return `api/${path.basename(packageDir)}.api.md`;
}

export function defaultApiBase(root = repoRoot): string {
  return newestReleaseTag(root) ?? 'HEAD';
}

export interface ApiGateResult {
  /** Per package: the changes found, the bump they need and the bump planned. */
  packages: Array<{ name: string; findings: ApiFinding[]; required?: Bump; planned?: Bump; ok: boolean }>;
}

/**
 * The breaking-change gate: the API (reports at `base` against `fresh`) and the spec (at `base` against the working
 * tree), each change's level against the bump each package is getting.
 */
export function apiGate(
  root: string,
  base: string,
  fresh: ReadonlyMap<string, ApiSurface>,
  packages: readonly PublishablePackage[] = publishablePackages(root),
): ApiGateResult {
  const before: PackageApi[] = [];
  const after: PackageApi[] = [];
  for (const pkg of packages) {
    const surface = fresh.get(pkg.name);
    const baseline = fileAt(root, base, reportFileOf(pkg.dir));
    if (!surface || baseline === undefined) continue;
    const imports = parseReportImports(baseline);
    const resolveFrom = path.join(root, pkg.dir);
    before.push({
      name: pkg.name,
      imports: imports.length > 0 ? imports : surface.imports,
      entries: parseReport(baseline),
      resolveFrom,
    });
    after.push({ name: pkg.name, imports: surface.imports, entries: surface.entries, resolveFrom });
  }
  const findings =
    before.length > 0 ? compareApis(before, after, { implementedByUsers: IMPLEMENTED_BY_USERS }).findings : [];
  const specBefore = fileAt(root, base, SPEC_FILE);
  if (specBefore !== undefined && existsSync(path.join(root, SPEC_FILE))) {
    for (const change of specChanges(
      JSON.parse(specBefore),
      JSON.parse(readFileSync(path.join(root, SPEC_FILE), 'utf8')),
    )) {
      findings.push({
        package: SPEC_PACKAGE,
        level: change.level,
        where: `spec: ${change.where}`,
        message: change.message,
      });
    }
  }
  const changesets = pendingChangesets(root);
  return {
    packages: packages.map((pkg) => {
      const own = findings.filter((f) => f.package === pkg.name);
      const required: Bump | undefined = own.some((f) => f.level === 'major')
        ? 'major'
        : own.length > 0
          ? 'minor'
          : undefined;
      const planned = plannedBump(root, base, pkg, changesets);
      return {
        name: pkg.name,
        findings: own,
        required,
        planned,
        ok: required === undefined || bumpCovers(planned, required),
      };
    }),
  };
}

export function gateMessage(result: ApiGateResult['packages'][number], base: string): string {
  const lines = (level: 'major' | 'minor') =>
    result.findings.filter((f) => f.level === level).map((f) => `  ${level}  ${f.where}: ${f.message}`);
  const listed = [...lines('major'), ...lines('minor')];
  if (result.ok) {
    return result.required
      ? `${result.name}: ${result.findings.length} API change(s) since ${base} that need a ${result.required} release; it gets a ${result.planned} release:\n${listed.join('\n')}`
      : `${result.name}: no API change since ${base}`;
  }
  const why = result.required === 'major' ? 'breaking changes need a major release' : 'additions need a minor release';
  return [
    `${result.name}: the API changed since ${base} and ${why}, but ${result.planned ? `the pending changesets make it a ${result.planned} release` : 'no pending changeset names it'}:`,
    ...listed,
    result.required === 'major'
      ? `Keep the change compatible, or run \`pnpm changeset\`, choose ${result.name} with a major bump and tell its users what to change.`
      : `Run \`pnpm changeset\` and choose ${result.name} with a minor bump (or more), describing what is new.`,
  ].join('\n');
}

/** The declarations must promise exactly what the JavaScript exports, in both builds. */
async function runtimeMismatch(packageDir: string, surface: ApiSurface): Promise<string | undefined> {
  const esm = Object.keys((await import(pathToFileURL(path.join(packageDir, 'dist/index.js')).href)) as object).filter(
    (k) => k !== 'default',
  );
  const cjs = Object.keys(createRequire(import.meta.url)(path.join(packageDir, 'dist/index.cjs')) as object).filter(
    (k) => k !== '__esModule',
  );
  const declared = new Set(surface.values);
  const problems: string[] = [];
  for (const [format, names] of [
    ['ESM', esm],
    ['CJS', cjs],
  ] as const) {
    const actual = new Set(names);
    const missing = [...declared].filter((n) => !actual.has(n));
    const undeclared = [...actual].filter((n) => !declared.has(n));
    if (missing.length > 0)
      problems.push(`declared as values but not exported by the ${format} build: ${missing.join(', ')}`);
    if (undeclared.length > 0)
      problems.push(`exported by the ${format} build but not declared: ${undeclared.join(', ')}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}

function showDiff(committedFile: string, fresh: string): void {
  withTempDir('codepay-api-', (dir) => {
    const freshFile = path.join(dir, path.basename(committedFile));
    writeFileSync(freshFile, fresh);
    try {
      execFileSync(
        'git',
        [
          'diff',
          '--no-index',
          '--color=never',
          '--',
          existsSync(committedFile) ? committedFile : '/dev/null',
          freshFile,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
      );
    } catch (error) {
      console.error((error as { stdout?: string }).stdout ?? '');
    }
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const write = argv.includes('--write');
  const baseFlag = argv.indexOf('--base');
  const base = baseFlag >= 0 ? argv[baseFlag + 1]! : defaultApiBase();
  if (!argv.includes('--no-build')) buildPackages();

  let failed = false;
  const fresh = new Map<string, ApiSurface>();
  for (const pkg of publishablePackages()) {
    const packageDir = path.join(repoRoot, pkg.dir);
    const declarationPath = `${pkg.dir}/dist/index.d.ts`;
    const surface = extractApi(path.join(repoRoot, declarationPath));
    fresh.set(pkg.name, surface);
    const rendered = renderReport(pkg.name, declarationPath, surface);
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
      writeFileSync(reportPath, rendered);
      console.log(
        `${previous === rendered ? 'unchanged' : 'wrote    '} ${reportFile} (${surface.entries.filter((e) => e.exported).length} exports)`,
      );
    } else {
      const committed = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : undefined;
      if (committed !== rendered) {
        console.error(
          `${pkg.name}: ${reportFile} is not what the build declares${committed === undefined ? ' (missing)' : ''}:`,
        );
        showDiff(reportPath, rendered);
        console.error(`Run \`pnpm api:report\` and commit ${reportFile} (review the diff: it is your API change).`);
        failed = true;
      }
    }
  }

  // The gate runs against the base whatever the working copy's reports say.
  for (const result of apiGate(repoRoot, base, fresh).packages) {
    const message = gateMessage(result, base);
    if (result.ok) console.log(message);
    else {
      console.error(message);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
