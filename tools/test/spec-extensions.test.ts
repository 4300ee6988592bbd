import { describe, expect, it } from 'vitest';
import { bundleSpec, loadBizContentFiles, type JsonSchema } from '../src/bundle.js';
import { generateRegistry } from '../src/generate-models.js';
import { listServices } from '../src/service-list.js';
import {
  readCurrencyMinorUnits,
  readMoneyLimits,
  readTokenRefusalCodes,
  topLevelProperties,
} from '../src/spec-extensions.js';
import { checkServices, checkSpecExtensions } from '../src/spec-rules.js';

const realBundle = () => bundleSpec();
const schemasOf = (bundle: JsonSchema) => (bundle.components as { schemas: Record<string, JsonSchema> }).schemas;
const operation = (bundle: JsonSchema, service: string) =>
  (bundle.paths as Record<string, { post: JsonSchema }>)[`/services/${service}`]!.post;

describe('x-codepay-* extensions read from the real spec', () => {
  it('x-codepay-echo: the result fields that echo a request field, per service', () => {
    const echo = Object.fromEntries(listServices(realBundle()).map((s) => [s.service, s.echo]));
    expect(echo).toEqual({
      createPayer: ['email'],
      getPayer: ['email'],
      updatePayer: ['payerID', 'email'],
      createOrder: ['order_sn'],
      queryOrder: [],
      queryOrders: [],
      refundOrder: [],
      checkoutOrder: [],
      payOrder: [],
      getBalance: ['currency'],
    });
  });

  it('x-codepay-money: the params fields whose schema is the money schema', () => {
    const money = Object.fromEntries(listServices(realBundle()).map((s) => [s.service, s.moneyFields]));
    expect(money).toMatchObject({ createOrder: ['amount'], getBalance: [], createPayer: [] });
    expect(Object.values(money).flat()).toEqual(['amount']);
  });

  it('x-codepay-minor-units, the money range and x-codepay-token-refusal-codes', () => {
    const bundle = realBundle();
    expect(readCurrencyMinorUnits(bundle)).toEqual({ USD: 2 });
    expect(readMoneyLimits(bundle)).toEqual({ exclusiveMinimum: 0, maximum: 1000000000 });
    expect(readTokenRefusalCodes(bundle)).toEqual(['E01001', 'E01002', 'E01003']);
    expect(checkSpecExtensions({ bundle, files: loadBizContentFiles() })).toEqual([]);
  });

  it("follows $ref to find a result schema's fields (GetPayerResult is only a $ref to Payer)", () => {
    expect(topLevelProperties(realBundle(), 'GetPayerResult')).toContain('email');
  });

  it('generates all of them into the registry', () => {
    const bundle = realBundle();
    const { content } = generateRegistry(listServices(bundle), bundle);
    expect(content).toContain("    echo: ['payerID', 'email'],\n    moneyFields: [],");
    expect(content).toContain("    echo: ['order_sn'],\n    moneyFields: ['amount'],");
    expect(content).toContain('export const currencyMinorUnits: { readonly [currency: string]: number } = { USD: 2 };');
    expect(content).toContain('= { exclusiveMinimum: 0, maximum: 1000000000 };');
    expect(content).toContain("export const tokenRefusalCodes: readonly string[] = ['E01001', 'E01002', 'E01003'];");
  });
});

describe('extensions that contradict the spec fail generation and spec:check', () => {
  const expectRefused = (bundle: JsonSchema, message: RegExp) => {
    expect(() => listServices(bundle)).toThrow(message);
    expect(checkServices({ bundle, files: loadBizContentFiles() }).join('\n')).toMatch(message);
  };

  it('an echo field missing from the result', () => {
    const bundle = realBundle();
    operation(bundle, 'refundOrder')['x-codepay-echo'] = ['order_sn'];
    expectRefused(
      bundle,
      /refundOrder: x-codepay-echo names "order_sn", which must be a top-level field of both RefundOrderParams and RefundOrderResult/,
    );
  });

  it('an echo field missing from the request', () => {
    const bundle = realBundle();
    operation(bundle, 'getBalance')['x-codepay-echo'] = ['balance'];
    expectRefused(bundle, /getBalance: x-codepay-echo names "balance"/);
  });

  it('a service without x-codepay-echo (the decision must be stated, [] for none)', () => {
    const bundle = realBundle();
    delete operation(bundle, 'queryOrder')['x-codepay-echo'];
    expectRefused(bundle, /x-codepay-echo must list the result fields/);
  });

  it('a money field in a service whose currency has no minor units', () => {
    const bundle = realBundle();
    const params = schemasOf(bundle).GetBalanceParams!;
    (params.properties as Record<string, JsonSchema>).fee = { $ref: '#/components/schemas/Amount' };
    expectRefused(
      bundle,
      /getBalance: has money fields \(fee\) but no top-level "currency" field whose schema has x-codepay-minor-units/,
    );
  });

  it.each([
    [
      'a currency of the enum without minor units',
      (currency: JsonSchema) => (currency.enum = ['USD', 'EUR']),
      /no entry for EUR of the enum/,
    ],
    [
      'minor units for a currency outside the enum',
      (currency: JsonSchema) => (currency['x-codepay-minor-units'] = { USD: 2, JPY: 0 }),
      /JPY is not in the enum/,
    ],
    [
      'a fractional number of decimal places',
      (currency: JsonSchema) => (currency['x-codepay-minor-units'] = { USD: 2.5 }),
      /USD must have a whole, non-negative number/,
    ],
  ])('%s', (_label, edit, message) => {
    const bundle = realBundle();
    edit(schemasOf(bundle).Currency!);
    expect(() => readCurrencyMinorUnits(bundle)).toThrow(message);
    expect(() => generateRegistry(listServices(bundle), bundle)).toThrow(message);
    expect(checkSpecExtensions({ bundle, files: [] }).join('\n')).toMatch(message);
  });

  it('a token refusal code that x-codepay-error-codes does not list', () => {
    const bundle = realBundle();
    schemasOf(bundle).GatewayErrorBody!['x-codepay-token-refusal-codes'] = ['E01001', 'E09999'];
    const message = /x-codepay-token-refusal-codes lists E09999, which x-codepay-error-codes does not/;
    expect(() => generateRegistry(listServices(bundle), bundle)).toThrow(message);
    expect(checkSpecExtensions({ bundle, files: [] }).join('\n')).toMatch(message);
  });

  it('a money schema without a maximum', () => {
    const bundle = realBundle();
    delete schemasOf(bundle).Amount!.maximum;
    expect(() => readMoneyLimits(bundle)).toThrow(/a money schema needs a non-negative "maximum"/);
  });
});
