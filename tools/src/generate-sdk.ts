// Generates the SDK's per-service code from the spec, grouped by the `x-codepay-sdk` resource and method of each
// virtual operation (adding a service to the spec adds its method, with no hand edits):
//   - packages/sdk/src/gen/types.gen.ts: the public types — per service one params type and one result type, the
//     resource interfaces (`client.payers.create(…)`) and the params by service name;
//   - packages/sdk/src/gen/resources.gen.ts: the methods themselves (createResources) and the Date fields;
//   - api/methods.md: the reader's map of the methods, by resource.
import type { JsonSchema } from './bundle.js';
import { doNotEditHeader, type GeneratedFile } from './generated-file.js';
import type { ServiceDescription } from './service-list.js';

const DATE_TIME_REF = '#/components/schemas/DateTimeText';

interface ServiceShape extends ServiceDescription {
  /** Top-level params fields that hold a gateway date-time, with whether each is required. */
  dateFields: { name: string; required: boolean }[];
  itemType?: string;
}

const pascal = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

function schemas(bundle: JsonSchema): Record<string, JsonSchema> {
  return (bundle.components as { schemas: Record<string, JsonSchema> }).schemas;
}

// Resource and method names become property names and, PascalCased, interface names.
const IDENTIFIER = /^[a-z][A-Za-z0-9]*$/;

function component(bundle: JsonSchema, name: string, service: string, what: string): JsonSchema {
  const schema = schemas(bundle)[name];
  if (!schema) throw new Error(`${service}: the ${what} schema "${name}" is not in components.schemas; check its $ref`);
  return schema;
}

/** The pagination hint must name fields the schemas have: a typo would make every page look like the last. */
function paginationItemType(service: ServiceDescription, params: JsonSchema, result: JsonSchema): string {
  const { items, pageParam, currentPage, lastPage } = service.pagination!;
  const where = `${service.service}: x-codepay-sdk.pagination`;
  const resultFields = (result.properties ?? {}) as Record<string, JsonSchema>;
  const ref = (resultFields[items]?.items as JsonSchema | undefined)?.$ref;
  if (typeof ref !== 'string') {
    throw new Error(`${where} items "${items}" is not an array of a component in ${service.resultType}`);
  }
  if (!Object.hasOwn((params.properties ?? {}) as JsonSchema, pageParam)) {
    throw new Error(`${where} pageParam "${pageParam}" is not a field of ${service.paramsType}`);
  }
  for (const [key, field] of Object.entries({ currentPage, lastPage })) {
    if (!Object.hasOwn(resultFields, field)) {
      throw new Error(`${where} ${key} "${field}" is not a field of ${service.resultType}`);
    }
  }
  return ref.slice('#/components/schemas/'.length);
}

