// Generates packages/mock/src/gen/: the bundled document Prism serves, and the sandbox model the mock's merchant
// state interprets (packages/mock/src/merchant-state.ts). The model is only the mock's, so it lives in the mock's
// generated folder rather than in @codepay/models, which every SDK bundle carries.
import type { JsonSchema } from './bundle.js';
import { doNotEditHeader, type GeneratedFile } from './generated-file.js';
import type { SandboxModel } from './sandbox-model.js';

const GEN_DIR = 'packages/mock/src/gen';

/** The mock runs Prism from its own copy of the bundle: no runtime package reads spec/ at run time. */
export function generateMockDocument(bundle: JsonSchema): GeneratedFile {
  const content = [
    ...doNotEditHeader('tools/src/generate-mock.ts'),
    '/** The bundled OpenAPI document (spec/dist/openapi.bundled.json) the mock gateway serves with Prism. */',
    `export const openapiDocument: Record<string, unknown> = ${JSON.stringify(bundle, null, 2)};`,
    '',
  ].join('\n');
  return { path: `${GEN_DIR}/openapi-document.gen.ts`, content };
}

const union = (values: readonly string[]) => (values.length > 0 ? values.map((v) => `'${v}'`).join(' | ') : 'never');

export function generateMerchantModel({ entities, states, messages }: SandboxModel): GeneratedFile {
  const entityNames = Object.keys(entities);
  const changeKinds = entityNames.map((entity) => {
    const kinds = [
      ...new Set(Object.values(states).flatMap((s) => (s?.entity === entity && s.change ? [s.change] : []))),
    ];
    return `  ${entity}: ${union(kinds)};`;
  });
  const content = [
    ...doNotEditHeader('tools/src/generate-mock.ts'),
    "import type { ServiceName } from '@codepay/models';",
    '',
    '/** The records the sandbox keeps (spec: `x-codepay-entities` in components). */',
    `export type EntityName = ${union(entityNames)};`,
    '',
    'export interface EntityModel {',
    '  /** The component whose properties a record has. */',
    '  readonly schema: string;',
    '  /** The field that identifies a record. */',
    '  readonly id: string;',
    '  /** The top-level fields of its schema: an update stores these of its params. */',
    '  readonly fields: readonly string[];',
    '  /** The component whose enum lists its statuses (kept in its `status` field), if it has any. */',
    '  readonly statuses?: string;',
    '  /** The business error code for a record the key names none of. */',
    '  readonly notFound: string;',
    "  /** Steps the mock's own code does for this entity, with what each does in words. */",
    '  readonly steps: { readonly [step: string]: string };',
    '}',
    '',
    'export interface ServiceState {',
    '  readonly entity: EntityName;',
    "  readonly action: 'create' | 'read' | 'update' | 'move' | 'list';",
    '  /** Params fields that name the record (read, update, move) or must be unique among records (create). */',
    '  readonly key: readonly string[];',
    '  /** Statuses the record must be in (update, move); any other is refused with `refusal`. */',
    '  readonly from: readonly string[];',
    '  /** The status a created record starts in, or the statuses a move may end in. */',
    '  readonly to: readonly string[];',
    '  /** The business error code when the record is not in `from`, or (create) when the key is taken. */',
    '  readonly refusal?: string;',
    '  /** An entity step that does the rest. */',
    '  readonly step?: string;',
    '  /** Result fields answered from a record field of another name. */',
    '  readonly answer: { readonly [resultField: string]: string };',
    "  /** What the request log calls the change (`StoredChange['kind']`). */",
    '  readonly change?: string;',
    '}',
    '',
    `export const entities: { readonly [E in EntityName]: EntityModel } = ${JSON.stringify(entities, null, 2)};`,
    '',
    '/** What each service does to the records (spec: `x-codepay-state`); `null`: nothing, Prism answers alone. */',
    `export const serviceStates: { readonly [S in ServiceName]: ServiceState | null } = ${JSON.stringify(
      states,
      null,
      2,
    )};`,
    '',
    '/** The change kinds each entity logs (the `change` of its services). */',
    'export interface ChangeKinds {',
    ...changeKinds,
    '}',
    '',
    '/** errorMessage of each code the sandbox answers from its records (spec: `x-codepay-sandbox-messages`). */',
    `export const sandboxMessages = ${JSON.stringify(messages, null, 2)} as const;`,
    'export type SandboxMessageCode = keyof typeof sandboxMessages;',
    '',
  ].join('\n');
  return { path: `${GEN_DIR}/merchant-model.gen.ts`, content };
}
