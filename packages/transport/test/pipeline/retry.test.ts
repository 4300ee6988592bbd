import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError, GatewayError, TimeoutError } from '../../src/errors.js';
import { backoffDelay, parseRetryAfter } from '../../src/pipeline/retry.js';
import { errorBody, ok, startLoopbackGateway, useLoopbackGateway } from '../support/loopback-gateway.js';
import { balanceParams, orderParams, orderResult, testClient } from '../support/test-client.js';

const balance = { currency: 'USD', balance: '2024.12' };

describe('retry policy', () => {
  const gateway = useLoopbackGateway();
  beforeEach(() => {
    gateway.calls.length = 0;
  });

  it('retries a safe service after 503 with Retry-After, then succeeds', async () => {
    const started = Date.now();
    gateway.handle(async (_call, index) =>
      index < 2
        ? { status: 503, body: await errorBody('E05030', 'Unavailable'), headers: { 'retry-after': '0.2' } }
        : ok(balance),
    );
    const result = await testClient(gateway).call('getBalance', balanceParams);
    expect(result.data).toEqual(balance);
    expect(gateway.calls).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('gives up after maxRetries and surfaces the last gateway error with its HTTP status', async () => {
    gateway.handle(async () => ({
      status: 502,
      body: await errorBody('E05000', 'Bad gateway'),
      headers: { 'retry-after': '0' },
    }));
    const error = await testClient(gateway, { maxRetries: 1 })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'E05000', httpStatus: 502 });
    expect(gateway.calls).toHaveLength(2);
  });

  it('never repeats an unsafe service that the server answered with 503', async () => {
    gateway.handle(async () => ({
      status: 503,
      body: await errorBody('E05030', 'Unavailable'),
      headers: { 'retry-after': '0' },
    }));
    const error = await testClient(gateway)
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(gateway.calls).toHaveLength(1);
  });

  it('does not retry an unsafe call whose connection dropped after the body was sent; the error names service and order', async () => {
    gateway.handle(() => ({ drop: true }));
    const error = await testClient(gateway)
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: true, service: 'createOrder' });
    expect((error as Error).message).toMatch(/outcome is unknown/);
    expect((error as Error).message).toContain('order_sn ABC123456789');
    expect(gateway.calls).toHaveLength(1);
  });

  it('retries a safe call whose connection dropped', async () => {
    gateway.handle((_call, index) => (index === 0 ? { drop: true } : ok(balance)));
    await expect(testClient(gateway).call('getBalance', balanceParams)).resolves.toMatchObject({ data: balance });
    expect(gateway.calls).toHaveLength(2);
  });

  it('retries an unsafe call when the connection was refused (nothing was sent)', async () => {
    // A port nobody listens on: the first attempt is refused; the token request is refused too, so nothing is sent.
    const closed = await startLoopbackGateway();
    const url = closed.url;
    await closed.close();
    const error = await testClient({ url }, { maxRetries: 2 })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('stops at the deadline instead of waiting out a long Retry-After', async () => {
    gateway.handle(async () => ({
      status: 503,
      body: await errorBody('E05030', 'Unavailable'),
      headers: { 'retry-after': '30' },
    }));
    const started = Date.now();
    const error = await testClient(gateway, { deadline: 1_000 })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(gateway.calls).toHaveLength(1);
  });

  it('a per-attempt timeout on a safe call is retried; on the last attempt it is a TimeoutError', async () => {
    gateway.handle(() => ({ delayMs: 400, then: ok(balance) }));
    const error = await testClient(gateway, { timeout: 150, maxRetries: 1 })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs: 150, outcomeUnknown: true });
    expect(gateway.calls).toHaveLength(2);
  });

  it('an unsafe call that times out is not retried', async () => {
    gateway.handle(() => ({ delayMs: 400, then: ok(orderResult) }));
    const error = await testClient(gateway, { timeout: 150 })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(gateway.calls).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('reads Retry-After as seconds or an HTTP date, capped at a minute', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('3600')).toBe(60_000);
  });

  it('grows exponentially with jitter in [step/2, step], capped at 8 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    expect(backoffDelay(10, () => 1)).toBe(8000);
  });
});
