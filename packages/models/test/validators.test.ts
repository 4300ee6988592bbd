import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  currencyMinorUnits,
  moneyLimits,
  serviceNames,
  services,
  tokenRefusalCodes,
  validatePaymentOrderStatusNotification,
  type ServiceName,
} from '../src/index.js';

const specDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../spec/bizcontent');
const examplesOf = (file: string): unknown[] => JSON.parse(readFileSync(path.join(specDir, file), 'utf8')).examples;

// A valid typical payload per service: the first example of its request schema.
const valid = (service: ServiceName) =>
  structuredClone(examplesOf(`${service}.request.json`)[0]) as Record<string, unknown>;

type Case = [label: string, edit: (p: Record<string, unknown>) => void, instancePath: string, keyword: string];

const missing = (field: string): Case => [`missing ${field}`, (p) => delete p[field], '', 'required'];
const unknownKey: Case = ['an unknown key', (p) => (p.unexpected = 1), '', 'additionalProperties'];
const emoji = (field: string): Case => [
  `an emoji in ${field}`,
  (p) => (p[field] = `Pe\u{1F600}ter`),
  `/${field}`,
  'pattern',
];

const invalid: Record<ServiceName, Case[]> = {
  createPayer: [
    missing('firstName'),
    missing('country'),
    unknownKey,
    emoji('firstName'),
    emoji('lastName'),
    ['areaCode as text with a leading zero', (p) => (p.areaCode = '0852'), '/areaCode', 'pattern'],
    ['phone as a number (createPayer documents text)', (p) => (p.phone = 98765432), '/phone', 'type'],
    ['phone with letters', (p) => (p.phone = '9876-ABC'), '/phone', 'pattern'],
    ['an empty email', (p) => (p.email = ''), '/email', 'minLength'],
    ['punctuation in address', (p) => (p.address = 'Flat 1, Hong Kong'), '/address', 'pattern'],
    ['an address over 255 characters', (p) => (p.address = 'a'.repeat(256)), '/address', 'maxLength'],
    ['an empty city', (p) => (p.city = ''), '/city', 'minLength'],
  ],
  getPayer: [missing('email'), unknownKey, ['an empty email', (p) => (p.email = ''), '/email', 'minLength']],
  updatePayer: [
    missing('payerID'),
    unknownKey,
    emoji('firstName'),
    ['payerID above Number.MAX_SAFE_INTEGER', (p) => (p.payerID = 2 ** 53), '/payerID', 'maximum'],
    ['payerID as text with a letter', (p) => (p.payerID = '15777A'), '/payerID', 'pattern'],
    ['a fractional payerID', (p) => (p.payerID = 1.5), '/payerID', 'type'],
    ['phone as text with a dash', (p) => (p.phone = '9876-5432'), '/phone', 'pattern'],
  ],
  createOrder: [
    missing('order_sn'),
    missing('amount'),
    missing('domain'),
    unknownKey,
    emoji('description'),
    emoji('product'),
    ['a currency other than USD', (p) => (p.currency = 'EUR'), '/currency', 'enum'],
    ['an unknown purpose', (p) => (p.purposeOfTransaction = 'GIFTS'), '/purposeOfTransaction', 'enum'],
    ['amount as a boolean', (p) => (p.amount = true), '/amount', 'type'],
    ['a zero amount', (p) => (p.amount = 0), '/amount', 'exclusiveMinimum'],
    ['an amount above one billion', (p) => (p.amount = 1000000000.01), '/amount', 'maximum'],
    ['amount text with a sign', (p) => (p.amount = '+99.99'), '/amount', 'pattern'],
    ['amount text with an exponent', (p) => (p.amount = '1e3'), '/amount', 'pattern'],
    ['amount text with a leading zero', (p) => (p.amount = '099.99'), '/amount', 'pattern'],
    ['amount text ending in a point', (p) => (p.amount = '99.'), '/amount', 'pattern'],
    ['amount text that is zero', (p) => (p.amount = '0.00'), '/amount', 'pattern'],
    ['amount text with spaces', (p) => (p.amount = ' 99.99'), '/amount', 'pattern'],
    ['skip3ds as a boolean', (p) => (p.skip3ds = true), '/skip3ds', 'type'],
    ['skip3ds in lower case', (p) => (p.skip3ds = 'true'), '/skip3ds', 'enum'],
    ['an empty domain', (p) => (p.domain = ''), '/domain', 'minLength'],
    ['an empty order_sn', (p) => (p.order_sn = ''), '/order_sn', 'minLength'],
  ],
  queryOrder: [
    missing('linkID'),
    unknownKey,
    ['an empty linkID', (p) => (p.linkID = ''), '/linkID', 'minLength'],
    emoji('order_sn'),
  ],
  queryOrders: [
    missing('startTime'),
    missing('endTime'),
    unknownKey,
    ['page size 0', (p) => (p.pageSize = 0), '/pageSize', 'minimum'],
    ['page size 101', (p) => (p.pageSize = 101), '/pageSize', 'maximum'],
    ['page number 0', (p) => (p.pageNo = 0), '/pageNo', 'minimum'],
    [
      'an ISO date-time instead of yyyy-MM-dd HH:mm:ss',
      (p) => (p.startTime = '2024-01-01T00:00:00Z'),
      '/startTime',
      'pattern',
    ],
    ['month 13', (p) => (p.endTime = '2024-13-01 00:00:00'), '/endTime', 'pattern'],
    ['an unknown status', (p) => (p.status = 'Done'), '/status', 'enum'],
  ],
  refundOrder: [missing('order_sn'), missing('linkID'), unknownKey, emoji('linkID')],
  checkoutOrder: [
    missing('sessionCard'),
    missing('relationship'),
    unknownKey,
    emoji('cardHolderName'),
    ['an undocumented relationship', (p) => (p.relationship = 'NEIGHBOUR'), '/relationship', 'enum'],
    ['an empty card session', (p) => (p.sessionCvc = ''), '/sessionCvc', 'minLength'],
  ],
  payOrder: [
    missing('transactionReference'),
    missing('sessionId'),
    missing('userAgent'),
    unknownKey,
    ['an empty userAgent', (p) => (p.userAgent = ''), '/userAgent', 'minLength'],
  ],
  getBalance: [
    missing('currency'),
    unknownKey,
    ['a lower-case currency', (p) => (p.currency = 'usd'), '/currency', 'pattern'],
  ],
};

