// What changed in the public API between two sets of reports (api/<package>.api.md at the base, and the fresh
// build), judged the way users use each type: results are read, params are written.
//
// Both sides are rebuilt from their reports into one TypeScript program (each package a virtual module under
// /__codepay_api__/{before,after}/, importing its siblings from the same side and everything else, ajv or node:http,
// from the real node_modules), and the TypeScript checker compares them:
//
//   - Every type is compared in the direction its users meet it. A function's parameters are written by the caller,
//     its result read; the parameters of a callback the user writes (a Logger method) are read by the user. The
//     direction of each exported type comes from walking every exported value (functions, constants, classes) of
//     every package at the base: `createCodePay(options)` makes CodePayOptions written, CodePay read,
//     `orders.create(params)` CreateOrderParams written and its result read. A type no value reaches is read.
//   - read (a result, a client users call): a new member, a new value of a literal union, a wider literal → minor;
//     a removed member, a member that may now be missing, a new kind of value (null, a number where a string was)
//     → major.
//   - write (params, options, callbacks' results): a new optional member, a wider type → minor; a removed member,
//     a new required member, a member that became required, a narrower type (a value no longer accepted) → major.
//   - Each exported named type is compared once, as its own export, in its own direction(s); where another
//     declaration refers to it, only its type arguments are compared there.
//   - A removed export is major, a new one minor; classes' private members are not API.
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import type { ApiEntry } from './api-surface.js';

export interface PackageApi {
  name: string;
  /** The import statements of its declaration file. */
  imports: readonly string[];
  entries: readonly ApiEntry[];
  /** A directory where its own dependencies (ajv, …) resolve: the package's directory. */
  resolveFrom: string;
}

export type ChangeLevel = 'major' | 'minor';

export interface ApiFinding {
  package: string;
  level: ChangeLevel;
  /** Where in the API: `CreateOrderParams.note`, `createCodePay(options)`, `OrdersResource.create()`… */
  where: string;
  message: string;
}

type Direction = 'read' | 'write';
const flip = (direction: Direction): Direction => (direction === 'read' ? 'write' : 'read');
type Side = 'before' | 'after';

const VIRTUAL_ROOT = path.join(os.tmpdir(), '__codepay_api__');
const virtualFile = (side: Side, packageName: string) =>
  path.join(VIRTUAL_ROOT, side, 'node_modules', packageName, 'index.d.ts');

/** Generic types whose type arguments are compared as the container is (a Promise of a result is read as one). */
const CONTAINERS = new Set([
  'Promise',
  'PromiseLike',
  'Array',
  'ReadonlyArray',
  'Iterable',
  'IterableIterator',
  'AsyncIterable',
  'AsyncIterableIterator',
  'Generator',
  'AsyncGenerator',
  'Set',
  'ReadonlySet',
  'Map',
  'ReadonlyMap',
  'WeakMap',
  'WeakSet',
]);

// ---- the virtual modules ---------------------------------------------------------------------------------------

