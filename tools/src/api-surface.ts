// The public API of a built package, as its users' TypeScript sees it: every export of dist/index.d.ts with its kind
// and declaration, plus the declarations that are not exported but shape exported ones (rollup-plugin-dts keeps only
// what the exports reach, so everything in the bundled file is public surface). Comments are left out: docs are not
// API. The report is Markdown so a reviewer reads the change in a pull request diff.
//
// Also: which exports are values, so the declarations can be checked against what the JavaScript really exports.
import path from 'node:path';
import ts from 'typescript';

export interface ApiEntry {
  /** The exported name, or the declaration's name for a non-exported one. */
  name: string;
  exported: boolean;
  /** `class`, `function`, `interface`, `type`, `const`, `enum`, `namespace`… joined with ` + ` when merged. */
  kind: string;
  /** For a re-export of another package's declaration: that package. */
  from?: string;
  /** The declaration(s), printed without comments; empty for a re-export from another package. */
  text: string;
}

export interface ApiSurface {
  entries: ApiEntry[];
  /** The declaration file's import statements (what the declarations refer to from other modules), printed. */
  imports: string[];
  /** Exports usable as values (not types only): the JavaScript build must export exactly these. */
  values: string[];
}

const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function kindOf(declaration: ts.Declaration): string {
  if (ts.isClassDeclaration(declaration))
    return declaration.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword) ? 'abstract class' : 'class';
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  if (ts.isModuleDeclaration(declaration)) return 'namespace';
  if (ts.isVariableDeclaration(declaration)) {
    const flags = declaration.parent.flags;
    return flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
  }
  return ts.SyntaxKind[declaration.kind];
}

/** The node to print for a declaration: a variable prints with its `declare const`. */
function printable(declaration: ts.Declaration): ts.Node {
  if (
    ts.isVariableDeclaration(declaration) &&
    ts.isVariableDeclarationList(declaration.parent) &&
    declaration.parent.declarations.length === 1
  )
    return declaration.parent.parent;
  return declaration;
}

function print(declarations: readonly ts.Declaration[]): string {
  return declarations
    .map((declaration) =>
      printer.printNode(ts.EmitHint.Unspecified, printable(declaration), declaration.getSourceFile()),
    )
    .join('\n');
}

/** The package a declaration file belongs to (`@codepay/transport`), from the nearest package.json's name. */
function packageOf(fileName: string, host: ts.ModuleResolutionHost): string | undefined {
  for (let dir = path.dirname(fileName); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (host.fileExists(manifest)) return (JSON.parse(host.readFile(manifest) ?? '{}') as { name?: string }).name;
  }
  return undefined;
}

/** Installed declarations (TypeScript's lib, @types/node) do not change while the process runs: parsed once. */
const installedSources = new Map<string, ts.SourceFile | undefined>();

/** A compiler host that parses each file once, so the probe program reuses what the first program read. */
function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const parsed = new Map<string, ts.SourceFile | undefined>();
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const cache = fileName.includes(`${path.sep}node_modules${path.sep}`) ? installedSources : parsed;
    if (!cache.has(fileName)) cache.set(fileName, getSourceFile(fileName, languageVersion, ...rest));
    return cache.get(fileName);
  };
  return host;
}

/**
 * Which of `candidates` (exports whose declarations are values) a user can really use as values: a probe module
 * `import * as api from './index.js'` touches each, and TypeScript refuses the type-only ones (`export type`,
 * `export type *`). (The checker has no public "is this export type-only" question; this asks it the user's way.)
 */
function usableAsValues(
  declarationFile: string,
  options: ts.CompilerOptions,
  baseHost: ts.CompilerHost,
  candidates: readonly string[],
): string[] {
  const probeFile = path.join(path.dirname(declarationFile), '__api_probe__.mts');
  const probeText = [
    `import * as api from './${path.basename(declarationFile).replace(/\.d\.ts$/, '.js')}';`,
    ...candidates.map((name) => `void api.${name};`),
  ].join('\n');
  const host: ts.CompilerHost = {
    ...baseHost,
    getSourceFile: (fileName, languageVersion, ...rest) =>
      fileName === probeFile
        ? ts.createSourceFile(fileName, probeText, languageVersion, true)
        : baseHost.getSourceFile(fileName, languageVersion, ...rest),
    fileExists: (fileName) => fileName === probeFile || baseHost.fileExists(fileName),
    readFile: (fileName) => (fileName === probeFile ? probeText : baseHost.readFile(fileName)),
  };
  const program = ts.createProgram([probeFile], options, host);
  const probe = program.getSourceFile(probeFile)!;
  const refused = new Set<number>();
  for (const diagnostic of program.getSemanticDiagnostics(probe)) {
    if (diagnostic.start === undefined) continue;
    const line = probe.getLineAndCharacterOfPosition(diagnostic.start).line;
    if (line === 0)
      throw new Error(
        `the API probe cannot import ${declarationFile}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`,
      );
    refused.add(line - 1);
  }
  return candidates.filter((_, index) => !refused.has(index));
}

