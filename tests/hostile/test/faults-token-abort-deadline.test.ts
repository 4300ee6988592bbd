// Faults of time and identity: tokens that expire mid-run or cannot be had, callers that abort, deadlines shorter
// than the retry schedule. For each: the outcome, the number of attempts (counted at the proxy), and the rule that
// a state-changing (`unsafe`) service is never sent twice once it may have reached the gateway.
import { describe, expect, it } from 'vitest';
import { AbortError, AuthenticationError, GatewayError, TimeoutError } from '@codepay/sdk';
import { abortAt, expectSuccess, failureOf, MAX_ATTEMPTS, unsafeServices } from './support/call-observation.js';
import { useFaultGateway } from './support/fault-gateway.js';
import { sampleParams } from './support/sample-params.js';
import { checkForLeaksAfterAll, whenLogged } from './support/leak-guard.js';

checkForLeaksAfterAll();

const faults = useFaultGateway();
const { call, observe } = faults;

describe('tokens', () => {
  it('every token expires mid-run (expireTokens) → each call still succeeds; one new token, one replayed request', async () => {
    const client = faults.gateway.client();
    const tokensBefore = faults.gateway.tokenRequests();
    const since = faults.gateway.proxy.arrivals.length;
    for (let index = 0; index < 10; index++) {
      if (index === 5) faults.gateway.mock.expireTokens();
      await client.balance.get({ currency: 'USD' });
    }
    expect(faults.gateway.tokenRequests() - tokensBefore).toBe(2);
    expect(faults.gateway.proxy.payArrivalsSince(since)).toHaveLength(11);
  });

  it('createOrder (unsafe) right after the token expired → replayed once with a fresh token, processed once', async () => {
    const client = faults.gateway.client();
    await client.balance.get({ currency: 'USD' });
    faults.gateway.mock.expireTokens();
    const params = sampleParams('createOrder');
    const observed = await observe(() => client.orders.create(params as never));
    expectSuccess(observed);
    expect(observed.attempts).toBe(2);
    // The 401 is given before any business processing: the gateway took the order exactly once.
    const received = faults.gateway.mock.requests.filter(
      (entry) => (entry.params as { order_sn?: unknown } | undefined)?.order_sn === params.order_sn,
    );
    expect(received.map((entry) => entry.outcome)).toEqual(['E01003', 'ok']);
  });

  it('refused as expired twice in a row (expired-token) → AuthenticationError after one replay', async () => {
    faults.gateway.mock.queueScenario('expired-token', { times: 2 });
    const observed = await observe(() => call('getBalance'));
    expect(failureOf(observed)).toBeInstanceOf(AuthenticationError);
    expect(observed.attempts).toBe(2);
  });

  it('the token endpoint drops the connection once → the token is asked for again, the call succeeds', async () => {
    faults.gateway.mock.queueScenario('drop', { endpoint: 'token' });
    const tokensBefore = faults.gateway.tokenRequests();
    const observed = await observe(() => call('getBalance', {}, faults.gateway.client()));
    expectSuccess(observed);
    expect(observed.attempts).toBe(1);
    expect(faults.gateway.tokenRequests() - tokensBefore).toBe(2);
  });

  it('the token endpoint answers 503 once → the token is asked for again (nothing was sent), the call succeeds', async () => {
    faults.gateway.mock.queueScenario('http-503:0', { endpoint: 'token' });
    const observed = await observe(() => call('createOrder', {}, faults.gateway.client()));
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

  it.each(['getBalance', ...unsafeServices] as const)(
    '%s, while the gateway is answering → AbortError at once, outcome unknown, sent once',
    async (service) => {
      const arrived = faults.gateway.proxy.nextArrival('pay');
      const observed = await observe(() =>
        abortAt(arrived, (signal) => call(service, { signal, headers: { 'x-mock-scenario': 'slow:5000' } })),
      );
      expect(failureOf(observed)).toMatchObject({ name: 'AbortError', outcomeUnknown: true });
      expect(observed.attempts).toBe(1);
      expect(observed.elapsedMs).toBeLessThan(5000);
    },
  );

  it('getBalance, while waiting to retry after a 503 with Retry-After: 5 → AbortError at once', async () => {
    faults.gateway.mock.queueScenario('http-503:5', { times: MAX_ATTEMPTS });
    const retrying = whenLogged((line) => line.message === 'retrying' && line.fields?.service === 'getBalance');
    const observed = await observe(() => abortAt(retrying, (signal) => call('getBalance', { signal })));
    expect(failureOf(observed)).toBeInstanceOf(AbortError);
    expect(observed.attempts).toBe(1);
    expect(observed.elapsedMs).toBeLessThan(5000);
  });
});

describe('a deadline shorter than the retry schedule', () => {
  it('getBalance, 503 with Retry-After: 5 and a 1 s deadline → the 503 as GatewayError at once, no retry', async () => {
    faults.gateway.mock.queueScenario('http-503:5', { times: MAX_ATTEMPTS });
    const observed = await observe(() => call('getBalance', { deadline: 1000 }));
    expect(failureOf(observed)).toMatchObject({ name: 'GatewayError', code: 'E05030' });
    expect(observed.attempts).toBe(1);
    // Not after the 5 s Retry-After (generous bound: CI machines are busy).
    expect(observed.elapsedMs).toBeLessThan(4000);
  });

  it('getBalance, an answer slower than a 500 ms deadline (timeout 30 s) → TimeoutError at the deadline', async () => {
    const observed = await observe(() =>
      call('getBalance', { deadline: 500, headers: { 'x-mock-scenario': 'slow:5000' } }),
    );
    expect(failureOf(observed)).toBeInstanceOf(TimeoutError);
    expect(observed.attempts).toBe(1);
    expect(observed.elapsedMs).toBeLessThan(5000);
  });

  it.each(unsafeServices)(
    '%s (unsafe), 503 with Retry-After: 0 → GatewayError, sent once even with time to spare',
    async (service) => {
      faults.gateway.mock.queueScenario('http-503:0', { times: MAX_ATTEMPTS });
      const observed = await observe(() => call(service, { deadline: 60_000 }));
      expect(failureOf(observed)).toBeInstanceOf(GatewayError);
      expect(observed.attempts).toBe(1);
    },
  );
});