/** The local name a printed declaration declares (`declare function createCodePay(…)` → createCodePay). */
function declaredName(text: string): string | undefined {
  const source = ts.createSourceFile('entry.d.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const statement = source.statements[0];
  if (!statement) return undefined;
  if (ts.isVariableStatement(statement)) {
    const name = statement.declarationList.declarations[0]?.name;
    return name && ts.isIdentifier(name) ? name.text : undefined;
  }
  const name = ts.getNameOfDeclaration(statement as unknown as ts.Declaration);
  return name && ts.isIdentifier(name) ? name.text : undefined;
}

/** The declaration file a report stands for: its imports, its declarations, and its exports. */
export function moduleSource(api: PackageApi): string {
  const lines = [...api.imports];
  const exports: string[] = [];
  const reexports = new Map<string, string[]>();
  for (const entry of api.entries) {
    if (entry.text) lines.push(entry.text);
    if (!entry.exported) continue;
    const typeOnly = entry.kind.includes('(exported as a type only)') ? 'type ' : '';
    if (entry.from) {
      reexports.set(entry.from, [...(reexports.get(entry.from) ?? []), `${typeOnly}${entry.name}`]);
    } else if (entry.text) {
      const local = declaredName(entry.text) ?? entry.name;
      exports.push(`${typeOnly}${local === entry.name ? local : `${local} as ${entry.name}`}`);
    }
  }
  lines.push(`export { ${exports.join(', ')} };`);
  for (const [from, names] of reexports) lines.push(`export { ${names.join(', ')} } from '${from}';`);
  return `${lines.join('\n')}\n`;
}

const installedSources = new Map<string, ts.SourceFile | undefined>();

function createApiProgram(before: readonly PackageApi[], after: readonly PackageApi[], nodeTypes: boolean): ts.Program {
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: nodeTypes ? ['node'] : [],
  };
  const files = new Map<string, string>();
  const realDirs = new Map<string, string>();
  const sides: Array<[Side, readonly PackageApi[]]> = [
    ['before', before],
    ['after', after],
  ];
  for (const [side, apis] of sides) {
    for (const api of apis) {
      files.set(virtualFile(side, api.name), moduleSource(api));
      realDirs.set(virtualFile(side, api.name), api.resolveFrom);
    }
  }
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = files.get(fileName);
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    if (!fileName.includes(`${path.sep}node_modules${path.sep}`))
      return getSourceFile(fileName, languageVersion, ...rest);
    // Installed declarations (TypeScript's lib, @types/node, ajv) do not change while the process runs: parse once.
    const cacheKey = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!installedSources.has(cacheKey))
      installedSources.set(cacheKey, getSourceFile(fileName, languageVersion, ...rest));
    return installedSources.get(cacheKey);
  };
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, compilerOptions) =>
    literals.map((literal) => {
      const side = (['before', 'after'] as const).find((s) =>
        containingFile.startsWith(path.join(VIRTUAL_ROOT, s) + path.sep),
      );
      const sibling = side ? virtualFile(side, literal.text) : undefined;
      if (sibling && files.has(sibling))
        return {
          resolvedModule: { resolvedFileName: sibling, extension: ts.Extension.Dts, isExternalLibraryImport: false },
        };
      const from = realDirs.get(containingFile);
      return ts.resolveModuleName(
        literal.text,
        from ? path.join(from, 'index.ts') : containingFile,
        compilerOptions,
        ts.sys,
      );
    });
  return ts.createProgram([...files.keys()], options, host);
}

// ---- comparing -----------------------------------------------------------------------------------------------------

class ApiComparer {
  readonly findings: Array<Omit<ApiFinding, 'package'>> = [];
  private readonly checker: ts.TypeChecker;
  /** Exported declarations by symbol → `<home package>:<export name>` (the same key on both sides: the same export). */
  private readonly keys: Record<Side, Map<ts.Symbol, string>> = { before: new Map(), after: new Map() };
  private readonly compared = new Set<string>();
  private readonly typeIds = new WeakMap<ts.Type, number>();
  /** The directions each exported type (by key) is used in at the base. */
  readonly directions = new Map<string, Set<Direction>>();
  /** For each `<key> <direction>`: the first place it was met in that direction (for the messages). */
  readonly via = new Map<string, string>();

  constructor(private readonly program: ts.Program) {
    this.checker = program.getTypeChecker();
  }

  moduleExports(side: Side, packageName: string): Map<string, ts.Symbol> {
    const file = this.program.getSourceFile(virtualFile(side, packageName));
    const moduleSymbol = file && this.checker.getSymbolAtLocation(file);
    if (!moduleSymbol) return new Map();
    return new Map(
      this.checker
        .getExportsOfModule(moduleSymbol)
        .map((s) => [s.name, s.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(s) : s]),
    );
  }

  /** Keys every exported declaration by the package that declares it (re-exports point at the same symbol). */
  registerExports(side: Side, packageNames: readonly string[]): void {
    for (const name of packageNames) {
      const home = virtualFile(side, name);
      for (const [exportName, symbol] of this.moduleExports(side, name)) {
        if (this.keys[side].has(symbol)) continue;
        if (symbol.declarations?.some((d) => d.getSourceFile().fileName === home))
          this.keys[side].set(symbol, `${name}:${exportName}`);
      }
    }
  }