export function extractApi(declarationFile: string): ApiSurface {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  };
  const host = cachingHost(options);
  const program = ts.createProgram([declarationFile], options, host);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(declarationFile);
  if (!sourceFile) throw new Error(`cannot read ${declarationFile}`);
  const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) throw new Error(`${declarationFile} is not a module`);
  const ownPackage = packageOf(declarationFile, host);
  const valueCandidates: string[] = [];

  const entries: ApiEntry[] = [];
  const printed = new Set<ts.Declaration>();
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (target.flags & ts.SymbolFlags.Value) valueCandidates.push(exported.name);
    const declarations = target.declarations ?? [];
    const kind = [...new Set(declarations.map(kindOf))].join(' + ') || 'unknown';
    const origin = declarations[0] ? packageOf(declarations[0].getSourceFile().fileName, host) : undefined;
    if (declarations.every((d) => d.getSourceFile() === sourceFile)) {
      declarations.forEach((d) => {
        printed.add(d);
      });
      entries.push({ name: exported.name, exported: true, kind, text: print(declarations) });
    } else {
      entries.push({
        name: exported.name,
        exported: true,
        kind,
        ...(origin && origin !== ownPackage ? { from: origin } : {}),
        text: '',
      });
    }
  }
  // Declarations the exports reach without being exported themselves (e.g. an options interface's member types).
  for (const statement of sourceFile.statements) {
    const declarations: ts.Declaration[] = ts.isVariableStatement(statement)
      ? [...statement.declarationList.declarations]
      : ts.isClassDeclaration(statement) ||
          ts.isFunctionDeclaration(statement) ||
          ts.isInterfaceDeclaration(statement) ||
          ts.isTypeAliasDeclaration(statement) ||
          ts.isEnumDeclaration(statement) ||
          ts.isModuleDeclaration(statement)
        ? [statement]
        : [];
    for (const declaration of declarations) {
      if (printed.has(declaration)) continue;
      const name = ts.getNameOfDeclaration(declaration)?.getText(sourceFile) ?? '(anonymous)';
      const existing = entries.find((e) => !e.exported && e.name === name);
      if (existing) {
        existing.text += `\n${print([declaration])}`;
        if (!existing.kind.split(' + ').includes(kindOf(declaration))) existing.kind += ` + ${kindOf(declaration)}`;
      } else {
        entries.push({ name, exported: false, kind: kindOf(declaration), text: print([declaration]) });
      }
    }
  }

  const imports = sourceFile.statements
    .filter(ts.isImportDeclaration)
    .map((statement) => printer.printNode(ts.EmitHint.Unspecified, statement, sourceFile));

  const values = usableAsValues(declarationFile, options, host, valueCandidates);
  for (const entry of entries) {
    if (entry.exported && valueCandidates.includes(entry.name) && !values.includes(entry.name))
      entry.kind += ' (exported as a type only)';
  }

  const byName = (a: ApiEntry, b: ApiEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    entries: [...entries.filter((e) => e.exported).sort(byName), ...entries.filter((e) => !e.exported).sort(byName)],
    imports,
    values: values.sort(),
  };
}

// ---- the report file ------------------------------------------------------------------------------------------

const IMPORTS_HEADING = '## Imports';
const EXPORTS_HEADING = '## Exports';
const INTERNAL_HEADING = '## Not exported, reachable from the exports';

function entryHeading(entry: ApiEntry): string {
  return `### \`${entry.name}\` — ${entry.kind}${entry.from ? `, re-exported from \`${entry.from}\`` : ''}`;
}

export function renderReport(packageName: string, declarationPath: string, surface: ApiSurface): string {
  const section = (entries: ApiEntry[]) =>
    entries
      .map((entry) =>
        entry.text ? `${entryHeading(entry)}\n\n\`\`\`ts\n${entry.text}\n\`\`\`\n` : `${entryHeading(entry)}\n`,
      )
      .join('\n');
  const internal = surface.entries.filter((e) => !e.exported);
  return [
    `# API report: ${packageName}`,
    '',
    `Generated by \`pnpm api:report\` from the built declarations (\`${declarationPath}\`); do not edit. \`pnpm api:check\``,
    'fails when this file differs from the build, and when the API changed since the last release more than the pending',
    `changesets for ${packageName} announce: a breaking change needs \`major\`, an addition \`minor\` (see the README, "Public API reports").`,
    '',
    `Values at run time: ${surface.values.map((v) => `\`${v}\``).join(', ') || '(none)'}.`,
    '',
    ...(surface.imports.length > 0 ? [IMPORTS_HEADING, '', '```ts', ...surface.imports, '```', ''] : []),
    EXPORTS_HEADING,
    '',
    section(surface.entries.filter((e) => e.exported)),
    ...(internal.length > 0 ? [INTERNAL_HEADING, '', section(internal)] : []),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n*$/, '\n');
}

/** The import statements of a report written by renderReport (none in a report written before they were listed). */
export function parseReportImports(report: string): string[] {
  const lines = report.split('\n');
  const heading = lines.indexOf(IMPORTS_HEADING);
  if (heading < 0 || lines[heading + 2] !== '```ts') return [];
  return lines.slice(heading + 3, lines.indexOf('```', heading + 3));
}

/** The entries of a report written by renderReport. */
export function parseReport(report: string): ApiEntry[] {
  const entries: ApiEntry[] = [];
  let exported = true;
  const lines = report.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === EXPORTS_HEADING) exported = true;
    else if (line === INTERNAL_HEADING) exported = false;
    const heading = /^### `([^`]+)` — (.+?)(?:, re-exported from `([^`]+)`)?$/.exec(line);
    if (!heading) continue;
    let text = '';
    let next = i + 1;
    while (next < lines.length && lines[next] === '') next++;
    if (lines[next] === '```ts') {
      const end = lines.indexOf('```', next + 1);
      text = lines.slice(next + 1, end).join('\n');
      i = end;
    }
    entries.push({ name: heading[1]!, exported, kind: heading[2]!, ...(heading[3] ? { from: heading[3] } : {}), text });
  }
  return entries;
}
