// The `fetch` option (issue 15, finding 3): the SDK enforces its own time limit, deadline and abort around any fetch
// — one that ignores its signal cannot make a call hang — and refuses redirects: a signed createOrder is never
// re-POSTed to another origin, and another origin's answer is never taken for the gateway's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ResponseFormatError, TimeoutError } from '../src/errors.js';
import { ok, startLoopbackGateway, type LoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, orderParams, orderResult, testClient } from './support/test-client.js';

/** Settles with what the call did, or 'hung' if it did nothing within `ms`. */
async function within<T>(
  ms: number,
  call: Promise<T>,
): Promise<{ value?: T; error?: unknown; hung?: true; elapsedMs: number }> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  const outcome = await Promise.race([
    call.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    hung,
  ]);
  clearTimeout(timer);
  const elapsedMs = performance.now() - started;
  return outcome === 'hung' ? { hung: true, elapsedMs } : { ...outcome, elapsedMs };
}

const tokenProvider = async () => 'token';

describe('a fetch that ignores its signal cannot make a call hang', () => {
  const ignoresSignal = () => new Promise<Response>(() => {});

  it('the per-attempt timeout', async () => {
    const outcome = await within(
      3_000,
      testClient({ url: 'http://127.0.0.1:9' }, { fetch: ignoresSignal, tokenProvider, maxRetries: 0 }).call(
        'getBalance',
        balanceParams,
        { timeout: 300 },
      ),
    );
    expect(outcome.hung).toBeUndefined();
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.elapsedMs).toBeLessThan(1_000);
  });

  it('the call deadline, across retries', async () => {
    const outcome = await within(
      3_000,
      testClient({ url: 'http://127.0.0.1:9' }, { fetch: ignoresSignal, tokenProvider }).call(
        'getBalance',
        balanceParams,
        { deadline: 400 },
      ),
    );
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.elapsedMs).toBeLessThan(1_000);
  });

  it('the caller abort signal: an AbortError at once, the outcome unknown for a createOrder (the fetch may have sent it)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await within(
      3_000,
      testClient({ url: 'http://127.0.0.1:9' }, { fetch: ignoresSignal, tokenProvider }).call(
        'createOrder',
        orderParams,
        { signal: controller.signal },
      ),
    );
    expect(outcome.error).toBeInstanceOf(AbortError);
    expect(outcome.error).toMatchObject({ outcomeUnknown: true });
    expect(outcome.elapsedMs).toBeLessThan(600);
  });

  it('a body that never ends, from a fetch that ignores the signal', async () => {
    const endless = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"statusCode":0,'));
          },
        }),
        { status: 200 },
      );
    const outcome = await within(
      3_000,
      testClient({ url: 'http://127.0.0.1:9' }, { fetch: endless, tokenProvider, maxRetries: 0 }).call(
        'getBalance',
        balanceParams,
        { timeout: 300 },
      ),
    );
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.elapsedMs).toBeLessThan(1_000);
  });

  it('the token request through such a fetch obeys the per-call timeout too', async () => {
    const outcome = await within(
      3_000,
      testClient({ url: 'http://127.0.0.1:9' }, { fetch: ignoresSignal, maxRetries: 0 }).call(
        'getBalance',
        balanceParams,
        { timeout: 300 },
      ),
    );
    expect(outcome.error).toBeInstanceOf(TimeoutError);
    expect(outcome.error).toMatchObject({ outcomeUnknown: false });
    expect(outcome.elapsedMs).toBeLessThan(1_000);
  });
});

describe('redirects are refused', () => {
  let gateway: LoopbackGateway;
  let elsewhere: Server;
  let elsewhereUrl: string;
  const reachedElsewhere: string[] = [];
  let redirecting: Server;
  let redirectingUrl: string;
  let status = 307;

  beforeAll(async () => {
    gateway = await startLoopbackGateway();
    gateway.handle(() => ok(orderResult));
    // Another origin: it would answer anything with the real gateway's answer, which is what an attacker would send.
    elsewhere = createServer((req: IncomingMessage, res: ServerResponse) => {
      reachedElsewhere.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    redirecting = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status, { location: `${elsewhereUrl}${req.url}` }).end());
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    redirectingUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    elsewhere.closeAllConnections();
    redirecting.closeAllConnections();
    elsewhere.close();
    redirecting.close();
    await gateway.close();
  });

  it.each([307, 308])(
    'HTTP %i with the global fetch: the signed createOrder is not re-sent elsewhere; ResponseFormatError',
    async (code) => {
      status = code;
      reachedElsewhere.length = 0;
      const error = await testClient({ url: redirectingUrl }, { fetch: globalThis.fetch, tokenProvider })
        .call('createOrder', orderParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect((error as Error).message).toMatch(
        new RegExp(`redirect \\(HTTP ${code} to ${elsewhereUrl}\\).*redirects are refused`),
      );
      expect(error).toMatchObject({ httpStatus: code, outcomeUnknown: true });
      expect(reachedElsewhere).toEqual([]);
    },
  );

  it('HTTP 307 with the built-in client: refused the same way', async () => {
    status = 307;
    reachedElsewhere.length = 0;
    const error = await testClient({ url: redirectingUrl }, { tokenProvider })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/redirects are refused/);
    expect(reachedElsewhere).toEqual([]);
  });

  it("a fetch that follows redirects anyway: its answer is refused, never taken for the gateway's", async () => {
    status = 307;
    reachedElsewhere.length = 0;
    const following = (input: string | URL | Request, init?: RequestInit) =>
      fetch(input, { ...init, redirect: 'follow' });
    const error = await testClient({ url: redirectingUrl }, { fetch: following, tokenProvider })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(
      new RegExp(`followed a redirect to ${elsewhereUrl}.*redirects are refused`),
    );
  });

  it('the control: the same fetch against the gateway itself works', async () => {
    await expect(
      testClient(gateway, { fetch: globalThis.fetch }).call('createOrder', orderParams),
    ).resolves.toMatchObject({ data: orderResult });
  });
});
