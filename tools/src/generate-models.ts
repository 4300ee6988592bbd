// Generates packages/models/src/gen/: types (hey-api), precompiled validators (ajv standalone) and the
// service registry. Returns files instead of writing them so `codegen:check` can compare without touching the tree.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { serializeBundle, type BizContentFile, type JsonSchema } from './bundle.js';
import { doNotEditHeader, type GeneratedFile } from './generated-file.js';
import { createSchemaCompiler, schemaId } from './schema-compiler.js';
import type { ServiceDescription } from './service-list.js';
import {
  readCurrencyMinorUnits,
  readErrorCodes,
  readMoneyLimits,
  readOrderStatuses,
  readPatternRules,
  readTokenRefusalCodes,
} from './spec-extensions.js';

const GEN_DIR = 'packages/models/src/gen';

// ajv's standalone entry is CommonJS; under NodeNext its default export arrives as the module object.
const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

/** The notification payloads that get a validator besides the services' params and results. */
export const NOTIFICATION_SCHEMAS = ['PaymentOrderStatusNotification'] as const;

export const validatorName = (typeName: string): string => `validate${typeName}`;

export async function generateTypes(bundle: JsonSchema): Promise<GeneratedFile> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'codepay-heyapi-'));
  try {
    // hey-api reads a file; give it the exact bytes we commit as the bundle.
    const input = path.join(workDir, 'openapi.bundled.json');
    writeFileSync(input, serializeBundle(bundle));
    const output = path.join(workDir, 'out');
    await createClient({
      input,
      output: {
        path: output,
        entryFile: false,
        header: doNotEditHeader('@hey-api/openapi-ts (tools/src/generate-models.ts)'),
      },
      plugins: ['@hey-api/typescript'],
      logs: { level: 'silent' },
    });
    return { path: `${GEN_DIR}/types.gen.ts`, content: readFileSync(path.join(output, 'types.gen.ts'), 'utf8') };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function validatorTargets(
  files: readonly BizContentFile[],
  services: readonly ServiceDescription[],
): Map<string, string> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const typeNames = [...services.flatMap((s) => [s.paramsType, s.resultType]), ...NOTIFICATION_SCHEMAS];
  const targets = new Map<string, string>();
  for (const typeName of typeNames) {
    const file = byName.get(typeName);
    if (!file) throw new Error(`no spec/bizcontent file has title "${typeName}"`);
    targets.set(typeName, schemaId(file));
  }
  return targets;
}

export function generateValidators(
  files: readonly BizContentFile[],
  services: readonly ServiceDescription[],
): GeneratedFile[] {
  const targets = validatorTargets(files, services);
  const ajv = createSchemaCompiler(files, true);
  const exportsMap = Object.fromEntries([...targets].map(([typeName, id]) => [validatorName(typeName), id]));
  const header = doNotEditHeader('ajv standalone (tools/src/generate-models.ts)').join('\n');
  const code = standaloneCode(ajv, exportsMap);
  const declarations = [
    ...doNotEditHeader('tools/src/generate-models.ts'),
    "import type { ValidateFunction } from 'ajv';",
    `import type { ${[...targets.keys()].sort().join(', ')} } from './types.gen.js';`,
    '',
    ...[...targets.keys()].map(
      (typeName) => `export declare const ${validatorName(typeName)}: ValidateFunction<${typeName}>;`,
    ),
    '',
  ].join('\n');
  return [
    { path: `${GEN_DIR}/validators.gen.cjs`, content: `${header}\n${code}\n` },
    { path: `${GEN_DIR}/validators.gen.d.cts`, content: declarations },
  ];
}

export function specHash(bundle: JsonSchema): string {
  return createHash('sha256').update(serializeBundle(bundle)).digest('hex').slice(0, 12);
}

// Single-quoted like the rest of the generated code; a quote or backslash in a field name stays text.
const quoted = (value: string) => `'${value.replace(/[\\']/g, '\\$&')}'`;
const stringList = (values: readonly string[]) => `[${values.map(quoted).join(', ')}]`;

