// Faults of time and identity: tokens that expire mid-run or cannot be had, callers that abort, deadlines shorter
// than the retry schedule. For each: the outcome, the number of attempts (counted at the proxy), and the rule that
// a state-changing (`unsafe`) service is never sent twice once it may have reached the gateway.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceName } from '@codepay/models';
import { AbortError, AuthenticationError, GatewayError, TimeoutError, type CodePay, type RequestOptions } from '@codepay/sdk';
import { abortAt, expectSuccess, failureOf, MAX_ATTEMPTS, observeCall, unsafeServices } from './support/call-observation.js';
import { startHostileGateway, type HostileGateway } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll, whenLogged } from './support/leak-guard.js';
import { sampleParams } from './support/sample-params.js';

checkForLeaksAfterAll();

let gateway: HostileGateway;
let codepay: CodePay;

beforeAll(async () => {
  gateway = await startHostileGateway();
  codepay = gateway.client();
});
afterEach(async () => {
  // A request a test gave up on must not reach the mock during the next test (and take its queued scenario).
  await gateway.proxy.idle();
  gateway.mock.clearScenarios();
});
afterAll(() => gateway.close());

const call = (service: ServiceName, options: RequestOptions = {}, client = codepay) => client.call(service, sampleParams(service) as never, options);
const observe = (run: () => Promise<unknown>) => observeCall(gateway.proxy, run);

describe('tokens', () => {
  it('every token expires mid-run (expireTokens) → each call still succeeds; one new token, one replayed request', async () => {
    const client = gateway.client();
    const tokensBefore = gateway.tokenRequests();
    const since = gateway.proxy.arrivals.length;
    for (let index = 0; index < 10; index++) {
      if (index === 5) gateway.mock.expireTokens();
      await client.balance.get({ currency: 'USD' });
    }
    expect(gateway.tokenRequests() - tokensBefore).toBe(2);
    expect(gateway.proxy.payArrivalsSince(since)).toHaveLength(11);
  });

  it('createOrder (unsafe) right after the token expired → replayed once with a fresh token, processed once', async () => {
    const client = gateway.client();
    await client.balance.get({ currency: 'USD' });
    gateway.mock.expireTokens();
    const params = sampleParams('createOrder');
    const observed = await observe(() => client.orders.create(params as never));
    expectSuccess(observed);
    expect(observed.attempts).toBe(2);
    // The 401 is given before any business processing: the gateway took the order exactly once.
    const received = gateway.mock.requests.filter((entry) => (entry.params as { order_sn?: unknown } | undefined)?.order_sn === params.order_sn);
    expect(received.map((entry) => entry.outcome)).toEqual(['E01003', 'ok']);
  });

  it('refused as expired twice in a row (expired-token) → AuthenticationError after one replay', async () => {
    gateway.mock.queueScenario('expired-token', { times: 2 });
    const observed = await observe(() => call('getBalance'));
    expect(failureOf(observed)).toBeInstanceOf(AuthenticationError);
    expect(observed.attempts).toBe(2);
  });

  it('the token endpoint drops the connection once → the token is asked for again, the call succeeds', async () => {
    gateway.mock.queueScenario('drop', { endpoint: 'token' });
    const tokensBefore = gateway.tokenRequests();
    const observed = await observe(() => call('getBalance', {}, gateway.client()));
    expectSuccess(observed);
    expect(observed.attempts).toBe(1);
    expect(gateway.tokenRequests() - tokensBefore).toBe(2);
  });

  it('the token endpoint answers 503 once → the token is asked for again (nothing was sent), the call succeeds', async () => {
    gateway.mock.queueScenario('http-503:0', { endpoint: 'token' });
    const observed = await observe(() => call('createOrder', {}, gateway.client()));
    expectSuccess(observed);
    expect(observed.attempts).toBe(1);
  });
});

describe('the caller aborts', () => {
  it('before the call → AbortError, nothing sent', async () => {
    const observed = await observe(() => call('getBalance', { signal: AbortSignal.abort() }));
    expect(failureOf(observed)).toBeInstanceOf(AbortError);
    expect(observed.attempts).toBe(0);
  });

  it.each(['getBalance', ...unsafeServices] as const)('%s, while the gateway is answering → AbortError at once, outcome unknown, sent once', async (service) => {
    const arrived = gateway.proxy.nextArrival('pay');
    const observed = await observe(() => abortAt(arrived, (signal) => call(service, { signal, headers: { 'x-mock-scenario': 'slow:5000' } })));
    expect(failureOf(observed)).toMatchObject({ name: 'AbortError', outcomeUnknown: true });
    expect(observed.attempts).toBe(1);
    expect(observed.elapsedMs).toBeLessThan(5000);
  });

  it('getBalance, while waiting to retry after a 503 with Retry-After: 5 → AbortError at once', async () => {
    gateway.mock.queueScenario('http-503:5', { times: MAX_ATTEMPTS });
    const retrying = whenLogged((line) => line.message === 'retrying' && line.fields?.service === 'getBalance');
    const observed = await observe(() => abortAt(retrying, (signal) => call('getBalance', { signal })));
    expect(failureOf(observed)).toBeInstanceOf(AbortError);
    expect(observed.attempts).toBe(1);
    expect(observed.elapsedMs).toBeLessThan(5000);
  });
});

describe('a deadline shorter than the retry schedule', () => {
  it('getBalance, 503 with Retry-After: 5 and a 1 s deadline → the 503 as GatewayError at once, no retry', async () => {
    gateway.mock.queueScenario('http-503:5', { times: MAX_ATTEMPTS });
    const observed = await observe(() => call('getBalance', { deadline: 1000 }));
    expect(failureOf(observed)).toMatchObject({ name: 'GatewayError', code: 'E05030' });
    expect(observed.attempts).toBe(1);
    // Not after the 5 s Retry-After (generous bound: CI machines are busy).
    expect(observed.elapsedMs).toBeLessThan(4000);
  });

  it('getBalance, an answer slower than a 500 ms deadline (timeout 30 s) → TimeoutError at the deadline', async () => {
    const observed = await observe(() => call('getBalance', { deadline: 500, headers: { 'x-mock-scenario': 'slow:5000' } }));
    expect(failureOf(observed)).toBeInstanceOf(TimeoutError);
    expect(observed.attempts).toBe(1);
    expect(observed.elapsedMs).toBeLessThan(5000);
  });

  it.each(unsafeServices)('%s (unsafe), 503 with Retry-After: 0 → GatewayError, sent once even with time to spare', async (service) => {
    gateway.mock.queueScenario('http-503:0', { times: MAX_ATTEMPTS });
    const observed = await observe(() => call(service, { deadline: 60_000 }));
    expect(failureOf(observed)).toBeInstanceOf(GatewayError);
    expect(observed.attempts).toBe(1);
  });
});
