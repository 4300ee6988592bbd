import { describe, expect, it } from 'vitest';
import { bundleSpec, loadBizContentFiles, type BizContentFile, type JsonSchema } from '../src/bundle.js';
import {
  checkBizContentExamples,
  checkBundleExamples,
  checkSchemaFiles,
  checkServiceFacts,
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

  it('covers every service of the spec with both bizContent schemas', () => {
    const { bundle, files } = realInput();
    const names = files.map((f) => f.relativePath);
    const services = Object.keys(bundle.paths as object)
      .filter((p) => p.startsWith('/services/'))
      .map((p) => p.slice('/services/'.length));
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
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

  it('a service missing from the ServiceName enum, and a name there that is no service', () => {
    const input = realInput();
    const bundle = clone(input.bundle);
    const serviceName = (bundle.components as { schemas: Record<string, JsonSchema> }).schemas.ServiceName!;
    serviceName.enum = [...(serviceName.enum as string[]).filter((name) => name !== 'refundOrder'), 'closeOrders'];
    expect(checkServiceFacts({ ...input, bundle })).toEqual([
      'components.schemas.ServiceName: the enum lacks "refundOrder", which the spec has as a service (/services/<name>); add it',
      'components.schemas.ServiceName: the enum lists "closeOrders", which is no service of the spec',
    ]);
  });
});

describe('the sandbox model (x-codepay-entities, x-codepay-state, x-codepay-sandbox-messages)', () => {
  const withState = (service: string, state: unknown) => {
    const input = realInput();
    const bundle = clone(input.bundle);
    (bundle.paths as Record<string, { post: JsonSchema }>)[`/services/${service}`]!.post['x-codepay-state'] = state;
    return checkServiceFacts({ ...input, bundle });
  };
  const refund = {
    entity: 'order',
    action: 'move',
    key: ['order_sn', 'linkID'],
    from: ['Paid'],
    to: 'RefundSubmitted',
    refusal: 'P0422',
    change: 'order-refunded',
  };

  it('the real spec has a complete model', () => {
    expect(checkServiceFacts(realInput())).toEqual([]);
  });

  it('a service without x-codepay-state', () => {
    expect(withState('getBalance', undefined)).toEqual([
      'getBalance: x-codepay-state: is missing: say which record the service creates, reads, updates, moves or lists, or "none" (see spec/README.md)',
    ]);
  });

  it('an unknown entity, status and refusal code, each named in words', () => {
    expect(withState('refundOrder', { ...refund, entity: 'invoice' })).toContainEqual(
      'refundOrder: x-codepay-state: names the entity "invoice", which components.x-codepay-entities does not declare (it declares payer, order)',
    );
    expect(withState('refundOrder', { ...refund, to: 'Refunded' })).toContainEqual(
      expect.stringMatching(
        /^refundOrder: x-codepay-state: "Refunded" is not a status of an order \(OrderStatus: New, Cancelled/,
      ),
    );
    expect(withState('refundOrder', { ...refund, refusal: 'P9999' })).toEqual([
      'refundOrder: x-codepay-state: refusal is P9999, which has no message in components.schemas.BusinessStatus x-codepay-sandbox-messages',
    ]);
  });

  it('a key that is not a params field, an answer from a field the record lacks, and a move without from', () => {
    const { from: _from, refusal: _refusal, ...noFrom } = refund;
    expect(withState('refundOrder', { ...noFrom, key: ['order_sn', 'linkId'], answer: { message: 'note' } })).toEqual([
      'refundOrder: x-codepay-state: key names "linkId", which is not a field of RefundOrderParams',
      'refundOrder: x-codepay-state: key names "linkId", which is not a field of an order (Order)',
      'refundOrder: x-codepay-state: move needs from: the statuses the record may move from (and a refusal for the others)',
      'refundOrder: x-codepay-state: answer takes "message" from "note", which is not a field of an order',
    ]);
  });

  it('a state change on a service that may be retried, and a step the entity does not have', () => {
    expect(
      withState('getPayer', {
        entity: 'payer',
        action: 'update',
        key: ['email'],
        change: 'payer-updated',
        step: 'card-payment',
      }),
    ).toEqual([
      'getPayer: x-codepay-state: update changes a record, so x-retry must be "unsafe" (never retried automatically)',
      'getPayer: x-codepay-state: step "card-payment" is not a step of a payer (components.x-codepay-entities.payer.steps: none)',
    ]);
  });

  it('a sandbox message missing a language', () => {
    const input = realInput();
    const bundle = clone(input.bundle);
    const status = (bundle.components as { schemas: Record<string, JsonSchema> }).schemas.BusinessStatus!;
    delete (status['x-codepay-sandbox-messages'] as Record<string, Record<string, string>>).P0422!['ja-JP'];
    expect(checkServiceFacts({ ...input, bundle })).toEqual([
      'components.schemas.BusinessStatus x-codepay-sandbox-messages: P0422 has no message in ja-JP',
    ]);
  });
});