/** The spec's facts that are not per service: minor units per currency, the money range, token refusal codes. */
function specFacts(bundle: JsonSchema): string[] {
  const minorUnits = Object.entries(readCurrencyMinorUnits(bundle)).map(
    ([currency, places]) => `${currency}: ${places}`,
  );
  const limits = readMoneyLimits(bundle);
  return [
    '/**',
    ' * Decimal places (ISO 4217 minor units) of each currency an amount may be in: an amount may have no more',
    ' * (spec: `x-codepay-minor-units` on Currency).',
    ' */',
    `export const currencyMinorUnits: { readonly [currency: string]: number } = { ${minorUnits.join(', ')} };`,
    '',
    '/**',
    ' * The range of every money field (spec: the `x-codepay-money` schema). The params validators enforce it on',
    ' * numbers; JSON Schema has no range for a decimal string, so it is here to check those too.',
    ' */',
    'export const moneyLimits: { readonly exclusiveMinimum: number; readonly maximum: number } = ' +
      `{ exclusiveMinimum: ${limits.exclusiveMinimum}, maximum: ${limits.maximum} };`,
    '',
    '/**',
    ' * Gateway error codes that mean the bearer token was refused before any processing, so nothing happened',
    ' * (spec: `x-codepay-token-refusal-codes` on GatewayErrorBody).',
    ' */',
    `export const tokenRefusalCodes: readonly string[] = ${stringList(readTokenRefusalCodes(bundle))};`,
    '',
    '/** What each order status means for a merchant (spec: `x-codepay-statuses` on OrderStatus; decided from the names). */',
    'export const orderStatuses: {',
    '  readonly [S in OrderStatus]: {',
    '    /** No further change is expected. */',
    '    readonly final: boolean;',
    "    /** The payer's money arrived (it may since have gone back: see `refund`). */",
    '    readonly moneyReceived: boolean;',
    '    /** The status belongs to a refund. */',
    '    readonly refund: boolean;',
    '    readonly meaning: string;',
    '  };',
    `} = ${JSON.stringify(readOrderStatuses(bundle), null, 2)};`,
    '',
    '/** The gateway error codes we know of, with their meaning (spec: `x-codepay-error-codes` on GatewayErrorBody). */',
    `export const gatewayErrorCodes = ${JSON.stringify(readErrorCodes(bundle).gateway, null, 2)} as const;`,
    '/** A known gateway error code; errors carry `GatewayErrorCode | (string & {})`, since the gateway may send others. */',
    'export type GatewayErrorCode = keyof typeof gatewayErrorCodes;',
    '',
    "/** The business error codes we know of (spec: `x-codepay-business-error-codes`): the documented `-1` and the sandbox's. */",
    `export const businessErrorCodes = ${JSON.stringify(readErrorCodes(bundle).business, null, 2)} as const;`,
    'export type BusinessErrorCode = keyof typeof businessErrorCodes;',
    '',
    '/** The rule of each pattern of the spec in words (spec: `x-codepay-rule`), for validation messages. */',
    `export const patternRules: { readonly [pattern: string]: string } = ${JSON.stringify(readPatternRules(bundle), null, 2)};`,
    '',
  ];
}

export function generateRegistry(services: readonly ServiceDescription[], bundle: JsonSchema): GeneratedFile {
  const types = [...new Set([...services.flatMap((s) => [s.paramsType, s.resultType]), 'OrderStatus'])].sort();
  const entry = (s: ServiceDescription) =>
    [
      `  ${s.service}: {`,
      `    service: '${s.service}',`,
      `    path: '${s.path}',`,
      `    retry: '${s.retry}',`,
      `    resource: '${s.resource}',`,
      `    method: '${s.method}',`,
      `    summary: ${JSON.stringify(s.summary)},`,
      `    echo: ${stringList(s.echo)},`,
      `    moneyFields: ${stringList(s.moneyFields)},`,
      `    resultFields: ${stringList(s.resultFields)},`,
      `    validateParams: validators.${validatorName(s.paramsType)},`,
      `    validateResult: validators.${validatorName(s.resultType)},`,
      '  },',
    ].join('\n');
  const typeMap = services.map((s) => `  ${s.service}: { params: ${s.paramsType}; result: ${s.resultType} };`);
  const content = [
    ...doNotEditHeader('tools/src/generate-models.ts'),
    "import type { ValidateFunction } from 'ajv';",
    `import type { ${types.join(', ')} } from './types.gen.js';`,
    "import validators from './validators.gen.cjs';",
    '',
    '/** Hash of the bundled spec these models were generated from (sent in the User-Agent). */',
    `export const specHash: string = '${specHash(bundle)}';`,
    '',
    '/** Params and result types of every service, by service name. */',
    'export interface ServiceTypes {',
    ...typeMap,
    '}',
    '',
    'export type ServiceName = keyof ServiceTypes;',
    "export type ServiceParams<S extends ServiceName> = ServiceTypes[S]['params'];",
    "export type ServiceResult<S extends ServiceName> = ServiceTypes[S]['result'];",
    '',
    '/** How a service may be retried: `safe` services are read-only; `unsafe` ones change state. */',
    "export type RetryPolicy = 'safe' | 'unsafe';",
    '',
    'export interface ServiceDefinition<S extends ServiceName = ServiceName> {',
    '  readonly service: S;',
    '  /** The virtual path in the spec (`/services/<service>`); it never goes over the wire. */',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: this is generated TypeScript, a template literal type
    '  readonly path: `/services/${S}`;',
    '  readonly retry: RetryPolicy;',
    '  /** SDK grouping: `client[resource][method]`. */',
    '  readonly resource: string;',
    '  readonly method: string;',
    '  readonly summary: string;',
    '  /** Top-level result fields that echo the request field of the same name (spec: `x-codepay-echo`). */',
    '  readonly echo: readonly string[];',
    '  /** Top-level params fields that are money: a number or a decimal string, sent as a JSON number (spec: `x-codepay-money`). */',
    '  readonly moneyFields: readonly string[];',
    '  /** Top-level fields of the result schema; a verified answer sharing none of them answers another service. */',
    '  readonly resultFields: readonly string[];',
    '  readonly validateParams: ValidateFunction<ServiceParams<S>>;',
    '  readonly validateResult: ValidateFunction<ServiceResult<S>>;',
    '}',
    '',
    '/** Every service of the API, keyed by service name. */',
    'export const services: { readonly [S in ServiceName]: ServiceDefinition<S> } = {',
    ...services.map(entry),
    '};',
    '',
    '/** Service names in spec order. */',
    `export const serviceNames: readonly ServiceName[] = ${stringList(services.map((s) => s.service))};`,
    '',
    ...specFacts(bundle),
  ].join('\n');
  return { path: `${GEN_DIR}/services.gen.ts`, content };
}
