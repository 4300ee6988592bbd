// fast-check arbitraries generated from the bizContent JSON Schemas in spec/bizcontent/, read at test time, so a
// change to the contract changes what the property tests send. Only the keywords the request schemas use are
// understood; any other constraining keyword throws, so the generator can never silently produce invalid params.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { ServiceName } from '@codepay/sdk';

export interface JsonSchema {
  $ref?: string;
  type?: string | readonly string[];
  enum?: readonly unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  'x-codepay-money'?: boolean;
  additionalProperties?: boolean;
}

const BIZCONTENT_DIR = new URL('../../../../spec/bizcontent/', import.meta.url);

/** Keywords that only annotate; everything else must be understood below. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  'title',
  'description',
  'examples',
  'default',
  'x-codepay-assumption',
  'x-codepay-minor-units',
  'x-codepay-rule',
  'x-codepay-statuses',
]);
const UNDERSTOOD = new Set([
  '$ref',
  'type',
  'enum',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'properties',
  'required',
  'additionalProperties',
  'x-codepay-money',
]);

const fileCache = new Map<string, Record<string, unknown>>();

function readSchemaFile(url: URL): Record<string, unknown> {
  let schema = fileCache.get(url.href);
  if (!schema) {
    schema = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
    fileCache.set(url.href, schema);
  }
  return schema;
}

/** Merges a `$ref` target with its sibling keywords: in JSON Schema 2020-12 both apply to the same value. */
function mergeConstraints(target: JsonSchema, siblings: JsonSchema, where: string): JsonSchema {
  const merged: JsonSchema = { ...target };
  for (const [key, value] of Object.entries(siblings) as Array<[keyof JsonSchema, never]>) {
    const existing = merged[key];
    if (existing === undefined || existing === value) merged[key] = value;
    else if (key === 'minLength' || key === 'minimum') merged[key] = Math.max(existing as number, value);
    else if (key === 'maxLength' || key === 'maximum') merged[key] = Math.min(existing as number, value);
    else
      throw new Error(
        `${where}: "${key}" is set both in the $ref target and beside it; teach the generator to merge it`,
      );
  }
  return merged;
}

/** The schema at `url` (or the sub-schema `raw` found in it) with every `$ref` inlined and annotations dropped. */
function resolveSchema(raw: Record<string, unknown>, url: URL): JsonSchema {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (ANNOTATIONS.has(key) || key === '$ref') continue;
    if (!UNDERSTOOD.has(key)) throw new Error(`${url.pathname}: the generator does not understand "${key}"`);
    own[key] = value;
  }
  if (own.properties) {
    own.properties = Object.fromEntries(
      Object.entries(own.properties as Record<string, Record<string, unknown>>).map(([name, sub]) => [
        name,
        resolveSchema(sub, url),
      ]),
    );
  }
  if (typeof raw.$ref !== 'string') return own as JsonSchema;
  const targetUrl = new URL(raw.$ref, url);
  return mergeConstraints(resolveSchema(readSchemaFile(targetUrl), targetUrl), own as JsonSchema, url.pathname);
}

function requestSchema(service: ServiceName): JsonSchema {
  const url = new URL(`${service}.request.json`, BIZCONTENT_DIR);
  return resolveSchema(readSchemaFile(url), url);
}

/** The first example of the request schema: valid params every test can start from. */
export function requestExample(service: ServiceName): Record<string, unknown> {
  const examples = readSchemaFile(new URL(`${service}.request.json`, BIZCONTENT_DIR)).examples as
    | Array<Record<string, unknown>>
    | undefined;
  if (!examples?.[0]) throw new Error(`${service}.request.json has no example`);
  return structuredClone(examples[0]);
}

// The text patterns of the spec, each with a hand-written arbitrary (fc.stringMatching cannot express them).
const BMP_TEXT_PATTERN = '^[\\u0000-\\uD7FF\\uE000-\\uFFFF]*$';
const ADDRESS_PATTERN = '^(?:(?=[\\u0000-\\uFFFF])[\\p{L}\\p{M}\\p{N} ])*$';

const isSurrogate = (codeUnit: number) => codeUnit >= 0xd800 && codeUnit <= 0xdfff;
const LETTER_MARK_DIGIT_OR_SPACE = /^[\p{L}\p{M}\p{N} ]$/u;

/** Mostly printable ASCII (readable counterexamples), sometimes any BMP character: CJK, controls, U+FFFF… */
const bmpCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 0, max: 0xffff })
      .filter((unit) => !isSurrogate(unit))
      .map((unit) => String.fromCharCode(unit)),
  },
);