  exportedKey(side: Side, type: ts.Type): string | undefined {
    const symbol =
      type.aliasSymbol ??
      (type.symbol && type.symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum)
        ? type.symbol
        : undefined);
    return symbol ? this.keys[side].get(symbol) : undefined;
  }

  private nextId = 1;
  private typeId(type: ts.Type): number {
    let id = this.typeIds.get(type);
    if (id === undefined) {
      id = this.nextId++;
      this.typeIds.set(type, id);
    }
    return id;
  }

  private show(type: ts.Type): string {
    return this.checker.typeToString(
      type,
      undefined,
      ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope,
    );
  }

  private add(level: ChangeLevel, where: string, message: string): void {
    if (!this.findings.some((f) => f.where === where && f.message === message))
      this.findings.push({ level, where, message });
  }

  /** Declared outside the reports (lib, @types/node, ajv): compared by identity and type arguments. */
  private isExternal(type: ts.Type): boolean {
    const symbol = type.aliasSymbol ?? type.symbol;
    const file = symbol?.declarations?.[0]?.getSourceFile().fileName;
    return file !== undefined && !file.startsWith(VIRTUAL_ROOT + path.sep);
  }

  private typeArguments(type: ts.Type): readonly ts.Type[] {
    if (type.aliasSymbol) return type.aliasTypeArguments ?? [];
    if (type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
      return this.checker.getTypeArguments(type as ts.TypeReference);
    return [];
  }

  private isPrivate(symbol: ts.Symbol): boolean {
    return (
      symbol.name.startsWith('#') ||
      symbol.name.startsWith('__#') ||
      (symbol.declarations ?? []).some((d) => (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Private) !== 0)
    );
  }

  private properties(type: ts.Type): ts.Symbol[] {
    return this.checker.getPropertiesOfType(type).filter((p) => !this.isPrivate(p));
  }

  // ---- directions (at the base) -------------------------------------------------------------------------------

  private walked = new Set<string>();

  /** Records in which directions the exported types reachable from `type` are used. */
  /**
   * Exported interfaces an exported function makes (`createEnvelopeClient(options): EnvelopeClient`): where users
   * pass one back (`createEnvelopeFetch(client)`) they hand over what the library made, so it stays read. A function
   * that takes the same type it returns (`filterLogger(logger): Logger`) wraps it; it does not make it.
   */
  readonly made = new Set<string>();

  findMade(values: readonly ts.Symbol[], implementedByUsers: ReadonlySet<string>): void {
    for (const value of values) {
      for (const signature of this.checker.getSignaturesOfType(
        this.checker.getTypeOfSymbol(value),
        ts.SignatureKind.Call,
      )) {
        const returned =
          this.checker.getAwaitedType(this.checker.getReturnTypeOfSignature(signature)) ??
          this.checker.getReturnTypeOfSignature(signature);
        const takes = new Set(
          signature.getParameters().flatMap((p) => {
            const type = this.checker.getTypeOfSymbol(p);
            return (type.isUnion() ? type.types : [type]).map((t) => this.exportedKey('before', t));
          }),
        );
        for (const type of returned.isUnion() ? returned.types : [returned]) {
          const key = this.exportedKey('before', type);
          if (key && type.symbol?.flags & ts.SymbolFlags.Interface && !takes.has(key) && !implementedByUsers.has(key))
            this.made.add(key);
        }
      }
    }
  }

  walk(type: ts.Type, direction: Direction, where: string): void {
    const key = this.exportedKey('before', type);
    if (key && direction === 'write' && this.made.has(key)) direction = 'read';
    const mark = `${this.typeId(type)}:${direction}`;
    if (this.walked.has(mark)) return;
    this.walked.add(mark);
    if (key) {
      this.directions.set(key, (this.directions.get(key) ?? new Set()).add(direction));
      if (!this.via.has(`${key} ${direction}`)) this.via.set(`${key} ${direction}`, where);
      where = key.slice(key.indexOf(':') + 1);
    }
    if (type.isUnion() || type.isIntersection())
      type.types.forEach((t) => {
        this.walk(t, direction, where);
      });
    if (type.flags & ts.TypeFlags.Instantiable) {
      const constraint = this.checker.getBaseConstraintOfType(type);
      if (constraint && constraint !== type) this.walk(constraint, direction, where);
      return;
    }
    if (!(type.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection))) return;
    if (this.isExternal(type)) {
      const name = (type.aliasSymbol ?? type.symbol)?.name;
      if (name && CONTAINERS.has(name))
        this.typeArguments(type).forEach((t) => {
          this.walk(t, direction, where);
        });
      return;
    }
    this.typeArguments(type).forEach((t, i) => {
      this.walk(t, direction, `${where}<${i}>`);
    });
    for (const property of this.properties(type))
      this.walk(this.checker.getTypeOfSymbol(property), direction, `${where}.${property.name}`);
    for (const kind of [ts.SignatureKind.Call, ts.SignatureKind.Construct]) {
      for (const signature of this.checker.getSignaturesOfType(type, kind)) {
        for (const parameter of signature.getParameters())
          this.walk(this.checker.getTypeOfSymbol(parameter), flip(direction), `${where}(${parameter.name})`);
        for (const typeParameter of signature.getTypeParameters() ?? []) {
          const constraint = typeParameter.getConstraint();
          if (constraint) this.walk(constraint, flip(direction), `${where}<${typeParameter.symbol.name}>`);
        }
        this.walk(this.checker.getReturnTypeOfSignature(signature), direction, `${where}()`);
      }
    }
    for (const info of this.checker.getIndexInfosOfType(type)) this.walk(info.type, direction, `${where}[]`);
  }

  // ---- comparison -----------------------------------------------------------------------------------------------

  /**
   * Compares a type at the base with the same place now. `top`: the type is the body of the export being compared
   * (not cut short because it is an exported type). `optional`: the place is optional, so `undefined` is not news.
   */
  compare(
    before: ts.Type,
    after: ts.Type,
    direction: Direction,
    where: string,
    { top = false, optional = false } = {},
  ): void {
    const mark = `${this.typeId(before)}:${this.typeId(after)}:${direction}:${optional}:${top}`;
    if (this.compared.has(mark)) return;
    this.compared.add(mark);

    if (!top) {
      const [keyBefore, keyAfter] = [this.exportedKey('before', before), this.exportedKey('after', after)];
      if (keyBefore && keyBefore === keyAfter) {
        this.compareTypeArguments(before, after, direction, where);
        return;
      }
    }

    const membersOf = (type: ts.Type) =>
      (type.isUnion() ? type.types : [type]).filter((t) => !(optional && t.flags & ts.TypeFlags.Undefined));
    const [membersBefore, membersAfter] = [membersOf(before), membersOf(after)];
    if (membersBefore.length !== 1 || membersAfter.length !== 1) {
      this.compareUnions(membersBefore, membersAfter, direction, where);
      return;
    }
    const [b, a] = [membersBefore[0]!, membersAfter[0]!];
    if (b !== before || a !== after) {
      this.compare(b, a, direction, where);
      return;
    }

    const anyLike = ts.TypeFlags.Any | ts.TypeFlags.Unknown;
    if (b.flags & anyLike || a.flags & anyLike) {
      if (b.flags & anyLike && a.flags & anyLike) return;
      if (direction === 'write') {
        if (a.flags & anyLike) this.add('minor', where, `now accepts anything (${this.show(a)}), was ${this.show(b)}`);
        else this.add('major', where, `accepted anything (${this.show(b)}), now only ${this.show(a)}`);
      } else if (a.flags & anyLike)
        this.add('major', where, `is now ${this.show(a)}, was ${this.show(b)}: code reading it loses its type`);
      else this.add('minor', where, `is now ${this.show(a)}, was ${this.show(b)}`);
      return;
    }
    if (b.flags & ts.TypeFlags.TypeParameter && a.flags & ts.TypeFlags.TypeParameter) {
      if (b.symbol.name !== a.symbol.name)
        this.add('major', where, `type parameter ${b.symbol.name} is now ${a.symbol.name}`);
      return;
    }
    if (b.flags & ts.TypeFlags.Instantiable || a.flags & ts.TypeFlags.Instantiable) {
      if (this.show(b) !== this.show(a)) this.add('major', where, `changed from ${this.show(b)} to ${this.show(a)}`);
      return;
    }
    const objectLike = ts.TypeFlags.Object | ts.TypeFlags.Intersection | ts.TypeFlags.NonPrimitive;
    if (b.flags & objectLike && a.flags & objectLike) {
      this.compareObjects(b, a, direction, where);
      return;
    }
    if (!(b.flags & objectLike) && !(a.flags & objectLike)) {
      this.comparePrimitives(b, a, direction, where);
      return;
    }
    this.add('major', where, `changed from ${this.show(b)} to ${this.show(a)}`);
  }

  private assignable(source: ts.Type, target: ts.Type): boolean {
    return this.checker.isTypeAssignableTo(source, target);
  }

  /** Two primitives or literals of the same kind (`'New'` and `string`, `1` and `number`). */
  private sameFamily(a: ts.Type, b: ts.Type): boolean {
    const families = [
      ts.TypeFlags.StringLike,
      ts.TypeFlags.NumberLike,
      ts.TypeFlags.BooleanLike,
      ts.TypeFlags.BigIntLike,
      ts.TypeFlags.EnumLike,
    ];
    return families.some((family) => (a.flags & family) !== 0 && (b.flags & family) !== 0);
  }

  private comparePrimitives(before: ts.Type, after: ts.Type, direction: Direction, where: string): void {
    const [forward, backward] = [this.assignable(before, after), this.assignable(after, before)];
    if (forward && backward) return;
    const [b, a] = [this.show(before), this.show(after)];
    if (direction === 'write') {
      if (!forward) this.add('major', where, `accepted ${b}, now only ${a}: existing calls may not compile`);
      else this.add('minor', where, `now accepts ${a} (was ${b})`);
    } else if (!backward) {
      if (this.sameFamily(before, after)) this.add('minor', where, `may now be ${a} (was ${b})`);
      else this.add('major', where, `may now be ${a} (was ${b}): code reading it breaks`);
    } else this.add('minor', where, `narrowed from ${b} to ${a}`);
  }

  private compareUnions(
    before: readonly ts.Type[],
    after: readonly ts.Type[],
    direction: Direction,
    where: string,
  ): void {
    const objectLike = ts.TypeFlags.Object | ts.TypeFlags.Intersection | ts.TypeFlags.NonPrimitive;
    const split = (types: readonly ts.Type[]) =>
      [types.filter((t) => !(t.flags & objectLike)), types.filter((t) => t.flags & objectLike)] as const;
    const [primitivesBefore, objectsBefore] = split(before);
    const [primitivesAfter, objectsAfter] = split(after);
    const covered = (type: ts.Type, by: readonly ts.Type[]) => by.some((t) => this.assignable(type, t));

    for (const type of primitivesBefore.filter((t) => !covered(t, primitivesAfter))) {
      if (direction === 'write') this.add('major', where, `no longer accepts ${this.show(type)}`);
      else this.add('minor', where, `is no longer ${this.show(type)}`);
    }
    for (const type of primitivesAfter.filter((t) => !covered(t, primitivesBefore))) {
      if (direction === 'write') this.add('minor', where, `now also accepts ${this.show(type)}`);
      else if (primitivesBefore.some((t) => this.sameFamily(t, type)))
        this.add('minor', where, `may now also be ${this.show(type)}`);
      else this.add('major', where, `may now be ${this.show(type)}: code reading it breaks`);
    }

    // Objects: pair them by exported name, then by name, then the one left on each side.
    const left = [...objectsAfter];
    const take = (match: (a: ts.Type) => boolean) => {
      const index = left.findIndex(match);
      return index < 0 ? undefined : left.splice(index, 1)[0];
    };
    const unpaired: ts.Type[] = [];
    const pairs: Array<[ts.Type, ts.Type]> = [];
    for (const type of objectsBefore) {
      const key = this.exportedKey('before', type);
      const name = (type.aliasSymbol ?? type.symbol)?.name;
      const match =
        (key && take((a) => this.exportedKey('after', a) === key)) ||
        (name && name !== '__type' && take((a) => (a.aliasSymbol ?? a.symbol)?.name === name));
      if (match) pairs.push([type, match]);
      else unpaired.push(type);
    }
    // Anonymous members (a discriminated union, a function or an object): the most alike pairs, if alike at all.
    const discriminant = (type: ts.Type) =>
      this.properties(type)
        .filter(
          (p) =>
            this.checker.getTypeOfSymbol(p).flags & ts.TypeFlags.Literal || this.checker.getTypeOfSymbol(p).isUnion(),
        )
        .map((p) => `${p.name}=${this.show(this.checker.getTypeOfSymbol(p))}`);
    const likeness = (b: ts.Type, a: ts.Type) => {
      const [namesB, namesA] = [
        new Set(this.properties(b).map((p) => p.name)),
        new Set(this.properties(a).map((p) => p.name)),
      ];
      const callable = (t: ts.Type) => this.checker.getSignaturesOfType(t, ts.SignatureKind.Call).length > 0;
      const shared = [...namesB].filter((n) => namesA.has(n)).length;
      const sameDiscriminant = discriminant(b).some((d) => discriminant(a).includes(d)) ? 100 : 0;
      const union = new Set([...namesB, ...namesA]).size;
      return (
        sameDiscriminant +
        (union === 0 ? 0 : shared / union) +
        (callable(b) === callable(a) ? (union === 0 ? 1 : 0.01) : -1)
      );
    };
    while (unpaired.length > 0 && left.length > 0) {
      let best: [number, number, number] | undefined;
      unpaired.forEach((b, i) => {
        left.forEach((a, j) => {
          const score = likeness(b, a);
          if (score > 0.01 && (!best || score > best[0])) best = [score, i, j];
        });
      });
      if (!best) break;
      pairs.push([unpaired.splice(best[1], 1)[0]!, left.splice(best[2], 1)[0]!]);
    }
    for (const [b, a] of pairs) this.compare(b, a, direction, where);
    for (const type of unpaired) {
      if (direction === 'write') this.add('major', where, `no longer accepts ${this.show(type)}`);
      else this.add('minor', where, `is no longer ${this.show(type)}`);
    }
    for (const type of left) {
      if (direction === 'write') this.add('minor', where, `now also accepts ${this.show(type)}`);
      else this.add('major', where, `may now be ${this.show(type)}: code reading it breaks`);
    }
  }

  private compareTypeArguments(before: ts.Type, after: ts.Type, direction: Direction, where: string): void {
    const [argsBefore, argsAfter] = [this.typeArguments(before), this.typeArguments(after)];
    if (argsBefore.length !== argsAfter.length) {
      this.add('major', where, `changed from ${this.show(before)} to ${this.show(after)}`);
      return;
    }
    argsBefore.forEach((arg, i) => {
      this.compare(arg, argsAfter[i]!, direction, `${where}<${i}>`);
    });
  }

  private compareObjects(before: ts.Type, after: ts.Type, direction: Direction, where: string): void {
    if (this.isExternal(before) || this.isExternal(after)) {
      const [symbolBefore, symbolAfter] = [before.aliasSymbol ?? before.symbol, after.aliasSymbol ?? after.symbol];
      if (this.isExternal(before) && this.isExternal(after) && symbolBefore === symbolAfter) {
        this.compareTypeArguments(before, after, direction, where);
        return;
      }
      const [forward, backward] = [this.assignable(before, after), this.assignable(after, before)];
      const ok = direction === 'write' ? forward : backward;
      if (!ok) this.add('major', where, `changed from ${this.show(before)} to ${this.show(after)}`);
      else if (!(forward && backward))
        this.add('minor', where, `changed from ${this.show(before)} to ${this.show(after)}`);
      return;
    }

    const propertiesAfter = new Map(this.properties(after).map((p) => [p.name, p]));
    const optional = (p: ts.Symbol) => (p.flags & ts.SymbolFlags.Optional) !== 0;
    for (const property of this.properties(before)) {
      const place = `${where}.${property.name}`;
      const now = propertiesAfter.get(property.name);
      propertiesAfter.delete(property.name);
      if (!now) {
        if (direction === 'read') this.add('major', place, 'removed: code reading it breaks');
        else this.add('major', place, 'removed: code passing it no longer compiles');
        continue;
      }
      if (direction === 'read' && !optional(property) && optional(now))
        this.add('major', place, 'may now be missing (was always there)');
      if (direction === 'write' && optional(property) && !optional(now))
        this.add('major', place, 'is now required: existing code does not pass it');
      if (direction === 'write' && !optional(property) && optional(now)) this.add('minor', place, 'is now optional');
      this.compare(this.checker.getTypeOfSymbol(property), this.checker.getTypeOfSymbol(now), direction, place, {
        optional: optional(property) || optional(now),
      });
    }
    for (const [name, property] of propertiesAfter) {
      const place = `${where}.${name}`;
      if (direction === 'read') this.add('minor', place, 'new member');
      else if (optional(property)) this.add('minor', place, 'new optional member');
      else this.add('major', place, 'new required member: existing code does not pass it');
    }

    for (const kind of [ts.SignatureKind.Call, ts.SignatureKind.Construct]) {
      const [signaturesBefore, signaturesAfter] = [
        this.checker.getSignaturesOfType(before, kind),
        this.checker.getSignaturesOfType(after, kind),
      ];
      const label = kind === ts.SignatureKind.Construct ? 'new ' : '';
      signaturesBefore.forEach((signature, i) => {
        const now = signaturesAfter[i];
        if (now) this.compareSignatures(signature, now, direction, `${label}${where}`);
        else if (direction === 'read')
          this.add(
            'major',
            where,
            `${kind === ts.SignatureKind.Construct ? 'constructor' : 'call'} signature ${i + 1} removed`,
          );
        else
          this.add(
            'major',
            where,
            `${kind === ts.SignatureKind.Construct ? 'constructor' : 'call'} signature ${i + 1} is no longer expected`,
          );
      });
      for (let i = signaturesBefore.length; i < signaturesAfter.length; i++) {
        if (direction === 'read')
          this.add('minor', where, `new ${kind === ts.SignatureKind.Construct ? 'constructor' : 'call'} signature`);
        else
          this.add(
            'major',
            where,
            `must now also be ${kind === ts.SignatureKind.Construct ? 'constructible' : 'callable'}`,
          );
      }
    }

    const indexAfter = this.checker.getIndexInfosOfType(after);
    for (const info of this.checker.getIndexInfosOfType(before)) {
      const now = indexAfter.find((i) => this.show(i.keyType) === this.show(info.keyType));
      if (now) this.compare(info.type, now.type, direction, `${where}[${this.show(info.keyType)}]`);
      else this.add('major', where, `no longer has an index signature [key: ${this.show(info.keyType)}]`);
    }
    for (const info of indexAfter.filter(
      (i) => !this.checker.getIndexInfosOfType(before).some((b) => this.show(b.keyType) === this.show(i.keyType)),
    )) {
      this.add(
        direction === 'read' ? 'minor' : 'major',
        where,
        `new index signature [key: ${this.show(info.keyType)}]`,
      );
    }
  }

  private compareSignatures(before: ts.Signature, after: ts.Signature, direction: Direction, where: string): void {
    const [typeParametersBefore, typeParametersAfter] = [
      before.getTypeParameters() ?? [],
      after.getTypeParameters() ?? [],
    ];
    if (typeParametersBefore.length !== typeParametersAfter.length)
      this.add(
        'major',
        where,
        `type parameters changed from ${typeParametersBefore.length} to ${typeParametersAfter.length}`,
      );
    typeParametersBefore.forEach((t, i) => {
      const [b, a] = [t.getConstraint(), typeParametersAfter[i]?.getConstraint()];
      if (b && a) this.compare(b, a, flip(direction), `${where}<${t.symbol.name}>`);
    });

    const parameterInfo = (p: ts.Symbol) => {
      const declaration = p.valueDeclaration && ts.isParameter(p.valueDeclaration) ? p.valueDeclaration : undefined;
      return {
        rest: !!declaration?.dotDotDotToken,
        optional: !!declaration && (this.checker.isOptionalParameter(declaration) || !!declaration.dotDotDotToken),
      };
    };
    const [parametersBefore, parametersAfter] = [before.getParameters(), after.getParameters()];
    const caller = direction === 'read'; // users call it (else: users write it, and we call it)
    const restAfter = parametersAfter.length > 0 && parameterInfo(parametersAfter.at(-1)!).rest;
    parametersBefore.forEach((parameter, i) => {
      const place = `${where}(${parameter.name})`;
      const now = parametersAfter[i] ?? (restAfter ? parametersAfter.at(-1) : undefined);
      if (!now) {
        if (caller) this.add('major', place, 'parameter removed: calls passing it no longer compile');
        else this.add('major', place, 'is no longer passed to your function');
        return;
      }
      const [b, a] = [parameterInfo(parameter), parameterInfo(now)];
      if (caller && b.optional && !a.optional) this.add('major', place, 'parameter is now required');
      if (!caller && !b.optional && a.optional)
        this.add('major', place, 'may now be left out when your function is called');
      this.compare(this.checker.getTypeOfSymbol(parameter), this.checker.getTypeOfSymbol(now), flip(direction), place, {
        optional: b.optional || a.optional,
      });
    });
    for (const parameter of parametersAfter.slice(parametersBefore.length)) {
      const place = `${where}(${parameter.name})`;
      if (!caller) this.add('minor', place, 'new parameter passed to your function');
      else if (parameterInfo(parameter).optional) this.add('minor', place, 'new optional parameter');
      else this.add('major', place, 'new required parameter: existing calls do not pass it');
    }
    this.compare(
      this.checker.getReturnTypeOfSignature(before),
      this.checker.getReturnTypeOfSignature(after),
      direction,
      `${where}()`,
    );
  }

  /** Compares one export of a package: a value in the read direction, a type in each direction it is used in. */
  compareExport(before: ts.Symbol, after: ts.Symbol, name: string, key: string | undefined): void {
    const isValue = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Value) !== 0;
    if (isValue(before)) {
      this.compare(this.checker.getTypeOfSymbol(before), this.checker.getTypeOfSymbol(after), 'read', name, {
        top: true,
      });
    }
    if (before.flags & (ts.SymbolFlags.Type & ~ts.SymbolFlags.Value) || before.flags & ts.SymbolFlags.Class) {
      const [declaredBefore, declaredAfter] = [
        this.checker.getDeclaredTypeOfSymbol(before),
        this.checker.getDeclaredTypeOfSymbol(after),
      ];
      // `type CreateOrderInput = CreateOrderParams`: another export under a second name, compared as that export.
      const target = this.exportedKey('before', declaredBefore);
      if (target && target !== key && target === this.exportedKey('after', declaredAfter)) return;
      const directions =
        before.flags & ts.SymbolFlags.Class
          ? new Set<Direction>(['read'])
          : (key && this.directions.get(key)) ||
            (target && this.directions.get(target)) ||
            new Set<Direction>(['read']);
      for (const direction of directions) this.compare(declaredBefore, declaredAfter, direction, name, { top: true });
    }
  }

  keyOf(side: Side, symbol: ts.Symbol): string | undefined {
    return this.keys[side].get(symbol);
  }
}