describe('service registry', () => {
  it('lists the ten documented services with their virtual path and retry policy', () => {
    expect(serviceNames).toEqual([
      'createPayer',
      'getPayer',
      'updatePayer',
      'createOrder',
      'queryOrder',
      'queryOrders',
      'refundOrder',
      'checkoutOrder',
      'payOrder',
      'getBalance',
    ]);
    const retry = Object.fromEntries(serviceNames.map((s) => [s, services[s].retry]));
    expect(retry).toEqual({
      createPayer: 'unsafe',
      getPayer: 'safe',
      updatePayer: 'unsafe',
      createOrder: 'unsafe',
      queryOrder: 'safe',
      queryOrders: 'safe',
      refundOrder: 'unsafe',
      checkoutOrder: 'unsafe',
      payOrder: 'unsafe',
      getBalance: 'safe',
    });
    for (const s of serviceNames) expect(services[s]).toMatchObject({ service: s, path: `/services/${s}` });
  });

  it('carries the echo fields (x-codepay-echo) and money fields (x-codepay-money) of each service', () => {
    const registry = Object.fromEntries(
      serviceNames.map((s) => [s, { echo: services[s].echo, moneyFields: services[s].moneyFields }]),
    );
    expect(registry).toEqual({
      createPayer: { echo: ['email'], moneyFields: [] },
      getPayer: { echo: ['email'], moneyFields: [] },
      updatePayer: { echo: ['payerID', 'email'], moneyFields: [] },
      createOrder: { echo: ['order_sn'], moneyFields: ['amount'] },
      queryOrder: { echo: [], moneyFields: [] },
      queryOrders: { echo: [], moneyFields: [] },
      refundOrder: { echo: [], moneyFields: [] },
      checkoutOrder: { echo: [], moneyFields: [] },
      payOrder: { echo: [], moneyFields: [] },
      getBalance: { echo: ['currency'], moneyFields: [] },
    });
  });

  it('exports the minor units per currency, the money range and the token refusal codes', () => {
    expect(currencyMinorUnits).toEqual({ USD: 2 });
    expect(moneyLimits).toEqual({ exclusiveMinimum: 0, maximum: 1000000000 });
    expect(tokenRefusalCodes).toEqual(['E01001', 'E01002', 'E01003']);
  });
});

