import { describe, expect, it } from 'vitest';
import { bundleSpec, loadBizContentFiles, type BizContentFile, type JsonSchema } from '../src/bundle.js';
import {
  checkBizContentExamples,
  checkBundleExamples,
  checkSchemaFiles,
  checkServices,
  checkSpecRules,
} from '../src/spec-rules.js';

const clone = <T>(value: T): T => structuredClone(value);
const realInput = () => ({ bundle: bundleSpec(), files: loadBizContentFiles() });

function withFile(
  files: readonly BizContentFile[],
  relativePath: string,
  edit: (schema: JsonSchema) => void,
): BizContentFile[] {
  return files.map((f) => {
    if (f.relativePath !== relativePath) return f;
    const schema = clone(f.schema);
    edit(schema);
    return { ...f, schema };
  });
}

describe('spec rules on the real spec', () => {
  it('finds no problem: every example validates and every service is complete', () => {
    expect(checkSpecRules(realInput())).toEqual([]);
  });

  it('covers all eight documented services with both bizContent schemas', () => {
    const { files } = realInput();
    const names = files.map((f) => f.relativePath);
    for (const service of [
      'createPayer',
      'getPayer',
      'updatePayer',
      'createOrder',
      'queryOrder',
      'queryOrders',
      'refundOrder',
      'getBalance',
    ]) {
      expect(names).toContain(`${service}.request.json`);
      expect(names).toContain(`${service}.response.json`);
    }
  });
});

describe('spec rules catch mistakes', () => {
  it('an example that breaks its own schema', () => {
    const input = realInput();
    const files = withFile(input.files, 'getBalance.response.json', (s) => {
      (s.examples as unknown[]).push({ currency: 'USD', balance: 12.5 });
    });
    expect(checkBizContentExamples({ ...input, files }).join('\n')).toMatch(
      /getBalance\.response\.json: examples\[1\] is invalid/,
    );
  });

  it('a request schema that accepts unknown keys, and a response schema that rejects them', () => {
    const input = realInput();
    let files = withFile(input.files, 'getPayer.request.json', (s) => delete s.additionalProperties);
    files = withFile(files, 'refundOrder.response.json', (s) => (s.additionalProperties = false));
    const problems = checkServices({ ...input, files }).join('\n');
    expect(problems).toMatch(/getPayer\.request\.json: must set "additionalProperties": false/);
    expect(problems).toMatch(/refundOrder\.response\.json: must tolerate unknown keys/);
  });

  it('a virtual path that does not match its x-service, and a missing response schema', () => {
    const input = realInput();
    const bundle = clone(input.bundle);
    const paths = bundle.paths as Record<string, { post: JsonSchema }>;
    paths['/services/getBalance']!.post['x-service'] = 'getBalances';
    const files = input.files.filter((f) => f.relativePath !== 'queryOrder.response.json');
    const problems = checkServices({ bundle, files }).join('\n');
    expect(problems).toMatch(/\/services\/getBalance: path must be \/services\/getBalances/);
    expect(problems).toMatch(/queryOrder\.response\.json is missing/);
  });

  it('a schema file without the 2020-12 dialect, a matching $id or examples', () => {
    const input = realInput();
    const files = withFile(input.files, 'common/money.json', (s) => {
      delete s.$schema;
      s.$id = 'https://schemas.codepay.dev/bizcontent/money.json';
      delete s.examples;
    });
    const problems = checkSchemaFiles({ ...input, files });
    expect(problems).toHaveLength(3);
  });

  it('a wire component example that breaks its schema', () => {
    const input = realInput();
    const bundle = clone(input.bundle);
    const schemas = (bundle.components as { schemas: Record<string, JsonSchema> }).schemas;
    (schemas.TokenSuccessBody!.examples as unknown[]).push({
      statusCode: 0,
      psn: 'P1',
      data: { accessToken: 'x', expiresIn: 0 },
    });
    expect(checkBundleExamples({ ...input, bundle }).join('\n')).toMatch(/TokenSuccessBody: examples\[1\] is invalid/);
  });
});
