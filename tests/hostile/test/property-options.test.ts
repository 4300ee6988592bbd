// Property 6b: any value at all for any option — from plain JavaScript, a config file or an environment variable —
// makes createCodePay either return a client or throw a ConfigurationError naming that option; per-call options
// likewise reject the call with a ConfigurationError naming the option before anything is sent. Never a raw
// TypeError from inside the SDK (fast-check favours the values that cause them: objects with their own `toString`
// or `__proto__` keys, null prototypes, -0, NaN, huge numbers, lone surrogates).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockGatewayKeys } from '@codepay/mock';
import {
  type ConfigurationError,
  isCodePayError,
  type CodePay,
  type CodePayOptions,
  type RequestOptions,
} from '@codepay/sdk';
import { createHostileClient, generateRegisteredKeys, validOptions } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { settle } from './support/outcome.js';
import { propertyRuns } from './support/property-runs.js';
import { startScriptedGateway, type ScriptedGateway } from './support/scripted-gateway.js';

checkForLeaksAfterAll({ expectLogLines: false });

const OPTIONS = [
  'baseUrl',
  'environment',
  'appId',
  'merchantPrivateKey',
  'merchantPublicKey',
  'platformPublicKey',
  'aesKey',
  'language',
  'timeout',
  'deadline',
  'maxRetries',
  'fetch',
  'ca',
  'logger',
  'logLevel',
  'tokenProvider',
  'proxy',
  'maxSockets',
  'idleSocketTimeout',
  'tracerProvider',
] as const satisfies ReadonlyArray<keyof CodePayOptions>;
const CALL_OPTIONS = ['signal', 'timeout', 'deadline', 'headers'] as const satisfies ReadonlyArray<
  keyof RequestOptions
>;

/** Any value, weighted towards the shapes that break careless code. */
const anyValue = fc.oneof(
  fc.anything({
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
  }),
  fc.constantFrom(
    null,
    undefined,
    '',
    ' ',
    0,
    -0,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    2 ** 31,
    -1,
    true,
    [],
    {},
    () => 'x',
    Symbol('s'),
  ),
);

let keys: MockGatewayKeys;
let gateway: ScriptedGateway;
let client: CodePay;

beforeAll(async () => {
  keys = await generateRegisteredKeys('options property');
  // Answers HTTP 500 to whatever is sent; its client uses a fixed token and does not retry.
  gateway = await startScriptedGateway(keys);
  client = gateway.client();
});
afterAll(() => gateway.close());

describe('any value for an option: a client or a ConfigurationError naming it, never a raw error', () => {
  it('createCodePay', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPTIONS), anyValue, (option, value) => {
        const options = { ...validOptions(keys), [option]: value } as CodePayOptions;
        // `environment` is the alternative to `baseUrl`: test it alone.
        if (option === 'environment') delete options.baseUrl;
        let failure: unknown;
        try {
          createHostileClient(options);
        } catch (error) {
          failure = error;
        }
        if (failure === undefined) return;
        expect(isCodePayError(failure, 'ConfigurationError'), `${option}: ${String(failure)}`).toBe(true);
        // Without either, the missing one is baseUrl.
        expect((failure as ConfigurationError).option).toBe(
          option === 'environment' && value === undefined ? 'baseUrl' : option,
        );
      }),
      // Found by this property: JSON.stringify of a BigInt in the logLevel message threw a TypeError.
      {
        numRuns: propertyRuns(400),
        examples: [
          ['logLevel', { '': 0n }],
          ['maxRetries', { toString: {} }],
          ['environment', 'toString'],
        ],
      },
    );
  });

  it('per call: the call fails with a ConfigurationError naming the option, or is sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALL_OPTIONS), anyValue, async (option, value) => {
        const connectionsBefore = gateway.server.connections;
        const outcome = await settle(client.balance.get({ currency: 'USD' }, { [option]: value } as RequestOptions));
        expect(outcome.ok).toBe(false);
        const failure = outcome.ok ? undefined : outcome.error;
        expect(isCodePayError(failure), `${option}: ${String(failure)}`).toBe(true);
        if (isCodePayError(failure, 'ConfigurationError')) {
          expect(failure.option).toBe(option);
          expect(gateway.server.connections).toBe(connectionsBefore);
        }
      }),
      // Found by this property: a `signal` that was not an AbortSignal left a request whose socket error went unhandled.
      {
        numRuns: propertyRuns(200),
        examples: [
          ['signal', {}],
          ['deadline', { valueOf: {} }],
        ],
      },
    );
  });

  it("any value as a method's params: a ValidationError with nothing sent, or a typed outcome", async () => {
    const methods: Record<string, (params: never) => Promise<unknown>> = {
      'payers.create': (params) => client.payers.create(params),
      'payers.get': (params) => client.payers.get(params),
      'payers.update': (params) => client.payers.update(params),
      'orders.create': (params) => client.orders.create(params),
      'orders.get': (params) => client.orders.get(params),
      'orders.refund': (params) => client.orders.refund(params),
      'orders.list().page()': (params) => client.orders.list(params).page(),
      'balance.get': (params) => client.balance.get(params),
      'call(getBalance)': (params) => client.call('getBalance', params),
      // The service name itself from plain JavaScript: inherited names ("constructor") once threw a TypeError.
      'call(<value>, {})': (service) => client.call(service, {} as never),
      'prepare(<value>, {})': (service) => client.prepare(service, {} as never),
      'prepare(createOrder)': (params) => client.prepare('createOrder', params),
      // Not params, but the same promise to a caller: whatever is passed in, a typed error.
      'notifications.verifyAndDecrypt': (body) => client.notifications.verifyAndDecrypt(body),
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(methods)), anyValue, async (method, value) => {
        const connectionsBefore = gateway.server.connections;
        let outcome: Awaited<ReturnType<typeof settle>>;
        try {
          outcome = await settle(methods[method]!(value as never));
        } catch (thrown) {
          // A method must reject, never throw synchronously.
          expect.fail(`${method} threw synchronously: ${String(thrown)}`);
        }
        expect(outcome.ok).toBe(false);
        const failure = outcome.ok ? undefined : outcome.error;
        expect(isCodePayError(failure), `${method}: ${String(failure)}`).toBe(true);
        if (isCodePayError(failure, 'ValidationError')) expect(gateway.server.connections).toBe(connectionsBefore);
      }),
      // Found by this property: orders.list(null) threw a TypeError synchronously instead of failing its first page.
      {
        numRuns: propertyRuns(300),
        examples: [
          ['orders.list().page()', null],
          ['orders.list().page()', 'text'],
          ['payers.create', []],
          ['call(<value>, {})', 'constructor'],
          ['prepare(<value>, {})', 'toString'],
        ],
      },
    );
  });
});
