import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AbortError, ConfigurationError, ResponseFormatError } from '../../src/errors.js';
import { MAX_RESPONSE_BYTES } from '../../src/http/send-http.js';
import { ok, useLoopbackGateway } from '../support/loopback-gateway.js';
import { balanceParams, testClient } from '../support/test-client.js';

describe('send (HTTP)', () => {
  const gateway = useLoopbackGateway();

  it('sends JSON content type, Accept, the language and the user agent', async () => {
    gateway.handle(() => ok({ currency: 'USD', balance: '1.00' }));
    await testClient(gateway, { language: 'ja-JP' }).call('getBalance', balanceParams, {
      headers: { 'x-mock-scenario': 'none' },
    });
    const headers = gateway.calls.at(-1)!.headers;
    expect(headers['content-type']).toBe('application/json');
    expect(headers.accept).toBe('application/json');
    expect(headers['accept-language']).toBe('ja-JP');
    expect(headers['user-agent']).toMatch(/codepay-transport\//);
    expect(headers['x-mock-scenario']).toBe('none');
  });

  it('refuses per-call headers that would replace the envelope headers', async () => {
    await expect(
      testClient(gateway).call('getBalance', balanceParams, { headers: { Authorization: 'x' } }),
    ).rejects.toThrow(/cannot set "Authorization"/);
  });

  // Issue 15, finding 10: a Transfer-Encoding beside the Content-Length the client writes is a request-smuggling shape.
  it.each([
    ['Transfer-Encoding', 'chunked'],
    ['content-length', '5'],
    ['Connection', 'close'],
    ['TE', 'trailers'],
    ['Accept-Encoding', 'gzip'],
    ['Proxy-Authorization', 'Basic eDp5'],
  ])('refuses a per-call %s header: ConfigurationError naming headers, nothing sent', async (name, value) => {
    const before = gateway.calls.length;
    const error = await testClient(gateway)
      .call('getBalance', balanceParams, { headers: { [name]: value } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ option: 'headers' });
    expect((error as Error).message).toMatch(new RegExp(`cannot set "${name}"`));
    expect(gateway.calls.length).toBe(before);
  });

  it('refuses an unknown per-call option, naming the closest one; nothing sent', async () => {
    const error = await testClient(gateway)
      .call('getBalance', balanceParams, { timeoutMs: 500 } as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /timeoutMs: is not an option of a call's options; did you mean timeout\?; nothing was sent/,
    );
  });

  it('an abort from the caller is an AbortError', async () => {
    gateway.handle(() => ({ delayMs: 300, then: ok({ currency: 'USD', balance: '1.00' }) }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await testClient(gateway)
      .call('getBalance', balanceParams, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
  });

  it('an already-aborted signal sends nothing', async () => {
    const before = gateway.calls.length;
    const error = await testClient(gateway)
      .call('getBalance', balanceParams, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(gateway.calls.length).toBe(before);
  });

  it('refuses an answer over the size cap without buffering it all', async () => {
    const huge = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent <= MAX_RESPONSE_BYTES) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((r) => huge.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(huge.address() as AddressInfo).port}`;
    const error = await testClient({ url }, { tokenProvider: async () => 'token' })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    huge.closeAllConnections();
    huge.close();
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/larger than 10485760 bytes/);
  });

  it('a `fetch` option replaces the built-in HTTP client for the token and every call', async () => {
    gateway.handle(() => ok({ currency: 'USD', balance: '1.00' }));
    const urls: string[] = [];
    const counting = (input: string | URL | Request, init?: RequestInit) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    await testClient(gateway, { fetch: counting }).call('getBalance', balanceParams);
    expect(urls).toEqual([`${gateway.url}/api/v2/token`, `${gateway.url}/api/v2/pay`]);
  });
});
