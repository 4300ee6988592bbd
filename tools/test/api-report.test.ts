import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareApis, moduleSource, type ApiFinding, type PackageApi } from '../src/api-compat.js';
import { gateMessage, IMPLEMENTED_BY_USERS } from '../src/api-report.js';
import { extractApi, parseReport, parseReportImports, renderReport } from '../src/api-surface.js';
import { repoRoot } from '../src/paths.js';
import { publishablePackages } from '../src/release-state.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'codepay-api-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let sides = 0;
/** Two packages, written as built declarations and read back the way api:report reads dist/index.d.ts. */
function packages(models: string, sdk: string): PackageApi[] {
  const root = path.join(tmp, `side-${++sides}`);
  return Object.entries({ '@example/models': models, '@example/sdk': sdk }).map(([name, declarations]) => {
    const dir = path.join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, type: 'module', types: './index.d.ts' }));
    writeFileSync(path.join(dir, 'index.d.ts'), declarations);
    const surface = extractApi(path.join(dir, 'index.d.ts'));
    return { name, imports: surface.imports, entries: surface.entries, resolveFrom: dir };
  });
}

const MODELS = `
interface ServiceTypes {
    createOrder: {
        params: CreateOrderParams;
        result: CreateOrderResult;
    };
}
type ServiceName = keyof ServiceTypes;
type ServiceParams<S extends ServiceName> = ServiceTypes[S]['params'];
type CreateOrderParams = {
    order_sn: string;
    amount: number;
    currency: 'USD' | 'EUR';
    note?: string;
};
type CreateOrderResult = {
    order_sn: string;
    status: 'New' | 'Paid';
    paymentUrl?: string;
};
declare const serviceNames: readonly ServiceName[];
declare const specHash = "a9699749dfd9";
export { type CreateOrderParams, type CreateOrderResult, type ServiceName, type ServiceParams, type ServiceTypes, serviceNames, specHash };
`;

const SDK = `
import { CreateOrderParams, CreateOrderResult, ServiceName, ServiceParams } from '@example/models';
interface Logger {
    info(message: string): void;
}
interface CodePayOptions {
    baseUrl: string;
    logger?: Logger;
}
interface OrdersResource {
    create(params: CreateOrderParams): Promise<CreateOrderResult>;
}
interface CodePay {
    orders: OrdersResource;
    call<S extends ServiceName>(service: S, params: ServiceParams<S>): Promise<unknown>;
}
declare function createCodePay(options: CodePayOptions): CodePay;
declare function consoleLogger(): Logger;
export { type CodePay, type CodePayOptions, type Logger, type OrdersResource, consoleLogger, createCodePay };
`;

const baseline = packages(MODELS, SDK);
const compare = (models: string, sdk: string, implementedByUsers = ['@example/sdk:Logger']) =>
  compareApis(baseline, packages(models, sdk), { implementedByUsers, nodeTypes: false }).findings;
const summary = (findings: readonly ApiFinding[]) =>
  findings.map((f) => `${f.level} ${f.package} ${f.where}: ${f.message}`);
const levels = (findings: readonly ApiFinding[]) => [...new Set(findings.map((f) => f.level))];

