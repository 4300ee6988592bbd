// `pnpm spec:check`: a real OpenAPI linter (Redocly, strict recommended rules) over a fresh bundle, a second
// validator and linter by other hands (@readme/openapi-parser, Spectral's spectral:oas), the portability of every
// pattern, then our rules.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { bundleSpec, loadBizContentFiles, serializeBundle } from './bundle.js';
import { repoRoot } from './paths.js';
import { checkSpecRules } from './spec-rules.js';
import { nonPortablePatterns, openApiParserProblems, spectralResults } from './third-party-spec-checks.js';

function lintWithRedocly(bundleText: string): boolean {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'codepay-lint-'));
  try {
    const file = path.join(workDir, 'openapi.bundled.json');
    writeFileSync(file, bundleText);
    const redoclyBin = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
    const run = spawnSync(
      process.execPath,
      [redoclyBin, 'lint', file, '--config', path.join(repoRoot, 'redocly.yaml')],
      {
        stdio: 'inherit',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    return run.status === 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

const bundle = bundleSpec();
const bundleText = serializeBundle(bundle);
const lintOk = lintWithRedocly(bundleText);
const spectral = await spectralResults(bundleText);
for (const warning of spectral.warnings) console.warn(`spectral warning: ${warning}`);
const problems = [
  ...(await openApiParserProblems(bundle)).map((problem) => `@readme/openapi-parser: ${problem}`),
  ...spectral.errors.map((error) => `spectral: ${error}`),
  ...nonPortablePatterns(bundle).map((problem) => `portable patterns: ${problem}`),
  ...checkSpecRules({ bundle, files: loadBizContentFiles() }),
];
for (const problem of problems) console.error(`spec rule: ${problem}`);
if (!lintOk || problems.length > 0) {
  console.error(`spec:check failed (${lintOk ? 'lint passed' : 'lint failed'}, ${problems.length} rule problem(s))`);
  process.exit(1);
}
console.log(
  `spec:check: Redocly lint, @readme/openapi-parser, Spectral spectral:oas (${spectral.warnings.length} warning(s)), portable patterns and our rules pass; every example validates`,
);
