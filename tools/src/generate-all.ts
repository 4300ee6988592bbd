// Everything `pnpm codegen` produces, as a list of files. The directories below are owned by the generators:
// a file in them that the generators no longer produce is stale and gets removed.
import { bundleSpec, loadBizContentFiles, serializeBundle, type JsonSchema } from './bundle.js';
import { generateRegistry, generateTypes, generateValidators } from './generate-models.js';
import { generateSdkResources } from './generate-sdk.js';
import { doNotEditHeader, formatGenerated, type GeneratedFile } from './generated-file.js';
import { repoRoot } from './paths.js';
import { listServices } from './service-list.js';

export const GENERATED_DIRS = [
  'spec/dist',
  'packages/models/src/gen',
  'packages/mock/src/gen',
  'packages/sdk/src/gen',
] as const;

export async function generateAll(root: string = repoRoot): Promise<GeneratedFile[]> {
  const bundle = bundleSpec(root);
  const files = loadBizContentFiles(root);
  const services = listServices(bundle);
  return formatGenerated([
    { path: 'spec/dist/openapi.bundled.json', content: serializeBundle(bundle) },
    await generateTypes(bundle),
    ...generateValidators(files, services),
    generateRegistry(services, bundle),
    generateMockDocument(bundle),
    generateSdkResources(services, bundle),
  ]);
}

/** The mock runs Prism from its own copy of the bundle: no runtime package reads spec/ at run time. */
function generateMockDocument(bundle: JsonSchema): GeneratedFile {
  const content = [
    ...doNotEditHeader('tools/src/generate-all.ts'),
    '/** The bundled OpenAPI document (spec/dist/openapi.bundled.json) the mock gateway serves with Prism. */',
    `export const openapiDocument: Record<string, unknown> = ${JSON.stringify(bundle, null, 2)};`,
    '',
  ].join('\n');
  return { path: 'packages/mock/src/gen/openapi-document.gen.ts', content };
}