const addressCharacter = fc.oneof(
  fc.constantFrom(...'abcXYZ059 '),
  bmpCharacter.filter((character) => LETTER_MARK_DIGIT_OR_SPACE.test(character)),
);

function textOf(unit: fc.Arbitrary<string>, schema: JsonSchema): fc.Arbitrary<string> {
  return fc.string({ unit, minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
}

/** UUIDs in either case, as the schema allows (the vendor's samples are upper case). */
const anyCaseUuid = fc.tuple(fc.uuid(), fc.boolean()).map(([uuid, upper]) => (upper ? uuid.toUpperCase() : uuid));

function stringArbitrary(schema: JsonSchema, where: string): fc.Arbitrary<string> {
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'hostname') return fc.domain();
  if (schema.format === 'uuid') return anyCaseUuid;
  if (schema.format !== undefined) throw new Error(`${where}: no arbitrary for format "${schema.format}"`);
  if (schema.pattern === BMP_TEXT_PATTERN) return textOf(bmpCharacter, schema);
  if (schema.pattern === ADDRESS_PATTERN) return textOf(addressCharacter, schema);
  if (schema.pattern !== undefined) {
    // Plain patterns (date-time text, currency codes, digit strings) are generated from the regex itself.
    const lengthOk = (text: string) =>
      text.length >= (schema.minLength ?? 0) && text.length <= (schema.maxLength ?? Infinity);
    return fc.stringMatching(new RegExp(schema.pattern, 'u')).filter(lengthOk);
  }
  return textOf(bmpCharacter, schema);
}

function integerArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  const min =
    schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : (schema.minimum ?? Number.MIN_SAFE_INTEGER);
  const max =
    schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : (schema.maximum ?? Number.MAX_SAFE_INTEGER);
  // bigInt reaches the whole safe range (fc.integer stops at 32 bits), boundaries included.
  return fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number);
}

function numberArbitrary(schema: JsonSchema): fc.Arbitrary<number> {
  return fc.double({
    min: schema.exclusiveMinimum ?? schema.minimum ?? -Number.MAX_VALUE,
    max: schema.exclusiveMaximum ?? schema.maximum ?? Number.MAX_VALUE,
    minExcluded: schema.exclusiveMinimum !== undefined,
    maxExcluded: schema.exclusiveMaximum !== undefined,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

/**
 * Money (`x-codepay-money`): whole cents within the schema's range, as a number or as decimal text with two places —
 * what a merchant sends for USD (the only currency the contract allows); the minor-unit rule itself is the
 * transport's checkMoney policy, tested there.
 */
function moneyArbitrary(schema: JsonSchema): fc.Arbitrary<number | string> {
  const maxCents = Math.round((schema.maximum ?? 1_000_000) * 100);
  return fc
    .tuple(fc.integer({ min: 1, max: maxCents }), fc.boolean())
    .map(([cents, asText]) => (asText ? (cents / 100).toFixed(2) : cents / 100));
}

function arbitraryFor(schema: JsonSchema, where = 'schema'): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema['x-codepay-money']) return moneyArbitrary(schema);
  // A union of types (an id as an integer or its digits as text): each type with the constraints that apply to it.
  if (Array.isArray(schema.type))
    return fc.oneof(...schema.type.map((type) => arbitraryFor({ ...schema, type }, where)));
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, where);
    case 'integer':
      return integerArbitrary(schema);
    case 'number':
      return numberArbitrary(schema);
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([name, sub]) => [name, arbitraryFor(sub, `${where}/${name}`)]),
      );
      return fc.record(model, { requiredKeys: [...(schema.required ?? [])] });
    }
    default:
      throw new Error(`${where}: no arbitrary for type ${JSON.stringify(schema.type)}`);
  }
}

/** Valid params of `service`, as its request schema defines them (optional fields sometimes left out). */
export function paramsArbitrary(service: ServiceName): fc.Arbitrary<Record<string, unknown>> {
  return arbitraryFor(requestSchema(service), service) as fc.Arbitrary<Record<string, unknown>>;
}

/** The top-level fields of `service` whose values are text (free text, enums, formats, patterns alike). */
export function textFieldsOf(service: ServiceName): string[] {
  return Object.entries(requestSchema(service).properties ?? {})
    .filter(([, schema]) => schema.type === 'string')
    .map(([name]) => name);
}