/** The directions (read, write) each exported type of the base is used in, by `<package>:<name>`. */
export interface ApiComparison {
  findings: ApiFinding[];
  directions: Map<string, Set<Direction>>;
  /** `<package>:<name> <direction>` → the first place the type is met in that direction. */
  via: Map<string, string>;
}

/**
 * Compares the public API of the packages at the base (`before`) with now (`after`): every removed, changed or new
 * export, with the level of change it is for its users.
 */
export interface CompareOptions {
  /**
   * Exported interfaces (`<package>:<name>`) that users implement themselves although the library also makes them
   * (`consoleLogger(): Logger`): where they are written, their members are compared as written.
   */
  implementedByUsers?: readonly string[];
  /** Load @types/node (the packages' declarations refer to node:http and node:crypto). Default true. */
  nodeTypes?: boolean;
}

export function compareApis(
  before: readonly PackageApi[],
  after: readonly PackageApi[],
  { implementedByUsers = [], nodeTypes = true }: CompareOptions = {},
): ApiComparison {
  const program = createApiProgram(before, after, nodeTypes);
  const comparer = new ApiComparer(program);
  comparer.registerExports(
    'before',
    before.map((p) => p.name),
  );
  comparer.registerExports(
    'after',
    after.map((p) => p.name),
  );

  // Directions: walk every exported value at the base (not those exported as types only), as users meet it (read).
  const values = before.flatMap((api) => {
    const exported = comparer.moduleExports('before', api.name);
    return api.entries
      .filter((e) => e.exported && !e.kind.includes('(exported as a type only)'))
      .map((e) => exported.get(e.name))
      .filter((s): s is ts.Symbol => s !== undefined && (s.flags & ts.SymbolFlags.Value) !== 0);
  });
  comparer.findMade(values, new Set(implementedByUsers));
  for (const symbol of values) comparer.walk(program.getTypeChecker().getTypeOfSymbol(symbol), 'read', symbol.name);

  const findings: ApiFinding[] = [];
  for (const api of before) {
    const exportsBefore = comparer.moduleExports('before', api.name);
    const exportsAfter = comparer.moduleExports('after', api.name);
    const entries = new Map(api.entries.filter((e) => e.exported).map((e) => [e.name, e]));
    const entriesAfter = new Map(
      (after.find((p) => p.name === api.name)?.entries ?? []).filter((e) => e.exported).map((e) => [e.name, e]),
    );
    const found = (level: ChangeLevel, where: string, message: string) =>
      findings.push({ package: api.name, level, where, message });

    for (const [name, entry] of entries) {
      const now = entriesAfter.get(name);
      if (!now) {
        found('major', name, `export removed (${entry.kind})`);
        continue;
      }
      const typeOnly = (e: ApiEntry) => e.kind.includes('(exported as a type only)');
      if (!typeOnly(entry) && typeOnly(now) && /class|function|const|let|var|enum/.test(entry.kind))
        found('major', name, 'is now exported as a type only: code using it as a value breaks');
      const [symbolBefore, symbolAfter] = [exportsBefore.get(name), exportsAfter.get(name)];
      if (!symbolBefore || !symbolAfter) {
        if (entry.text !== now.text || entry.kind !== now.kind)
          found('major', name, `changed (${entry.kind} → ${now.kind})`);
        continue;
      }
      const [keyBefore, keyAfter] = [comparer.keyOf('before', symbolBefore), comparer.keyOf('after', symbolAfter)];
      // A re-export of another package's declaration is compared there, unless it now comes from somewhere else.
      if (keyBefore && keyAfter && keyBefore === keyAfter && !keyBefore.startsWith(`${api.name}:`)) continue;
      if (!keyBefore && !keyAfter && entry.from && entry.from === now.from) continue;
      comparer.findings.length = 0;
      comparer.compareExport(symbolBefore, symbolAfter, name, keyBefore);
      for (const f of comparer.findings) found(f.level, f.where, f.message);
    }
    for (const [name, entry] of entriesAfter) {
      if (!entries.has(name)) found('minor', name, `new export (${entry.kind})`);
    }
  }
  return { findings, directions: comparer.directions, via: comparer.via };
}
