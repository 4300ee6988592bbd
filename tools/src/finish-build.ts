// Runs after tsup in each package's `build` script (`tsup && tsx ../../tools/src/finish-build.ts`, from the package
// directory), once both the bundles and the declaration files exist.
//
// tsup bundles declarations with rollup-plugin-dts, which drops the type-only-ness of `export type * from …`: the
// SDK's `export type * from '@codepay/models'` comes out as `export * from '@codepay/models'`, and its
// `export type * from './gen/resources.gen.js'` as plain `export { createResources, dateTimeFields }`. The
// declarations would then promise values the JavaScript does not export (`import { services } from '@codepay/sdk'`
// would compile and fail at run time). esbuild keeps the distinction, so the JavaScript build is the reference:
// every export in the declarations that dist/index.js does not export at run time is made type-only.
// It also refuses an ESM bundle that still calls require() (assertNoRequireShim).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface RuntimeExports {
  names: Set<string>;
  /** Modules re-exported whole (`export * from 'x'`). */
  stars: Set<string>;
}

/** What an ES module exports at run time, read from its export statements. */
export function runtimeExports(javascript: string): RuntimeExports {
  const source = ts.createSourceFile('index.js', javascript, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const names = new Set<string>();
  const stars = new Set<string>();
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const from =
        statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
          ? statement.moduleSpecifier.text
          : undefined;
      if (!statement.exportClause) stars.add(from!);
      else if (ts.isNamedExports(statement.exportClause))
        statement.exportClause.elements.forEach((e) => {
          names.add(e.name.text);
        });
      else names.add(statement.exportClause.name.text);
    } else if (
      ts.canHaveModifiers(statement) &&
      ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
    ) {
      if (ts.isVariableStatement(statement))
        statement.declarationList.declarations.forEach((d) => {
          if (ts.isIdentifier(d.name)) names.add(d.name.text);
        });
      else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
        names.add(statement.name.text);
    }
  }
  return { names, stars };
}

/** The declaration text with every export the JavaScript does not have at run time made type-only. */
export function typeOnlyWhereNotRuntime(declarations: string, runtime: RuntimeExports): string {
  const source = ts.createSourceFile('index.d.ts', declarations, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const insertions: number[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.isTypeOnly) continue;
    const from =
      statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : undefined;
    if (!statement.exportClause) {
      // `export * from 'x'` → `export type * from 'x'`
      if (!runtime.stars.has(from!)) insertions.push(statement.getStart(source) + 'export '.length);
    } else if (ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        if (!element.isTypeOnly && !runtime.names.has(element.name.text)) insertions.push(element.getStart(source));
      }
    }
  }
  let result = declarations;
  for (const position of insertions.sort((a, b) => b - a))
    result = `${result.slice(0, position)}type ${result.slice(position)}`;
  return result;
}

/**
 * esbuild's `__require` shim in an ESM bundle throws at load time ("Dynamic require of … is not supported"): it
 * means some CommonJS `require()` of a dependency slipped into the ESM build (see commonJsAsEsm() in tsup-config.ts).
 */
export function assertNoRequireShim(javascript: string, file: string): void {
  if (/\b__require\b/.test(javascript)) {
    throw new Error(
      `${file} calls require() through esbuild's __require shim, which fails in ESM: convert that CommonJS source for the ESM build (tools/src/tsup-config.ts).`,
    );
  }
}

export function finishBuild(packageDir: string): string[] {
  const esm = readFileSync(path.join(packageDir, 'dist/index.js'), 'utf8');
  assertNoRequireShim(esm, path.join(packageDir, 'dist/index.js'));
  const runtime = runtimeExports(esm);
  const changed: string[] = [];
  for (const file of ['index.d.ts', 'index.d.cts']) {
    const declarationPath = path.join(packageDir, 'dist', file);
    const before = readFileSync(declarationPath, 'utf8');
    const after = typeOnlyWhereNotRuntime(before, runtime);
    if (after !== before) {
      writeFileSync(declarationPath, after);
      changed.push(file);
    }
  }
  return changed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const changed = finishBuild(process.cwd());
  if (changed.length > 0)
    console.log(`finish-build: exports the JavaScript does not have made type-only in dist/${changed.join(', dist/')}`);
}
