// Generates packages/sdk/src/gen/resources.gen.ts: the typed methods users call (`client.payers.create(…)`),
// grouped by the `x-codepay-sdk` resource and method of each virtual operation. Adding a service to the spec adds
// its method here, with no hand edits.
import type { JsonSchema } from './bundle.js';
import { doNotEditHeader, type GeneratedFile } from './generated-file.js';
import type { ServiceDescription } from './service-list.js';

const DATE_TIME_REF = '#/components/schemas/DateTimeText';

interface ServiceShape extends ServiceDescription {
  inputType: string;
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
  return { ...service, inputType: `${pascal(service.service)}Input`, dateFields, ...(itemType ? { itemType } : {}) };
}

function inputTypeDeclaration(s: ServiceShape): string {
  const doc = `/** \`${s.service}\` params as the SDK accepts them${s.dateFields.length ? ': date-time fields also take a `Date` (sent as UTC `yyyy-MM-dd HH:mm:ss`)' : ''}. */`;
  if (s.dateFields.length === 0) return `${doc}\nexport type ${s.inputType} = ${s.paramsType};`;
  const omitted = s.dateFields.map((f) => `'${f.name}'`).join(' | ');
  const widened = s.dateFields.map((f) => `${f.name}${f.required ? '' : '?'}: DateTimeText | Date`).join('; ');
  return `${doc}\nexport type ${s.inputType} = Omit<${s.paramsType}, ${omitted}> & { ${widened} };`;
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
  return `${methodDoc(s)}\n  ${s.method}(params: ${s.inputType}, options?: RequestOptions): ${returns};`;
}

function methodImplementation(s: ServiceShape): string {
  if (!s.pagination) return `      ${s.method}: (params, options) => caller.call('${s.service}', params, options),`;
  const hint = `{ ${Object.entries(s.pagination)
    .map(([key, value]) => `${key}: '${value}'`)
    .join(', ')} }`;
  return `      ${s.method}: (params, options) => caller.list<'${s.service}', ${s.itemType}>('${s.service}', params, options, ${hint}),`;
}

export function generateSdkResources(services: readonly ServiceDescription[], bundle: JsonSchema): GeneratedFile {
  const shapes = services.map((s) => shapeOf(s, bundle));
  const resources = [...new Set(shapes.map((s) => s.resource))];
  const interfaceName = (resource: string) => `${pascal(resource)}Resource`;
  const modelTypes = new Set<string>(['ServiceName']);
  for (const s of shapes) {
    modelTypes.add(s.paramsType).add(s.resultType);
    if (s.itemType) modelTypes.add(s.itemType);
    if (s.dateFields.length) modelTypes.add('DateTimeText');
  }
  for (const resource of resources) {
    const methods = shapes.filter((s) => s.resource === resource).map((s) => s.method);
    const duplicate = methods.find((m, i) => methods.indexOf(m) !== i);
    if (duplicate) throw new Error(`x-codepay-sdk: two services map to ${resource}.${duplicate}`);
  }
  // The generated file declares these names beside the model types it imports.
  const declared = [...shapes.map((s) => s.inputType), ...resources.map(interfaceName), 'ServiceInputs', 'Resources'];
  const clash = declared.find((name) => modelTypes.has(name));
  if (clash) {
    throw new Error(`${clash}: a component of the spec has the name the SDK generator gives its own type; rename it`);
  }
  const content = [
    ...doNotEditHeader('tools/src/generate-sdk.ts'),
    `import type { ${[...modelTypes].sort().join(', ')} } from '@codepay/models';`,
    "import type { PageList, RequestOptions, ServiceCaller, WithPsn } from '../service-caller.js';",
    '',
    ...shapes.map(inputTypeDeclaration),
    '',
    '/** What each service accepts, by service name. */',
    'export interface ServiceInputs {',
    ...shapes.map((s) => `  ${s.service}: ${s.inputType};`),
    '}',
    '',
    '/** Top-level params fields that accept a `Date`, by service. */',
    'export const dateTimeFields: { readonly [S in ServiceName]: readonly string[] } = {',
    ...shapes.map((s) => `  ${s.service}: [${s.dateFields.map((f) => `'${f.name}'`).join(', ')}],`),
    '};',
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
