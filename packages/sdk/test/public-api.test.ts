// The SDK's public API is small: per service one params type and one result type (the spec's names), none of
// hey-api's operation plumbing, no duplicate names — and nothing it hands out reaches a KeyObject. Read with the
// TypeScript checker from src/index.ts, as users' editors see it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { userCompilerOptions } from '../../../tools/src/api-surface.js';
import { listServices } from '../../../tools/src/service-list.js';

const fromRoot = (file: string) => fileURLToPath(new URL(`../../../${file}`, import.meta.url));
const files = { sdk: fromRoot('packages/sdk/src/index.ts'), transport: fromRoot('packages/transport/src/index.ts') };
const program = ts.createProgram(Object.values(files), userCompilerOptions);
const checker = program.getTypeChecker();

function exportsOf(file: string): ts.Symbol[] {
  return checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!);
}

const ours = (symbol: ts.Symbol | undefined) =>
  symbol?.declarations?.some((d) => {
    const file = d.getSourceFile().fileName;
    return file.includes('/packages/') && !file.includes('/node_modules/');
  }) ?? false;

/**
 * Where a KeyObject reaches the caller from the package's values: through what they return, their properties and
 * what callbacks they are given — not through what the caller passes in (a key the caller hands over is theirs).
 * Types of Node and the standard library are not walked into, only their type arguments (`Promise<T>`, `T[]`).
 */
function keyObjectsHandedOut(file: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const walk = (type: ts.Type, handedOut: boolean, where: string): void => {
    if (type.getSymbol()?.getName() === 'KeyObject') {
      if (handedOut) found.push(where);
      return;
    }
    const key = `${(type as { id?: number }).id}:${handedOut}`;
    if (seen.has(key)) return;
    seen.add(key);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (type.isUnionOrIntersection()) {
      for (const t of type.types) walk(t, handedOut, where);
      return;
    }
    if (type.flags & (ts.TypeFlags.TypeParameter | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Conditional)) {
      const constraint = checker.getBaseConstraintOfType(type);
      if (constraint && constraint !== type) walk(constraint, handedOut, where);
      return;
    }
    if (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) {
      for (const t of checker.getTypeArguments(type as ts.TypeReference)) walk(t, handedOut, `${where}<>`);
    }
    for (const t of type.aliasTypeArguments ?? []) walk(t, handedOut, `${where}<>`);
    if (!ours(type.getSymbol()) && !ours(symbol)) return;
    for (const property of checker.getPropertiesOfType(type))
      walk(checker.getTypeOfSymbol(property), handedOut, `${where}.${property.name}`);
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.getParameters())
        walk(checker.getTypeOfSymbol(parameter), !handedOut, `${where}(${parameter.name})`);
      walk(signature.getReturnType(), handedOut, `${where}()`);
    }
  };
  for (const exported of exportsOf(file)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (target.flags & ts.SymbolFlags.Value) walk(checker.getTypeOfSymbol(target), true, exported.name);
  }
  return found;
}

describe('@codepay/sdk public API', () => {
  const names = exportsOf(files.sdk).map((s) => s.name);
  const services = listServices(JSON.parse(readFileSync(fromRoot('spec/dist/openapi.bundled.json'), 'utf8')));

  it('per service exactly one params and one result type, under the spec names; no hey-api operation types', () => {
    for (const service of services) {
      expect(names).toContain(service.paramsType);
      expect(names).toContain(service.resultType);
      const base = service.paramsType.replace(/Params$/, '');
      const variants = names.filter((name) =>
        new RegExp(`^${base}(Params|Input|Data|Result|Response|Responses|Errors?)$`).test(name),
      );
      expect(variants.sort(), service.service).toEqual([service.paramsType, service.resultType].sort());
    }
    for (const plumbing of ['ClientOptions', 'Webhooks', 'PayData', 'PayResponse', 'RequestTokenData'])
      expect(names).not.toContain(plumbing);
    expect(
      names.filter((name) => /\$|Input$|Data$|Responses?$|Errors?$/.test(name) && !name.endsWith('Error')),
    ).toEqual([]);
    expect(names.filter((name) => name === 'ServiceName')).toHaveLength(1);
  });

  it('hands out no KeyObject (the walk finds the one the transport crypto toolkit hands out)', () => {
    expect(keyObjectsHandedOut(files.sdk)).toEqual([]);
    expect(keyObjectsHandedOut(files.transport)).toEqual(expect.arrayContaining(['loadPrivateKey()', 'loadAesKey()']));
    expect(keyObjectsHandedOut(files.transport).filter((where) => where.startsWith('createEnvelopeClient'))).toEqual(
      [],
    );
  });
});