function shapeOf(service: ServiceDescription, bundle: JsonSchema): ServiceShape {
  for (const [key, name] of Object.entries({ resource: service.resource, method: service.method })) {
    if (!IDENTIFIER.test(name)) {
      const why = 'must be a camelCase identifier (it names generated code)';
      throw new Error(`${service.service}: x-codepay-sdk ${key} "${name}" ${why}`);
    }
  }
  const params = component(bundle, service.paramsType, service.service, 'params');
  const result = component(bundle, service.resultType, service.service, 'result');
  const properties = (params.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((params.required ?? []) as string[]);
  const dateFields = Object.entries(properties)
    .filter(([, schema]) => schema.$ref === DATE_TIME_REF)
    .map(([name]) => ({ name, required: required.has(name) }));
  const itemType = service.pagination ? paginationItemType(service, params, result) : undefined;
  return { ...service, dateFields, ...(itemType ? { itemType } : {}) };
}

/**
 * The params type of a service with date-time fields is the SDK's own, under the spec's name (`QueryOrdersParams`):
 * those fields also take a `Date`. (@codepay/models' type of that name is the params as sent.)
 */
function ownParamsDeclaration(s: ServiceShape): string {
  const omitted = s.dateFields.map((f) => `'${f.name}'`).join(' | ');
  const widened = s.dateFields.map((f) => `${f.name}${f.required ? '' : '?'}: DateTimeText | Date`).join('; ');
  return [
    `/** \`${s.resource}.${s.method}()\` params: the date-time fields also take a \`Date\` (sent as UTC \`yyyy-MM-dd HH:mm:ss\`). */`,
    `export type ${s.paramsType} = Omit<ServiceParams<'${s.service}'>, ${omitted}> & { ${widened} };`,
  ].join('\n');
}

function firstSentence(text: string): string {
  const match = /^(.+?\.)(\s|$)/.exec(text.replace(/\s+/g, ' ').trim());
  return match ? match[1]! : text;
}

function methodDoc(s: ServiceShape): string {
  const retry =
    s.retry === 'safe'
      ? 'read-only: retried automatically on transient failures'
      : 'changes state: never retried once it may have reached the gateway';
  const lines = [`${s.summary}. ${firstSentence(s.description)}`, '', `Service \`${s.service}\` (${retry}).`];
  if (s.pagination) {
    lines.push(
      '',
      `Iterate with \`for await\` to get every ${s.itemType} across pages, or call \`.page()\` for one page.`,
    );
  }
  return ['  /**', ...lines.map((l) => (l ? `   * ${l}` : '   *')), '   */'].join('\n');
}

function methodSignature(s: ServiceShape): string {
  const returns = s.pagination ? `PageList<${s.itemType}, ${s.resultType}>` : `Promise<WithPsn<${s.resultType}>>`;
  return `${methodDoc(s)}\n  ${s.method}(params: ${s.paramsType}, options?: RequestOptions): ${returns};`;
}

function methodImplementation(s: ServiceShape): string {
  if (!s.pagination) return `      ${s.method}: (params, options) => caller.call('${s.service}', params, options),`;
  const hint = `{ ${Object.entries(s.pagination)
    .map(([key, value]) => `${key}: '${value}'`)
    .join(', ')} }`;
  return `      ${s.method}: (params, options) => caller.list<'${s.service}', ${s.itemType}>('${s.service}', params, options, ${hint}),`;
}

const interfaceName = (resource: string) => `${pascal(resource)}Resource`;

function shapesOf(services: readonly ServiceDescription[], bundle: JsonSchema): ServiceShape[] {
  const shapes = services.map((s) => shapeOf(s, bundle));
  for (const resource of new Set(shapes.map((s) => s.resource))) {
    const methods = shapes.filter((s) => s.resource === resource).map((s) => s.method);
    const duplicate = methods.find((m, i) => methods.indexOf(m) !== i);
    if (duplicate) throw new Error(`x-codepay-sdk: two services map to ${resource}.${duplicate}`);
  }
  return shapes;
}

const resourcesOf = (shapes: readonly ServiceShape[]) => [...new Set(shapes.map((s) => s.resource))];

function generateSdkTypes(shapes: readonly ServiceShape[]): GeneratedFile {
  const own = shapes.filter((s) => s.dateFields.length > 0);
  const reexported = [
    ...new Set(shapes.flatMap((s) => (s.dateFields.length > 0 ? [s.resultType] : [s.paramsType, s.resultType]))),
  ].sort();
  const imported = new Set<string>(reexported);
  for (const s of shapes) if (s.itemType) imported.add(s.itemType);
  if (own.length > 0) imported.add('DateTimeText').add('ServiceParams');
  const resources = resourcesOf(shapes);
  // The generated file declares these names beside the model types it imports.
  const declared = [...resources.map(interfaceName), 'ParamsByService', 'Resources'];
  const clash = declared.find((name) => imported.has(name));
  if (clash) {
    throw new Error(`${clash}: a component of the spec has the name the SDK generator gives its own type; rename it`);
  }
  const content = [
    ...doNotEditHeader('tools/src/generate-sdk.ts'),
    `import type { ${[...imported].sort().join(', ')} } from '@codepay/models';`,
    "import type { PageList, RequestOptions, WithPsn } from '../service-caller.js';",
    '',
    "// Per service, one params type and one result type: the spec's own, or the SDK's where it accepts more.",
    `export type { ${reexported.join(', ')} };`,
    '',
    ...own.flatMap((s) => [ownParamsDeclaration(s), '']),
    '/** What each service accepts, by service name (`codepay.call(service, params)`). */',
    'export interface ParamsByService {',
    ...shapes.map((s) => `  ${s.service}: ${s.paramsType};`),
    '}',
    '',
    ...resources.flatMap((resource) => [
      `export interface ${interfaceName(resource)} {`,
      shapes
        .filter((s) => s.resource === resource)
        .map(methodSignature)
        .join('\n\n'),
      '}',
      '',
    ]),
    '/** The typed methods of a client, grouped by resource. */',
    'export interface Resources {',
    ...resources.map((r) => `  readonly ${r}: ${interfaceName(r)};`),
    '}',
    '',
  ].join('\n');
  return { path: 'packages/sdk/src/gen/types.gen.ts', content };
}

function generateSdkResources(shapes: readonly ServiceShape[]): GeneratedFile {
  const items = [...new Set(shapes.flatMap((s) => (s.itemType ? [s.itemType] : [])))].sort();
  const resources = resourcesOf(shapes);
  const content = [
    ...doNotEditHeader('tools/src/generate-sdk.ts'),
    `import type { ${[...items, 'ServiceName'].sort().join(', ')} } from '@codepay/models';`,
    "import type { ServiceCaller } from '../service-caller.js';",
    "import type { Resources } from './types.gen.js';",
    '',
    '/** Top-level params fields that accept a `Date`, by service. */',
    'export const dateTimeFields: { readonly [S in ServiceName]: readonly string[] } = {',
    ...shapes.map((s) => `  ${s.service}: [${s.dateFields.map((f) => `'${f.name}'`).join(', ')}],`),
    '};',
    '',
    'export function createResources(caller: ServiceCaller): Resources {',
    '  return {',
    ...resources.flatMap((resource) => [
      `    ${resource}: {`,
      ...shapes.filter((s) => s.resource === resource).map(methodImplementation),
      '    },',
    ]),
    '  };',
    '}',
    '',
  ].join('\n');
  return { path: 'packages/sdk/src/gen/resources.gen.ts', content };
}

/** A table cell: `|` escaped, on one line. */
const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

/** Where the methods map goes: generated, though it sits beside the hand-checked API reports. */
export const METHODS_MAP = 'api/methods.md';

/** api/methods.md: every method by resource with its params and result types, for readers. */
function generateMethodsDoc(shapes: readonly ServiceShape[]): GeneratedFile {
  const [generated, change] = doNotEditHeader('tools/src/generate-sdk.ts').map((line) => line.replace(/^\/\/ /, ''));
  const content = [
    `<!-- ${generated} -->`,
    `<!-- ${change} -->`,
    '',
    '# @codepay/sdk: the methods',
    '',
    "The methods of `createCodePay()`'s client that call a service of the spec, by resource, with the types to import",
    'from `@codepay/sdk`. Each returns its result with `psn` (`WithPsn<Result>`); a list returns a `PageList` of its',
    'items. A state-changing method is never retried once the request may have reached the gateway; a read-only one is',
    'retried on transient failures. `codepay.call(service, params)` calls any of them by service name; the rest of the',
    'client (`orders.find()`, `resolveOutcome()`, `notifications`, `prepare()`, `withOptions()`, `close()`) is described',
    "in the SDK's README.",
    '',
    ...resourcesOf(shapes).flatMap((resource) => [
      `## \`codepay.${resource}\` (\`${interfaceName(resource)}\`)`,
      '',
      '| method | service | params | result | state | summary |',
      '| --- | --- | --- | --- | --- | --- |',
      ...shapes
        .filter((s) => s.resource === resource)
        .map((s) => {
          const result = s.pagination ? `\`PageList<${s.itemType}, ${s.resultType}>\`` : `\`${s.resultType}\``;
          const state = s.retry === 'safe' ? 'read-only' : 'changes state';
          return `| \`${resource}.${s.method}()\` | \`${s.service}\` | \`${s.paramsType}\` | ${result} | ${state} | ${cell(`${s.summary}. ${firstSentence(s.description)}`)} |`;
        }),
      '',
    ]),
  ].join('\n');
  return { path: METHODS_MAP, content };
}

export function generateSdk(services: readonly ServiceDescription[], bundle: JsonSchema): GeneratedFile[] {
  const shapes = shapesOf(services, bundle);
  return [generateSdkTypes(shapes), generateSdkResources(shapes), generateMethodsDoc(shapes)];
}
