// Everything `pnpm codegen` produces, as a list of files. The directories below are owned by the generators:
// a file in them that the generators no longer produce is stale and gets removed. The READMEs are not owned: only
// their marked tables are generated (tools/src/generate-readmes.ts).
import { bundleSpec, loadBizContentFiles, serializeBundle } from './bundle.js';
import { generateMerchantModel, generateMockDocument } from './generate-mock.js';
import { generateComponentTypes, generateRegistry, generateTypes, generateValidators } from './generate-models.js';
import { generateReadmeTables } from './generate-readmes.js';
import { generateSdk } from './generate-sdk.js';
import { formatGenerated, type GeneratedFile } from './generated-file.js';
import { repoRoot } from './paths.js';
import { readSandboxModel } from './sandbox-model.js';
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
  const model = readSandboxModel(bundle, services);
  return formatGenerated([
    { path: 'spec/dist/openapi.bundled.json', content: serializeBundle(bundle) },
    await generateTypes(bundle),
    generateComponentTypes(bundle),
    ...generateValidators(files, services),
    generateRegistry(services, bundle),
    generateMockDocument(bundle),
    generateMerchantModel(model),
    ...generateSdk(services, bundle),
    ...generateReadmeTables(root, services, bundle, model),
  ]);
}
