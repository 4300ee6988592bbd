import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, AuthenticationError, ResponseFormatError, TimeoutError } from '../../src/errors.js';
import { refreshMargin } from '../../src/token/token-manager.js';
import { errorBody, ok, useLoopbackGateway } from '../support/loopback-gateway.js';
import { balanceParams, orderParams, testClient } from '../support/test-client.js';

const balance = { currency: 'USD', balance: '2024.12' };

describe('TokenManager', () => {
  const gateway = useLoopbackGateway();
  beforeEach(() => {
    gateway.tokenRequests = 0;
    gateway.tokenTtlSeconds = 7200;
    gateway.handle(() => ok(balance));
  });

  it('200 concurrent calls with an empty cache make exactly one token request', async () => {
    const client = testClient(gateway);
    const results = await Promise.all(Array.from({ length: 200 }, () => client.call('getBalance', balanceParams)));
    expect(results).toHaveLength(200);
    expect(gateway.tokenRequests).toBe(1);
    expect(client.tokenRequests).toBe(1);
  });

  it('a token expiring mid-run causes exactly one refresh, before the gateway refuses it', async () => {
    gateway.tokenTtlSeconds = 1;
    const client = testClient(gateway);
    const calls = gateway.calls.length;
    const started = Date.now();
    // Waves of concurrent calls for ~1.5 s: the 1 s token is refreshed once (at 0.9 s), and no call ever gets a 401.
    while (Date.now() - started < 1_500) {
      await Promise.all(Array.from({ length: 20 }, () => client.call('getBalance', balanceParams)));
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(gateway.tokenRequests).toBe(2);
    const replays = gateway.calls.length - calls;
    expect(replays % 20).toBe(0); // no call was replayed after a 401
  });

  it('refreshes 10% of the lifetime before expiry, at most a minute early', () => {
    expect(refreshMargin(1_000)).toBe(100);
    expect(refreshMargin(7_200_000)).toBe(60_000);
  });

  it('the token request is signed over appId=…&timestamp=… (the gateway verifies it)', async () => {
    await testClient(gateway).call('getBalance', balanceParams);
    expect(gateway.tokenRequests).toBe(1);
  });

  it('a refused token request is an AuthenticationError with the gateway code; nothing was sent', async () => {
    const before = gateway.calls.length;
    const { generateKeyPairSync } = await import('node:crypto');
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const error = await testClient(gateway, { merchantPrivateKey: otherKey })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'E01012', httpStatus: 401 });
    expect(gateway.calls.length).toBe(before);
  });

  describe('against a slow token endpoint', () => {
    let slow: ReturnType<typeof createServer>;
    let url: string;
    beforeAll(async () => {
      slow = createServer((req, res) => {
        req.resume();
        setTimeout(
          async () =>
            res.writeHead(401, { 'content-type': 'application/json' }).end(await errorBody('E01010', 'Unknown appId')),
          500,
        );
      });
      await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      slow.closeAllConnections();
      slow.close();
    });

    it('obeys the caller abort signal while waiting for the token', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const error = await testClient({ url })
        .call('getBalance', balanceParams, { signal: controller.signal })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect(error).toMatchObject({ outcomeUnknown: false });
    });

    it('obeys the call deadline while waiting for the token', async () => {
      const started = Date.now();
      const error = await testClient({ url }, { deadline: 150 })
        .call('getBalance', balanceParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(Date.now() - started).toBeLessThan(450);
    });

    it('obeys the per-attempt timeout for the token request', async () => {
      const error = await testClient({ url }, { timeout: 100, maxRetries: 0 })
        .call('getBalance', balanceParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/token request.*The call itself was not sent/);
    });
  });

  describe('against a stalled token endpoint (issue 15, finding 4)', () => {
    let stalled: ReturnType<typeof createServer>;
    let url: string;
    beforeAll(async () => {
      stalled = createServer((req) => req.resume());
      await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      stalled.closeAllConnections();
      stalled.close();
    });

    it("the call's own timeout limits the wait for the token (300 ms asked, the client's 2 s not waited)", async () => {
      const started = performance.now();
      const error = await testClient({ url }, { timeout: 2_000, maxRetries: 0 })
        .call('createOrder', orderParams, { timeout: 300 })
        .catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error).toMatchObject({ outcomeUnknown: false, timeoutMs: 300 });
      expect((error as Error).message).toMatch(
        /token request got no answer within the per-attempt timeout \(300 ms\)\. The call itself was not sent/,
      );
      expect(elapsed).toBeLessThan(1_000);
    });

    it("and the call's deadline, when it comes first", async () => {
      const started = performance.now();
      const error = await testClient({ url }, { timeout: 2_000 })
        .call('getBalance', balanceParams, { timeout: 1_500, deadline: 250 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as Error).message).toMatch(/deadline passed while waiting for a token/);
      expect(performance.now() - started).toBeLessThan(1_000);
    });
  });

  it('a token endpoint answering an HTML error page is a ResponseFormatError', async () => {
    const html = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html>Internal Server Error</html>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    const error = await testClient({ url })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    html.close();
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(error).toMatchObject({ httpStatus: 500 });
  });

  it('a busy token endpoint (503) is retried like a connection failure: nothing of the call was sent', async () => {
    let answers = 0;
    const busy = createServer((req, res) => {
      req.resume();
      answers++;
      res.writeHead(503, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
    });
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(busy.address() as AddressInfo).port}`;
    const error = await testClient({ url }, { maxRetries: 1 })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    busy.close();
    expect(error).toMatchObject({ name: 'ConnectionError', outcomeUnknown: false, httpStatus: 503 });
    expect(answers).toBe(2);
  });
});
