// Our own rules for spec/, beyond what an OpenAPI linter knows. Each returns human-readable problems; none throws.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { BizContentFile, JsonSchema } from './bundle.js';
import { createSchemaCompiler, schemaId } from './schema-compiler.js';
import { listServices, type ServiceDescription } from './service-list.js';
import { readCurrencyMinorUnits, readMoneyLimits, readTokenRefusalCodes } from './spec-extensions.js';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const DIALECT = 'https://json-schema.org/draft/2020-12/schema';
const ID_BASE = 'https://schemas.codepay.dev/bizcontent/';

export interface SpecInput {
  bundle: JsonSchema;
  files: readonly BizContentFile[];
}

/** Every bizContent file declares the 2020-12 dialect, an `$id` mirroring its path, and at least one example. */
export function checkSchemaFiles({ files }: SpecInput): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const { schema, relativePath } = file;
    if (schema.$schema !== DIALECT) problems.push(`${relativePath}: "$schema" must be "${DIALECT}"`);
    if (schema.$id !== ID_BASE + relativePath)
      problems.push(`${relativePath}: "$id" must be "${ID_BASE}${relativePath}"`);
    if (!Array.isArray(schema.examples) || schema.examples.length === 0)
      problems.push(`${relativePath}: needs "examples"`);
  }
  return problems;
}

/** Each virtual operation: path = /services/<x-service>, operationId = x-service, both bizContent files exist. */
export function checkServices({ bundle, files }: SpecInput): string[] {
  const problems: string[] = [];
  let services: ServiceDescription[];
  try {
    services = listServices(bundle);
  } catch (error) {
    return [(error as Error).message];
  }
  if (services.length === 0) problems.push('no virtual /services/<service> operations found');
  const byPath = new Map(files.map((f) => [f.relativePath, f]));
  for (const s of services) {
    if (s.path !== `/services/${s.service}`)
      problems.push(`${s.path}: path must be /services/${s.service} (its x-service)`);
    if (s.operationId !== s.service) problems.push(`${s.path}: operationId must equal x-service "${s.service}"`);
    const request = byPath.get(`${s.service}.request.json`);
    const response = byPath.get(`${s.service}.response.json`);
    if (!request) problems.push(`${s.service}: spec/bizcontent/${s.service}.request.json is missing`);
    else if (request.name !== s.paramsType)
      problems.push(`${s.service}: request body must reference ${s.service}.request.json`);
    if (!response) problems.push(`${s.service}: spec/bizcontent/${s.service}.response.json is missing`);
    else if (response.name !== s.resultType)
      problems.push(`${s.service}: 200 data must reference ${s.service}.response.json`);
    // Requests are closed (a typo must not be silently dropped); responses are open (the gateway may add keys).
    if (request && request.schema.additionalProperties !== false) {
      problems.push(`${s.service}.request.json: must set "additionalProperties": false`);
    }
    if (response && response.schema.additionalProperties === false) {
      problems.push(`${s.service}.response.json: must tolerate unknown keys (no "additionalProperties": false)`);
    }
  }
  return problems;
}

/** Every `examples` entry of every bizContent file validates against that file's schema. */
export function checkBizContentExamples({ files }: SpecInput): string[] {
  const ajv = createSchemaCompiler(files, false);
  const problems: string[] = [];
  for (const file of files) {
    const validate = ajv.getSchema(schemaId(file));
    if (!validate) {
      problems.push(`${file.relativePath}: schema did not compile`);
      continue;
    }
    ((file.schema.examples as unknown[] | undefined) ?? []).forEach((example, index) => {
      if (!validate(example))
        problems.push(`${file.relativePath}: examples[${index}] is invalid: ${ajv.errorsText(validate.errors)}`);
    });
  }
  return problems;
}

/**
 * Every example of every component in the bundle validates, and each service's 200 payload schema accepts a success
 * payload made from its result examples and a failure payload.
 */
export function checkBundleExamples({ bundle }: SpecInput): string[] {
  const components = (bundle.components as { schemas: Record<string, JsonSchema> }).schemas;
  const asDefs = JSON.parse(
    JSON.stringify({ $id: 'urn:codepay:bundle', $defs: components }).replaceAll('#/components/schemas/', '#/$defs/'),
  );
  const ajv = new Ajv2020({ strict: false, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(asDefs);
  const problems: string[] = [];
  for (const [name, schema] of Object.entries(components)) {
    const validate = ajv.getSchema(`urn:codepay:bundle#/$defs/${name}`);
    ((schema.examples as unknown[] | undefined) ?? []).forEach((example, index) => {
      if (validate && !validate(example))
        problems.push(`components.schemas.${name}: examples[${index}] is invalid: ${ajv.errorsText(validate.errors)}`);
    });
  }
  const paths = bundle.paths as Record<string, { post: JsonSchema }>;
  for (const s of listServices(bundle)) {
    const payloadSchema = JSON.parse(
      JSON.stringify(
        (paths[s.path]!.post.responses as Record<string, { content: Record<string, { schema: unknown }> }>)['200']!
          .content['application/json']!.schema,
      ).replaceAll('#/components/schemas/', 'urn:codepay:bundle#/$defs/'),
    );
    const validate = ajv.compile(payloadSchema);
    const resultExamples = (components[s.resultType]?.examples as unknown[] | undefined) ?? [];
    resultExamples.forEach((data, index) => {
      if (!validate({ status: 0, errorCode: null, errorMessage: null, data })) {
        problems.push(
          `${s.path}: 200 payload rejects a success built from ${s.resultType}.examples[${index}]: ${ajv.errorsText(validate.errors)}`,
        );
      }
    });
    if (!validate({ status: -1, errorCode: 'P0001', errorMessage: 'Payer not found', data: null })) {
      problems.push(`${s.path}: 200 payload rejects a business failure: ${ajv.errorsText(validate.errors)}`);
    }
  }
  return problems;
}

/**
 * The facts generated from `x-codepay-*` extensions agree with the rest of the spec (the generator refuses them
 * otherwise; this reports every such problem at once). Per-service ones — echo and money fields — are checked by
 * `checkServices`.
 */
export function checkSpecExtensions({ bundle }: SpecInput): string[] {
  const problems: string[] = [];
  for (const read of [readCurrencyMinorUnits, readMoneyLimits, readTokenRefusalCodes]) {
    try {
      read(bundle);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

export function checkSpecRules(input: SpecInput): string[] {
  return [
    ...checkSchemaFiles(input),
    ...checkServices(input),
    ...checkSpecExtensions(input),
    ...checkBizContentExamples(input),
    ...checkBundleExamples(input),
  ];
}