describe.each(serviceNames)('%s validators', (service) => {
  it('accept every example of the request and response schemas', () => {
    for (const example of examplesOf(`${service}.request.json`)) {
      expect(services[service].validateParams(example), JSON.stringify(services[service].validateParams.errors)).toBe(
        true,
      );
    }
    for (const example of examplesOf(`${service}.response.json`)) {
      expect(services[service].validateResult(example), JSON.stringify(services[service].validateResult.errors)).toBe(
        true,
      );
    }
  });

  it.each(invalid[service])('reject params with %s', (_label, edit, instancePath, keyword) => {
    const params = valid(service);
    edit(params);
    const validate = services[service].validateParams;
    expect(validate(params)).toBe(false);
    expect(validate.errors).toEqual(expect.arrayContaining([expect.objectContaining({ instancePath, keyword })]));
  });

  it('tolerate unknown keys in the result (the gateway may add fields)', () => {
    const result = { ...(examplesOf(`${service}.response.json`)[0] as object), addedLater: 'x' };
    expect(services[service].validateResult(result)).toBe(true);
  });
});

describe('amount (money) accepts a number or a plain decimal string', () => {
  it.each([99.99, 0.01, 1000000000, '10.10', '0.5', '1000000000', '7'])('accepts %j', (amount) => {
    const validate = services.createOrder.validateParams;
    expect(validate({ ...valid('createOrder'), amount }), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('result validators read tolerantly', () => {
  it('accept phone as a digit string or an integer in a payer', () => {
    const payer = examplesOf('getPayer.response.json')[0] as Record<string, unknown>;
    expect(services.getPayer.validateResult({ ...payer, phone: 98765432 })).toBe(true);
    expect(services.getPayer.validateResult({ ...payer, phone: '98765432' })).toBe(true);
  });

  it('accept null for optional order fields and requestID as text or a number', () => {
    const page = structuredClone(examplesOf('queryOrders.response.json')[0]) as { orders: Record<string, unknown>[] };
    page.orders[0]!.requestID = 42;
    page.orders[0]!.linkExpiry = null;
    expect(services.queryOrders.validateResult(page)).toBe(true);
  });

  it('reject a balance that is a number instead of decimal text', () => {
    expect(services.getBalance.validateResult({ currency: 'USD', balance: 2024.12 })).toBe(false);
    expect(services.getBalance.validateResult.errors?.[0]).toMatchObject({ instancePath: '/balance', keyword: 'type' });
  });
});

describe('notification validator', () => {
  it('accepts the documented sample and rejects a body without PaymentOrderStatus', () => {
    for (const example of examplesOf('notification/payment-order-status.json')) {
      expect(validatePaymentOrderStatusNotification(example)).toBe(true);
    }
    expect(validatePaymentOrderStatusNotification({ order_sn: 'A' })).toBe(false);
    expect(validatePaymentOrderStatusNotification.errors?.[0]).toMatchObject({ keyword: 'required' });
  });
});
