import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { bundleSpec, type JsonSchema } from '../src/bundle.js';
import { generateSdk } from '../src/generate-sdk.js';
import { listServices, type ServiceDescription } from '../src/service-list.js';

// The SDK generator on a two-service fixture spec (tools/test/fixtures/two-services): gadgets.create, a plain
// state-changing call, and widgets.list, a paginated read-only call with date-time params. The real spec's output is
// checked by `pnpm codegen:check`; this pins what the generator makes of each shape, and each mistake it refuses.
const fixtureRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'two-services');

function fixture() {
  const bundle = bundleSpec(fixtureRoot);
  const services = listServices(bundle);
  const [gadget, widgets] = services as [ServiceDescription, ServiceDescription];
  return { bundle, services, gadget, widgets };
}

/** The generated files by name: types.gen.ts, resources.gen.ts, methods.md. */
const generateFiles = (services: readonly ServiceDescription[], bundle: JsonSchema) =>
  Object.fromEntries(generateSdk(services, bundle).map((file) => [path.basename(file.path), file]));
const generate = (services: readonly ServiceDescription[], bundle: JsonSchema) =>
  generateSdk(services, bundle)
    .map((file) => file.content)
    .join('\n');

describe('generateSdk on the two-service fixture', () => {
  it('writes the types, the resources and the methods map (expected output beside the fixture; `vitest -u` rewrites it)', async () => {
    const { bundle, services } = fixture();
    const files = generateSdk(services, bundle);
    expect(files.map((file) => file.path)).toEqual([
      'packages/sdk/src/gen/types.gen.ts',
      'packages/sdk/src/gen/resources.gen.ts',
      'api/methods.md',
    ]);
    for (const file of files) {
      await expect(file.content).toMatchFileSnapshot(path.join(fixtureRoot, `${path.basename(file.path)}.expected`));
    }
  });

  it('is TypeScript without syntax errors', () => {
    const { bundle, services } = fixture();
    const files = generateFiles(services, bundle);
    for (const name of ['types.gen.ts', 'resources.gen.ts']) {
      const { diagnostics } = ts.transpileModule(files[name]!.content, { reportDiagnostics: true });
      expect(diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    }
  });

  it("widens only the date-time params to take a Date, keeping which are required, under the spec's name", () => {
    const { bundle, services } = fixture();
    const types = generateFiles(services, bundle)['types.gen.ts']!.content;
    expect(types).toContain(
      "export type ListWidgetsParams = Omit<ServiceParams<'listWidgets'>, 'madeFrom' | 'madeUntil'> & " +
        '{ madeFrom: DateTimeText | Date; madeUntil?: DateTimeText | Date };',
    );
    expect(types).toContain('export type { CreateGadgetParams, CreateGadgetResult, ListWidgetsResult };');
  });

  it('maps every method in api/methods.md with its params and result types', () => {
    const { bundle, services } = fixture();
    const methods = generateFiles(services, bundle)['methods.md']!.content;
    expect(methods).toMatch(
      /^\| `gadgets\.create\(\)` \| `createGadget` \| `CreateGadgetParams` \| `CreateGadgetResult` \| changes state \|/m,
    );
    expect(methods).toMatch(
      /^\| `widgets\.list\(\)` \| `listWidgets` \| `ListWidgetsParams` \| `PageList<\w+, ListWidgetsResult>` \| read-only \|/m,
    );
  });
});

describe('generateSdk refuses a spec it would turn into wrong code', () => {
  it('a params or result schema missing from the bundle', () => {
    const { bundle, gadget, widgets } = fixture();
    expect(() => generate([{ ...gadget, paramsType: 'CreateGadgetParms' }, widgets], bundle)).toThrow(
      'createGadget: the params schema "CreateGadgetParms" is not in components.schemas; check its $ref',
    );
    expect(() => generate([gadget, { ...widgets, resultType: 'ListWidgetResult' }], bundle)).toThrow(
      'listWidgets: the result schema "ListWidgetResult" is not in components.schemas; check its $ref',
    );
  });

  it('two services mapped to the same resource method', () => {
    const { bundle, gadget, widgets } = fixture();
    expect(() => generate([{ ...gadget, resource: 'widgets', method: 'list' }, widgets], bundle)).toThrow(
      'x-codepay-sdk: two services map to widgets.list',
    );
  });

  it('a resource or method that is not a camelCase identifier', () => {
    const { bundle, gadget, widgets } = fixture();
    expect(() => generate([{ ...gadget, resource: 'gad-gets' }, widgets], bundle)).toThrow(
      'createGadget: x-codepay-sdk resource "gad-gets" must be a camelCase identifier (it names generated code)',
    );
    expect(() => generate([{ ...gadget, method: 'Create' }, widgets], bundle)).toThrow(
      'createGadget: x-codepay-sdk method "Create" must be a camelCase identifier',
    );
  });

  it('a pagination hint naming fields the schemas do not have', () => {
    const { bundle, gadget, widgets } = fixture();
    const paged = (hint: Partial<NonNullable<ServiceDescription['pagination']>>) => () =>
      generate([gadget, { ...widgets, pagination: { ...widgets.pagination!, ...hint } }], bundle);
    expect(paged({ items: 'current_page' })).toThrow(
      'listWidgets: x-codepay-sdk.pagination items "current_page" is not an array of a component in ListWidgetsResult',
    );
    expect(paged({ items: 'gizmos' })).toThrow('items "gizmos" is not an array of a component');
    expect(paged({ pageParam: 'pageNo' })).toThrow(
      'listWidgets: x-codepay-sdk.pagination pageParam "pageNo" is not a field of ListWidgetsParams',
    );
    expect(paged({ currentPage: 'currentPage' })).toThrow(
      'currentPage "currentPage" is not a field of ListWidgetsResult',
    );
    expect(paged({ lastPage: 'pages' })).toThrow('lastPage "pages" is not a field of ListWidgetsResult');
  });

  it('a component named like a type the generator declares', () => {
    const { bundle, gadget, widgets } = fixture();
    const schemas = (bundle.components as { schemas: Record<string, JsonSchema> }).schemas;
    schemas.GadgetsResource = schemas.CreateGadgetResult!;
    expect(() => generate([{ ...gadget, resultType: 'GadgetsResource' }, widgets], bundle)).toThrow(
      'GadgetsResource: a component of the spec has the name the SDK generator gives its own type; rename it',
    );
  });

  it('a virtual operation without a resource and method (read by listServices, before generation)', () => {
    const { bundle } = fixture();
    const paths = bundle.paths as Record<string, { post: JsonSchema }>;
    delete (paths['/services/createGadget']!.post['x-codepay-sdk'] as JsonSchema).resource;
    expect(() => listServices(bundle)).toThrow(
      'paths["/services/createGadget"].post: x-codepay-sdk must name a resource and a method',
    );
  });
});
