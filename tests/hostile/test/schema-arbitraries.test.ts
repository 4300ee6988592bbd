// The generator the property tests draw params from: nested objects and arrays are generated as deeply as the
// schema declares them, and a free-form object (a `metadata` map) is not always empty.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryFor, type JsonSchema } from './support/schema-arbitraries.js';

const schema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['address'],
  properties: {
    metadata: { type: 'object', additionalProperties: { type: 'string', maxLength: 8 }, maxProperties: 3 },
    address: {
      type: 'object',
      additionalProperties: false,
      required: ['city'],
      properties: { city: { type: 'string', minLength: 1 }, zip: { type: 'string' } },
    },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 2 },
  },
};

describe('schema arbitraries', () => {
  // biome-ignore lint/suspicious/noExplicitAny: generated samples of a test schema, read field by field below
  const samples = fc.sample(arbitraryFor(schema), { numRuns: 200, seed: 17 }) as Array<Record<string, any>>;

  it('fills a free-form nested object with entries of its value schema, within maxProperties', () => {
    const metadata = samples.map((s) => s.metadata).filter((m) => m !== undefined);
    expect(metadata.some((m) => Object.keys(m).length > 0)).toBe(true);
    for (const m of metadata) {
      expect(Object.keys(m).length).toBeLessThanOrEqual(3);
      for (const value of Object.values(m)) expect(typeof value === 'string' && value.length <= 8).toBe(true);
    }
  });

  it('generates a nested object with its required fields, and nothing it does not declare', () => {
    for (const { address } of samples) {
      expect(typeof address.city === 'string' && address.city.length > 0).toBe(true);
      expect(Object.keys(address).every((key) => key === 'city' || key === 'zip')).toBe(true);
    }
    expect(samples.every((s) => Object.keys(s).every((key) => ['metadata', 'address', 'tags'].includes(key)))).toBe(
      true,
    );
  });

  it('generates arrays of their items within minItems and maxItems', () => {
    const tags = samples.map((s) => s.tags).filter((t) => t !== undefined);
    expect(tags.length).toBeGreaterThan(0);
    for (const t of tags)
      expect(t.length >= 1 && t.length <= 2 && t.every((v: string) => v === 'a' || v === 'b')).toBe(true);
  });
});
