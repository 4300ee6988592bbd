// Checks of the bundled spec by tools other than the ones that generate from it, so the spec is not only right for
// our own pipeline: a maintained OpenAPI validator (@readme/openapi-parser), Spectral with its `spectral:oas`
// ruleset, and a portability rule for regular expressions (the subset every JSON Schema implementation supports:
// no Unicode property escapes, no lookaround, no backreferences — Python's jsonschema and openapi-spec-validator
// among them).
import { compileErrors, validate } from '@readme/openapi-parser';
// Spectral's packages are CommonJS: their named exports are read from the default import.
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import spectralRulesets from '@stoplight/spectral-rulesets';
import type { JsonSchema } from './bundle.js';
import { forEachPattern } from './spec-extensions.js';

/** Errors @readme/openapi-parser finds in the bundle (an empty list when it is valid). */
export async function openApiParserProblems(bundle: JsonSchema): Promise<string[]> {
  const result = await validate(structuredClone(bundle) as never);
  return result.valid ? [] : [compileErrors(result)];
}

/** Spectral `spectral:oas` results of severity "error" (warnings are printed by the caller, not failures). */
export async function spectralResults(bundleText: string): Promise<{ errors: string[]; warnings: string[] }> {
  const spectral = new spectralCore.Spectral();
  spectral.setRuleset({ extends: [[spectralRulesets.oas as never, 'recommended']] } as never);
  const results = await spectral.run(
    new spectralCore.Document(bundleText, spectralParsers.Json, 'openapi.bundled.json'),
  );
  const describe = (r: (typeof results)[number]) => `${r.code} at ${r.path.join('.')}: ${r.message}`;
  return {
    errors: results.filter((r) => r.severity === 0).map(describe),
    warnings: results.filter((r) => r.severity === 1).map(describe),
  };
}

// Constructs outside the portable subset of ECMA-262 regular expressions (JSON Schema's recommendation).
const NOT_PORTABLE: ReadonlyArray<[RegExp, string]> = [
  [/\\[pP]\{/, 'a Unicode property escape (\\p{…})'],
  [/\(\?[=!]/, 'a lookahead'],
  [/\(\?<[=!]/, 'a lookbehind'],
  [/\(\?<[A-Za-z]/, 'a named group'],
  [/\\[1-9]/, 'a backreference'],
  [/\\[dDwWsSbB]/, 'a class escape (\\d, \\w, \\s…) whose meaning differs between engines'],
];

/** Every `pattern` in the bundle that uses a construct outside the portable subset, with where and why. */
export function nonPortablePatterns(bundle: JsonSchema): string[] {
  const problems: string[] = [];
  forEachPattern(bundle, '#', (pattern, _schema, where) => {
    for (const [construct, name] of NOT_PORTABLE)
      if (construct.test(pattern)) problems.push(`${where}/pattern uses ${name}: ${pattern}`);
  });
  return problems;
}