describe('api:check — what changed, as users use each type (results read, params written)', () => {
  it('finds nothing when nothing changed', () => {
    expect(compare(MODELS, SDK)).toEqual([]);
  });

  it('reads the directions from the exported values: params are written, results and the client read', () => {
    const { directions } = compareApis(baseline, baseline, {
      implementedByUsers: ['@example/sdk:Logger'],
      nodeTypes: false,
    });
    expect([...(directions.get('@example/models:CreateOrderParams') ?? [])]).toEqual(['write']);
    expect([...(directions.get('@example/models:CreateOrderResult') ?? [])]).toEqual(['read']);
    expect([...(directions.get('@example/sdk:CodePay') ?? [])]).toEqual(['read']);
    expect([...(directions.get('@example/sdk:CodePayOptions') ?? [])]).toEqual(['write']);
    expect([...(directions.get('@example/sdk:Logger') ?? [])].sort()).toEqual(['read', 'write']);
  });

  it('a new service is minor: new members in types users only read, a wider service name, new exports', () => {
    const models = MODELS.replace(
      '        result: CreateOrderResult;\n    };\n}',
      '        result: CreateOrderResult;\n    };\n    refundOrder: {\n        params: RefundOrderParams;\n        result: RefundOrderResult;\n    };\n}',
    )
      .replace(
        'declare const serviceNames',
        'type RefundOrderParams = {\n    order_sn: string;\n};\ntype RefundOrderResult = {\n    refunded: boolean;\n};\ndeclare const serviceNames',
      )
      .replace('type ServiceParams,', 'type ServiceParams, type RefundOrderParams, type RefundOrderResult,');
    const sdk = SDK.replace(
      'interface CodePay {\n    orders: OrdersResource;',
      'interface RefundsResource {\n    create(params: RefundOrderParams): Promise<RefundOrderResult>;\n}\ninterface CodePay {\n    orders: OrdersResource;\n    refunds: RefundsResource;',
    )
      .replace(
        "ServiceParams } from '@example/models';",
        "ServiceParams, RefundOrderParams, RefundOrderResult } from '@example/models';",
      )
      .replace('type OrdersResource,', 'type OrdersResource, type RefundsResource,');
    const findings = compare(models, sdk);
    expect(summary(findings)).toEqual(
      expect.arrayContaining([
        'minor @example/models ServiceTypes.refundOrder: new member',
        'minor @example/models RefundOrderParams: new export (type)',
        'minor @example/sdk CodePay.refunds: new member',
        'minor @example/sdk RefundsResource: new export (interface)',
      ]),
    );
    expect(levels(findings)).toEqual(['minor']);
  });

  it('a new optional request field written over several lines is minor', () => {
    const models = MODELS.replace(
      '    note?: string;\n};',
      '    note?: string;\n    shipping?: {\n        address: string;\n        city: string;\n    };\n};',
    );
    expect(summary(compare(models, SDK))).toEqual([
      'minor @example/models CreateOrderParams.shipping: new optional member',
    ]);
  });

  it('a new field in a result, and a new value a result may have, are minor', () => {
    const models = MODELS.replace(
      "    status: 'New' | 'Paid';\n    paymentUrl?: string;",
      "    status: 'New' | 'Paid' | 'Refunded';\n    paymentUrl?: string;\n    linkID: string;",
    );
    expect(summary(compare(models, SDK)).sort()).toEqual([
      'minor @example/models CreateOrderResult.linkID: new member',
      'minor @example/models CreateOrderResult.status: may now also be "Refunded"',
    ]);
  });

  it('a removed or narrowed param, or a new required one, is major', () => {
    expect(summary(compare(MODELS.replace('    note?: string;\n', ''), SDK))).toEqual([
      'major @example/models CreateOrderParams.note: removed: code passing it no longer compiles',
    ]);
    expect(summary(compare(MODELS.replace("currency: 'USD' | 'EUR';", "currency: 'USD';"), SDK))).toEqual([
      'major @example/models CreateOrderParams.currency: no longer accepts "EUR"',
    ]);
    expect(summary(compare(MODELS.replace('    amount: number;', '    amount: 1 | 2;'), SDK))).toEqual([
      'major @example/models CreateOrderParams.amount: no longer accepts number',
    ]);
    expect(
      summary(compare(MODELS.replace('    note?: string;', '    note?: string;\n    payerID: number;'), SDK)),
    ).toEqual(['major @example/models CreateOrderParams.payerID: new required member: existing code does not pass it']);
    expect(summary(compare(MODELS.replace('    note?: string;', '    note: string;'), SDK))).toEqual([
      'major @example/models CreateOrderParams.note: is now required: existing code does not pass it',
    ]);
  });

  it('a removed result field, or one that may now be missing or null, is major', () => {
    expect(summary(compare(MODELS.replace('    paymentUrl?: string;\n', ''), SDK))).toEqual([
      'major @example/models CreateOrderResult.paymentUrl: removed: code reading it breaks',
    ]);
    expect(
      summary(compare(MODELS.replace("    status: 'New' | 'Paid';", "    status?: 'New' | 'Paid';"), SDK)),
    ).toEqual(['major @example/models CreateOrderResult.status: may now be missing (was always there)']);
    expect(
      summary(
        compare(MODELS.replace('    order_sn: string;\n    status', '    order_sn: string | null;\n    status'), SDK),
      ),
    ).toEqual(['major @example/models CreateOrderResult.order_sn: may now be null: code reading it breaks']);
  });

  it('the spec hash as a string instead of a literal type is minor, so a spec edit no longer changes the API', () => {
    expect(
      summary(
        compare(MODELS.replace('declare const specHash = "a9699749dfd9";', 'declare const specHash: string;'), SDK),
      ),
    ).toEqual(['minor @example/models specHash: may now be string (was "a9699749dfd9")']);
  });

  it('functions: a new optional parameter is minor, a new required one or a removed export major', () => {
    expect(
      summary(
        compare(
          MODELS,
          SDK.replace(
            'createCodePay(options: CodePayOptions)',
            'createCodePay(options: CodePayOptions, region?: string)',
          ),
        ),
      ),
    ).toEqual(['minor @example/sdk createCodePay(region): new optional parameter']);
    expect(
      levels(
        compare(
          MODELS,
          SDK.replace(
            'createCodePay(options: CodePayOptions)',
            'createCodePay(options: CodePayOptions, region: string)',
          ),
        ),
      ),
    ).toEqual(['major']);
    expect(summary(compare(MODELS, SDK.replace(', consoleLogger, createCodePay', ', createCodePay')))).toEqual([
      'major @example/sdk consoleLogger: export removed (function)',
    ]);
  });

  it('an interface users implement (Logger) grows a required method: major; the client users only call: minor', () => {
    const logger = SDK.replace(
      '    info(message: string): void;\n}',
      '    info(message: string): void;\n    warn(message: string): void;\n}',
    );
    expect(summary(compare(MODELS, logger))).toContain(
      'major @example/sdk Logger.warn: new required member: existing code does not pass it',
    );
    expect(levels(compare(MODELS, logger, []))).toEqual(['minor']); // not listed: taken as made by the library (consoleLogger)
    expect(IMPLEMENTED_BY_USERS).toContain('@codepay/transport:Logger');
  });

  it('rebuilds a module from a report: imports, declarations, exports under their names', () => {
    const [models] = baseline;
    const source = moduleSource(models!);
    expect(source).toMatch(/^type CreateOrderParams = \{/m);
    expect(source).toMatch(/^export \{ .*CreateOrderParams.*specHash.* \};$/m);
  });
});

describe('the committed reports', () => {
  const reports = publishablePackages().map((pkg) => {
    const text = readFileSync(path.join(repoRoot, 'api', `${path.basename(pkg.dir)}.api.md`), 'utf8');
    return { pkg, text };
  });

  it('compare equal to themselves, every package rebuilt from its report', () => {
    const apis: PackageApi[] = reports.map(({ pkg, text }) => ({
      name: pkg.name,
      imports: parseReportImports(text),
      entries: parseReport(text),
      resolveFrom: path.join(repoRoot, pkg.dir),
    }));
    expect(
      apis.every((api) => api.imports.length > 0 || api.name === '@codepay/models' || api.entries.length > 0),
    ).toBe(true);
    const { findings, directions } = compareApis(apis, apis, { implementedByUsers: IMPLEMENTED_BY_USERS });
    expect(findings).toEqual([]);
    expect([...(directions.get('@codepay/sdk:CodePayOptions') ?? [])]).toEqual(['write']);
    expect([...(directions.get('@codepay/sdk:CodePay') ?? [])]).toEqual(['read']);
    expect([...(directions.get('@codepay/models:CreateOrderParams') ?? [])]).toEqual(['write']);
    expect([...(directions.get('@codepay/models:CreateOrderResult') ?? [])]).toEqual(['read']);
  });
});

describe('the gate message', () => {
  const finding = (level: 'major' | 'minor', where: string): ApiFinding => ({
    package: '@codepay/models',
    level,
    where,
    message: 'x',
  });

  it('says what needs which release, and what the changesets give', () => {
    const failing = gateMessage(
      {
        name: '@codepay/models',
        findings: [finding('major', 'spec: createPayer request.address'), finding('minor', 'A')],
        required: 'major',
        planned: 'minor',
        ok: false,
      },
      'v1',
    );
    expect(failing).toMatch(
      /breaking changes need a major release, but the pending changesets make it a minor release/,
    );
    expect(failing).toMatch(/major {2}spec: createPayer request\.address: x\n {2}minor {2}A: x/);
    expect(
      gateMessage(
        { name: '@codepay/sdk', findings: [finding('minor', 'A')], required: 'minor', planned: undefined, ok: false },
        'v1',
      ),
    ).toMatch(/additions need a minor release, but no pending changeset names it/);
    expect(gateMessage({ name: '@codepay/sdk', findings: [], ok: true }, 'v1')).toBe(
      '@codepay/sdk: no API change since v1',
    );
  });
});

describe('extractApi (built declarations → report)', () => {
  it('lists exports with kind and declaration, keeps type-only re-exports out of the values, lists imports, and round-trips', () => {
    const dir = path.join(tmp, 'extract');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "@example/api", "type": "module" }');
    writeFileSync(
      path.join(dir, 'other.d.ts'),
      'export declare const registry: { a: 1 };\nexport type Name = "a" | "b";\n',
    );
    writeFileSync(
      path.join(dir, 'index.d.ts'),
      [
        '/** Docs are not API. */',
        'declare function create(options: Options): Client;',
        'interface Options { timeout?: number; }',
        'interface Client { call(name: Name): Promise<string>; }',
        "import { Name } from './other.js';",
        'declare const VERSION: string;',
        "export type * from './other.js';",
        'export { create, type Options, VERSION };',
      ].join('\n'),
    );
    const surface = extractApi(path.join(dir, 'index.d.ts'));
    expect(surface.values).toEqual(['VERSION', 'create']);
    expect(surface.imports).toEqual(["import { Name } from './other.js';"]);
    expect(surface.entries.map((e) => [e.name, e.exported, e.kind])).toEqual([
      ['Name', true, 'type'],
      ['Options', true, 'interface'],
      ['VERSION', true, 'const'],
      ['create', true, 'function'],
      ['registry', true, 'const (exported as a type only)'],
      ['Client', false, 'interface'],
    ]);
    expect(surface.entries.find((e) => e.name === 'create')?.text).toBe(
      'declare function create(options: Options): Client;',
    );
    const report = renderReport('@example/api', 'index.d.ts', surface);
    expect(report).not.toMatch(/Docs are not API/);
    expect(parseReport(report)).toEqual(surface.entries);
    expect(parseReportImports(report)).toEqual(surface.imports);
  });
});
