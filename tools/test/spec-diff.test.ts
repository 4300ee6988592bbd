import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths.js';
import { specChanges } from '../src/spec-diff.js';

/** A small spec shaped like ours: a virtual operation per service, $refs with sibling keywords, anyOf with null. */
function spec() {
  return {
    openapi: '3.1.0',
    paths: {
      '/services/createPayer': {
        post: {
          'x-service': 'createPayer',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/CreatePayerParams' } } },
          },
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['status', 'data'],
                    properties: {
                      status: { type: 'integer', enum: [0, -1] },
                      data: { anyOf: [{ $ref: '#/components/schemas/Payer' }, { type: 'null' }] },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    webhooks: {
      orderStatus: {
        post: {
          requestBody: {
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['status'],
                  properties: { status: { $ref: '#/components/schemas/OrderStatus' } },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: { type: 'object', required: ['ack'], properties: { ack: { const: 'SUCCESS' } } },
                },
              },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Text: { type: 'string', pattern: '^[^\\u0000]*$' },
        OrderStatus: { type: 'string', enum: ['New', 'Paid'] },
        CreatePayerParams: {
          type: 'object',
          additionalProperties: false,
          required: ['firstName', 'address', 'kind'],
          properties: {
            firstName: { $ref: '#/components/schemas/Text', minLength: 1, description: 'Given name.' },
            address: { type: 'string', maxLength: 512 },
            kind: { type: 'string', enum: ['PERSON', 'COMPANY'] },
            note: { type: 'string' },
          },
        },
        Payer: {
          type: 'object',
          required: ['payerID', 'firstName'],
          properties: {
            payerID: { type: 'integer', minimum: 1 },
            firstName: { type: 'string' },
            status: { $ref: '#/components/schemas/OrderStatus' },
          },
        },
      },
    },
  };
}

type Spec = ReturnType<typeof spec>;
const changed = (edit: (s: Spec) => void) => {
  const after = spec();
  edit(after);
  return specChanges(spec(), after).map((c) => `${c.level} ${c.where}: ${c.message}`);
};
const params = (s: Spec) => s.components.schemas.CreatePayerParams;

describe('spec-level breaking changes (bundled spec at the base vs now)', () => {
  it('finds nothing between a spec and a copy of it, also for the real bundled spec', () => {
    expect(specChanges(spec(), spec())).toEqual([]);
    const real = JSON.parse(readFileSync(path.join(repoRoot, 'spec/dist/openapi.bundled.json'), 'utf8'));
    expect(specChanges(real, structuredClone(real))).toEqual([]);
  });

  it('a narrowed maxLength in a request is major, and says so', () => {
    expect(changed((s) => (params(s).properties.address.maxLength = 255))).toEqual([
      'major createPayer request.address: maxLength 512 → 255 (values accepted before are refused now)',
    ]);
  });

  it('narrowed request constraints through $ref siblings, new patterns and formats are major; wider ones minor', () => {
    expect(changed((s) => (params(s).properties.firstName.minLength = 2))).toEqual([
      'major createPayer request.firstName: minLength 1 → 2 (values accepted before are refused now)',
    ]);
    expect(changed((s) => Object.assign(params(s).properties.note, { format: 'email' }))).toEqual([
      'major createPayer request.note: format (none) → "email" (values accepted before are refused now)',
    ]);
    expect(changed((s) => (params(s).properties.address.maxLength = 1024))).toEqual([
      'minor createPayer request.address: maxLength 512 → 1024 (wider)',
    ]);
  });

  it('a new required request field is major, a new optional one minor, a removed one (closed object) major', () => {
    expect(changed((s) => Object.assign(params(s).properties, { phone: { type: 'string' } }))).toEqual([
      'minor createPayer request.phone: new optional field',
    ]);
    expect(
      changed((s) => {
        Object.assign(params(s).properties, { phone: { type: 'string' } });
        params(s).required.push('phone');
      }),
    ).toEqual(['major createPayer request.phone: new required field: requests without it are refused']);
    expect(changed((s) => params(s).required.push('note'))).toEqual([
      'major createPayer request.note: now required: requests without it are refused',
    ]);
    expect(
      changed((s) => {
        delete (params(s).properties as Record<string, unknown>).note;
      }),
    ).toEqual([
      'major createPayer request.note: field no longer accepted (the object is closed): requests sending it are refused',
    ]);
  });

  it('a removed enum value in a request is major, a new one minor', () => {
    expect(changed((s) => (params(s).properties.kind.enum = ['PERSON']))).toEqual([
      'major createPayer request.kind: no longer accepts "COMPANY" (enum value removed)',
    ]);
    expect(changed((s) => params(s).properties.kind.enum.push('TRUST'))).toEqual([
      'minor createPayer request.kind: now also accepts "TRUST" (new enum value)',
    ]);
  });

  it('results: a removed field or one no longer always there is major; a new field or enum value minor', () => {
    const payer = (s: Spec) => s.components.schemas.Payer;
    expect(
      changed((s) => {
        delete (payer(s).properties as Record<string, unknown>).firstName;
        payer(s).required = ['payerID'];
      }),
    ).toEqual(['major createPayer response 200.data.firstName: result field removed: code reading it breaks']);
    expect(changed((s) => (payer(s).required = ['payerID']))).toEqual([
      'major createPayer response 200.data.firstName: no longer always present in the result',
    ]);
    expect(changed((s) => Object.assign(payer(s).properties, { email: { type: 'string' } }))).toEqual([
      'minor createPayer response 200.data.email: new result field',
    ]);
    expect(changed((s) => s.components.schemas.OrderStatus.enum.push('Refunded'))).toEqual([
      'minor createPayer response 200.data.status: may now also be "Refunded" (new enum value)',
      'minor webhook orderStatus request.status: may now also be "Refunded" (new enum value)',
    ]);
    expect(
      changed((s) => (payer(s).properties.payerID = { type: ['integer', 'string'] as unknown as string, minimum: 1 })),
    ).toEqual([
      'major createPayer response 200.data.payerID: may now be a value of type string: code reading it does not expect that',
    ]);
  });

  it('a removed operation is major, a new one minor', () => {
    expect(changed((s) => delete (s.paths as Record<string, unknown>)['/services/createPayer'])).toEqual([
      'major createPayer: operation removed',
    ]);
    expect(
      changed((s) =>
        Object.assign(s.paths, { '/services/getPayer': { post: { 'x-service': 'getPayer', responses: {} } } }),
      ),
    ).toEqual(['minor getPayer: new operation']);
  });

  it('does not compare descriptions, examples or extensions', () => {
    expect(
      changed((s) => {
        Object.assign(params(s).properties.firstName, {
          description: 'First name.',
          examples: ['Ada'],
          'x-codepay-assumption': true,
        });
      }),
    ).toEqual([]);
  });
});
