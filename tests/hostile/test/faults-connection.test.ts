// Faults on the way to the gateway and back: answers slower than the timeout, connections refused, hung up or dropped,
// 5xx bursts. For each: the outcome, the number of attempts (counted at the proxy, where requests arrive), and the
// rule that a state-changing (`unsafe`) service is never sent twice once it may have reached the gateway.
import { describe, expect, it } from 'vitest';
import { ConnectionError, ResponseFormatError, TimeoutError } from '@codepay/sdk';
import { expectSuccess, failureOf, MAX_ATTEMPTS, unsafeServices } from './support/call-observation.js';
import { createHostileClient } from './support/hostile-gateway.js';
import { useFaultGateway } from './support/fault-gateway.js';
import { capturedLog, checkForLeaksAfterAll } from './support/leak-guard.js';
import { closedPortUrl, startHangUpServer } from './support/loopback-server.js';
import { expectTypedFailure } from './support/outcome.js';

checkForLeaksAfterAll();

const faults = useFaultGateway();
const { call, observe } = faults;

const slowerThanTimeout = { timeout: 200, headers: { 'x-mock-scenario': 'slow:1500' } };

it('the unsafe services are the six the contract names (payer and order changes, refunds, the card services)', () => {
  expect(unsafeServices).toEqual([
    'createPayer',
    'updatePayer',
    'createOrder',
    'refundOrder',
    'checkoutOrder',
    'payOrder',
  ]);
});

describe('an answer slower than the timeout', () => {
  it('getBalance (safe) → TimeoutError after every attempt timed out', async () => {
    const observed = await observe(() => call('getBalance', slowerThanTimeout));
    expect(failureOf(observed)).toBeInstanceOf(TimeoutError);
    expect(observed.attempts).toBe(MAX_ATTEMPTS);
  });

  it.each(unsafeServices)('%s (unsafe) → TimeoutError, outcome unknown, sent once', async (service) => {
    const observed = await observe(() => call(service, slowerThanTimeout));
    expect(failureOf(observed)).toMatchObject({ name: 'TimeoutError', outcomeUnknown: true });
    expect(observed.attempts).toBe(1);
  });
});

describe('the connection dies before an answer', () => {
  it('closed port (ECONNREFUSED: certainly never sent) → ConnectionError, retried for every service', async () => {
    const client = faults.gateway.client({ baseUrl: await closedPortUrl(), tokenProvider: async () => 'x' });
    for (const service of ['getBalance', ...unsafeServices] as const) {
      const since = capturedLog.length;
      const error = await expectTypedFailure(call(service, {}, client), ConnectionError);
      expect(error.outcomeUnknown).toBe(false);
      const attempts = capturedLog
        .slice(since)
        .filter((line) => line.message === 'sending' && line.fields?.service === service);
      expect(attempts, service).toHaveLength(MAX_ATTEMPTS);
    }
  });

  it('hung up on connect (the request may have been written) → ConnectionError; getBalance retried, unsafe sent once', async () => {
    const server = await startHangUpServer();
    try {
      const client = createHostileClient({
        ...faults.gateway.mock.clientKeys,
        baseUrl: server.url,
        tokenProvider: async () => 'x',
      });
      for (const service of ['getBalance', ...unsafeServices] as const) {
        const before = server.connections;
        const error = await expectTypedFailure(call(service, {}, client), ConnectionError);
        expect(error.outcomeUnknown).toBe(true);
        expect(server.connections - before, service).toBe(service === 'getBalance' ? MAX_ATTEMPTS : 1);
      }
    } finally {
      await server.close();
    }
  });

  it('getBalance, dropped after the request was read (drop) → ConnectionError after every attempt', async () => {
    const observed = await observe(() => call('getBalance', { headers: { 'x-mock-scenario': 'drop' } }));
    expect(failureOf(observed)).toMatchObject({ name: 'ConnectionError', outcomeUnknown: true });
    expect(observed.attempts).toBe(MAX_ATTEMPTS);
  });

  it('getBalance, dropped once → retried, succeeds on the second attempt', async () => {
    faults.gateway.mock.queueScenario('drop');
    const observed = await observe(() => call('getBalance'));
    expectSuccess(observed);
    expect(observed.attempts).toBe(2);
  });

  it.each(unsafeServices)(
    '%s (unsafe), dropped after the request was read → ConnectionError, outcome unknown, sent once',
    async (service) => {
      faults.gateway.mock.queueScenario('drop', { times: MAX_ATTEMPTS });
      const observed = await observe(() => call(service));
      expect(failureOf(observed)).toMatchObject({ name: 'ConnectionError', outcomeUnknown: true });
      expect(observed.attempts).toBe(1);
    },
  );
});

describe('5xx answers', () => {
  it('getBalance, two 503s with Retry-After: 1, then success → success on the third attempt, each wait honouring Retry-After', async () => {
    faults.gateway.mock.queueScenario('http-503:1', { times: 2 });
    const since = faults.gateway.proxy.arrivals.length;
    const observed = await observe(() => call('getBalance'));
    expectSuccess(observed);
    const times = faults.gateway.proxy.payArrivalsSince(since).map((arrival) => arrival.at);
    expect(times).toHaveLength(3);
    // Backoff alone would be 250–500 ms, then 500–1000 ms; Retry-After says 1 s each time.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(990);
  });

  it.each(unsafeServices)('%s (unsafe), 503 → GatewayError E05030, sent once', async (service) => {
    faults.gateway.mock.queueScenario('http-503:1', { times: MAX_ATTEMPTS });
    const observed = await observe(() => call(service));
    expect(failureOf(observed)).toMatchObject({ name: 'GatewayError', code: 'E05030', httpStatus: 503 });
    expect(observed.attempts).toBe(1);
  });

  it('getBalance, 500 → GatewayError E05000, not retried (500 is not transient)', async () => {
    faults.gateway.mock.queueScenario('http-500');
    const observed = await observe(() => call('getBalance'));
    expect(failureOf(observed)).toMatchObject({ name: 'GatewayError', code: 'E05000', httpStatus: 500 });
    expect(observed.attempts).toBe(1);
  });

  it('getBalance, an HTML 502 page from a load balancer every time → ResponseFormatError after every attempt', async () => {
    faults.gateway.mock.queueScenario('html', { times: MAX_ATTEMPTS });
    const observed = await observe(() => call('getBalance'));
    expect(failureOf(observed)).toBeInstanceOf(ResponseFormatError);
    expect(observed.attempts).toBe(MAX_ATTEMPTS);
  });
});
