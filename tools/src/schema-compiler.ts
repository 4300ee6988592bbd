// The one ajv configuration the validators are compiled with, from the source bizContent files (not the bundle),
// so their `$id`s and relative `$ref`s resolve exactly as authored.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { BizContentFile } from './bundle.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Formats the bizContent schemas use; listing them keeps the generated code from referencing all of ajv-formats. */
export const USED_FORMATS = ['email', 'hostname', 'uri', 'uuid'] as const;

export function createSchemaCompiler(files: readonly BizContentFile[], standalone: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // No message strings in the generated code: the transport writes its own messages in words from each error's
    // keyword and params (packages/transport/src/pipeline/validate-params.ts), and the strings cost bundle size.
    messages: false,
    strict: true,
    allowUnionTypes: true,
    // Shared definitions (the payer fields, the text pattern, money) become one function each, called by every
    // schema that refers to them, instead of being copied into each: 8 KB less in the SDK bundle, same speed
    // (bench/validators.ts: createOrder 0.45 µs either way).
    inlineRefs: false,
    code: standalone ? { source: true, esm: false, lines: true, optimize: true } : {},
  });
  addFormats(ajv, { formats: [...USED_FORMATS] });
  // Marks contract items that the vendor documentation does not state; an annotation, not a constraint.
  ajv.addKeyword({ keyword: 'x-codepay-assumption', schemaType: 'boolean' });
  // Facts the generators read (tools/src/spec-extensions.ts): which schema is money, each currency's decimal places.
  // Annotations to ajv: the decimal places depend on a sibling field, so generated code checks them, not a validator.
  ajv.addKeyword({ keyword: 'x-codepay-money', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-codepay-minor-units', schemaType: 'object' });
  // The rule of a pattern in words, for messages (the validators carry the pattern; the words reach the transport
  // through the generated registry).
  ajv.addKeyword({ keyword: 'x-codepay-rule', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'x-codepay-statuses', schemaType: 'object' });
  // Annotations do not change what validates; leaving them out keeps the generated validators small.
  for (const file of files) ajv.addSchema(standalone ? withoutAnnotations(file.schema) : file.schema);
  return ajv;
}

const ANNOTATIONS = new Set([
  'title',
  'description',
  'examples',
  'default',
  '$comment',
  'x-codepay-assumption',
  'x-codepay-money',
  'x-codepay-minor-units',
  'x-codepay-rule',
  'x-codepay-statuses',
]);

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema tree handed to ajv, whose own types are as loose
function withoutAnnotations(node: unknown): any {
  if (Array.isArray(node)) return node.map(withoutAnnotations);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !ANNOTATIONS.has(key))
      // `properties` maps names to schemas: a field called "title" or "default" is not an annotation.
      .map(([key, value]) => [
        key,
        key === 'properties' ? mapValues(value, withoutAnnotations) : withoutAnnotations(value),
      ]),
  );
}

function mapValues(record: unknown, fn: (value: unknown) => unknown): unknown {
  return Object.fromEntries(Object.entries(record as Record<string, unknown>).map(([k, v]) => [k, fn(v)]));
}

export function schemaId(file: BizContentFile): string {
  const id = file.schema.$id;
  if (typeof id !== 'string') throw new Error(`${file.relativePath}: "$id" is missing`);
  return id;
}
