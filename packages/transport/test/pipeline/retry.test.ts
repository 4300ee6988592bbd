import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, ConnectionError, GatewayError, TimeoutError } from '../../src/errors.js';
import { markNotRetriable } from '../../src/http/http-errors.js';
import type { EnvelopeRequest, EnvelopeResponse, SendNext } from '../../src/pipeline/policy.js';
import { backoffDelay, parseRetryAfter, retryPolicy } from '../../src/pipeline/retry.js';
import { capturingLogger, type CapturedLine } from '../support/capture-logger.js';
import { errorBody, ok, startLoopbackGateway, useLoopbackGateway } from '../support/loopback-gateway.js';
import { httpAnswer, stubRequest } from '../support/stub-pipeline.js';
import { balanceParams, orderParams, orderResult, testClient } from '../support/test-client.js';

const balance = { currency: 'USD', balance: '2024.12' };

describe('retry policy', () => {
  const gateway = useLoopbackGateway();
  beforeEach(() => {
    gateway.calls.length = 0;
  });

  // How long it waits is the unit tests' business (below, on fake timers): here Retry-After is 0, nothing sleeps.
  it('retries a safe service after 503 with Retry-After, then succeeds', async () => {
    gateway.handle(async (_call, index) =>
      index < 2
        ? { status: 503, body: await errorBody('E05030', 'Unavailable'), headers: { 'retry-after': '0' } }
        : ok(balance),
    );
    const result = await testClient(gateway).call('getBalance', balanceParams);
    expect(result.data).toEqual(balance);
    expect(gateway.calls).toHaveLength(3);
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

// The policy alone, with a stubbed `next` and fake timers: what it decides and how long it waits, without sleeping.
describe('retry policy with a stubbed next', () => {
  const lines: CapturedLine[] = [];
  // Jitter fixed at its top: each backoff is the full step, 500 ms, 1 s, 2 s…
  const policy = (maxRetries = 3) => retryPolicy({ maxRetries, logger: capturingLogger(lines), random: () => 1 });
  /** A `next` answering from `script`, one entry per attempt (an Error rejects), recording the attempt numbers. */
  function scripted(...script: (EnvelopeResponse | Error)[]): SendNext & { attempts: number[] } {
    const attempts: number[] = [];
    const next = (request: EnvelopeRequest) => {
      attempts.push(request.attempt);
      const step = script[attempts.length - 1] ?? script.at(-1)!;
      return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
    };
    return Object.assign(next, { attempts });
  }
  const sentUnknown = () =>
    new ConnectionError('reset after the body was written', { service: 'x', outcomeUnknown: true });
  const neverSent = () => new ConnectionError('ECONNREFUSED', { service: 'x', outcomeUnknown: false });
  const unavailable = (headers: Record<string, string> = {}) => httpAnswer(503, headers);
  const fine = httpAnswer(200);
  /** Runs the policy to its end on the fake clock: the answer it returned or the error it threw. */
  async function runToEnd(request: EnvelopeRequest, next: SendNext, maxRetries?: number): Promise<unknown> {
    const call = policy(maxRetries)
      .sendRequest(request, next)
      .catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    return call;
  }

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    lines.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('backs off exponentially between attempts (500 ms, 1 s, 2 s with this jitter) and returns the answer that ends it', async () => {
    const next = scripted(unavailable(), unavailable(), unavailable(), fine);
    const call = policy().sendRequest(stubRequest('getBalance'), next);
    for (const wait of [500, 1000, 2000]) {
      const before = next.attempts.length;
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(next.attempts).toHaveLength(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(next.attempts).toHaveLength(before + 1);
    }
    await expect(call).resolves.toBe(fine);
    expect(next.attempts).toEqual([0, 1, 2, 3]);
    expect(lines.filter((l) => l.message === 'retrying').map((l) => [l.fields?.reason, l.fields?.delayMs])).toEqual([
      ['HTTP 503', 500],
      ['HTTP 503', 1000],
      ['HTTP 503', 2000],
    ]);
  });

  it('after maxRetries returns the last answer as it came, for the answer phase to turn into an error', async () => {
    const last = unavailable();
    const next = scripted(unavailable(), last);
    expect(await runToEnd(stubRequest('getBalance'), next, 1)).toBe(last);
    expect(next.attempts).toEqual([0, 1]);
  });

  it('waits what Retry-After says instead of the backoff, in seconds or as an HTTP date', async () => {
    const seconds = scripted(unavailable({ 'retry-after': '3' }), fine);
    const call = policy().sendRequest(stubRequest('getBalance'), seconds);
    await vi.advanceTimersByTimeAsync(2999);
    expect(seconds.attempts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).resolves.toBe(fine);

    // An HTTP date names whole seconds: the clock is set to one, so the date is exactly 7 s away.
    vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, 0));
    const date = scripted(unavailable({ 'retry-after': new Date(Date.now() + 7000).toUTCString() }), fine);
    const dated = policy().sendRequest(stubRequest('getBalance'), date);
    await vi.advanceTimersByTimeAsync(6999);
    expect(date.attempts).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    await expect(dated).resolves.toBe(fine);
  });

  it('never repeats an unsafe service the server answered, nor one whose request may have reached it', async () => {
    const answered = scripted(unavailable(), fine);
    expect(await runToEnd(stubRequest('createOrder'), answered)).toMatchObject({ http: { status: 503 } });
    expect(answered.attempts).toEqual([0]);

    const failure = sentUnknown();
    const lost = scripted(failure, fine);
    expect(await runToEnd(stubRequest('createOrder'), lost)).toBe(failure);
    expect(lost.attempts).toEqual([0]);
  });

  it('repeats a safe service whose request may have reached the server, and any service whose request never left', async () => {
    const safe = scripted(sentUnknown(), fine);
    expect(await runToEnd(stubRequest('getBalance'), safe)).toBe(fine);
    expect(safe.attempts).toEqual([0, 1]);

    const unsafe = scripted(
      neverSent(),
      new TimeoutError('connect timed out', { timeoutMs: 10, outcomeUnknown: false }),
      fine,
    );
    expect(await runToEnd(stubRequest('createOrder'), unsafe)).toBe(fine);
    expect(unsafe.attempts).toEqual([0, 1, 2]);
    expect(lines.filter((l) => l.message === 'retrying').map((l) => l.fields?.reason)).toEqual([
      'ConnectionError',
      'ConnectionError before the request was sent',
      'TimeoutError before the request was sent',
    ]);
  });

  it('does not repeat a failure no retry can fix, nor one that is not a connection failure', async () => {
    for (const failure of [
      markNotRetriable(neverSent()),
      new GatewayError('refused', { code: 'E05000', msg: 'x' }),
      new TypeError('bug'),
    ]) {
      const next = scripted(failure, fine);
      expect(await runToEnd(stubRequest('getBalance'), next)).toBe(failure);
      expect(next.attempts).toEqual([0]);
    }
  });

  it('does not wait past the deadline: a backoff that would end after it gives the answer at once', async () => {
    const request = stubRequest('getBalance', {}, { deadlineAt: performance.now() + 1500 });
    const last = unavailable();
    const next = scripted(unavailable(), last);
    const call = policy().sendRequest(request, next);
    // 500 ms fits before the deadline; the next wait (1 s) would not.
    await vi.advanceTimersByTimeAsync(500);
    await expect(call).resolves.toBe(last);
    expect(next.attempts).toEqual([0, 1]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an abort while waiting to retry ends the call at once with an AbortError, the timer cleared', async () => {
    const controller = new AbortController();
    const next = scripted(unavailable(), fine);
    const call = policy().sendRequest(stubRequest('getBalance', {}, { signal: controller.signal }), next);
    const settled = call.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error('user left'));
    const error = await settled;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toEqual(new Error('user left'));
    expect(next.attempts).toEqual([0]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the psn of a retried error body is kept on the request for the log lines, though not yet verified', async () => {
    const request = stubRequest('getBalance');
    await runToEnd(request, scripted(httpAnswer(503, {}, '{"code":"E05030","msg":"x","psn":"PSN-503"}'), fine));
    expect(request.psn).toBe('PSN-503');
    expect(lines.find((l) => l.message === 'retrying')?.fields).toMatchObject({
      psn: 'PSN-503',
      attempt: 0,
      nextAttempt: 1,
    });
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
