// Proxies (issue 15, finding 8 and the proxy support): the built-in client tunnels through an HTTP proxy with
// CONNECT — the `proxy` option, or HTTPS_PROXY unless NO_PROXY exempts the gateway — with TLS to the gateway end to
// end (the private CA still applies), against a real proxy (the `proxy` package) on loopback. A proxy that refuses the
// tunnel, or cannot be reached, fails the call before any byte of it exists: a ConnectionError with
// `outcomeUnknown: false`, even for a state-changing call.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { inspect } from 'node:util';
import { createProxy, type ProxyServer } from 'proxy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, ConnectionError } from '../src/errors.js';
import { noProxyExempts } from '../src/http/proxy-settings.js';
import { certificateWorkshop, type CertificateAuthority, type CertificateWorkshop } from './support/certificates.js';
import { ok, startLoopbackGateway, type LoopbackGateway } from './support/loopback-gateway.js';
import { balanceParams, orderParams, orderResult, testClient } from './support/test-client.js';

interface TestProxy {
  url: string;
  /** `host:port` of every CONNECT the proxy received. */
  connects: string[];
  server: Server;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startProxy(configure: (proxy: ProxyServer) => void = () => {}): Promise<TestProxy> {
  const server = createProxy(createHttpServer());
  configure(server);
  const connects: string[] = [];
  server.prependListener('connect', (request: { url?: string }) => connects.push(String(request.url)));
  return { url: await listen(server), connects, server };
}

/** A "proxy" that answers every CONNECT with `status` and closes: a corporate proxy refusing the destination. */
async function startRefusingProxy(status: number, reason: string): Promise<TestProxy> {
  const server = createHttpServer();
  const connects: string[] = [];
  server.on('connect', (request, socket: Socket) => {
    connects.push(String(request.url));
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\n\r\n`);
  });
  return { url: await listen(server), connects, server };
}

const stop = (proxy: TestProxy) => {
  proxy.server.closeAllConnections();
  proxy.server.close();
};

let workshop: CertificateWorkshop;
let authority: CertificateAuthority;
let ca: string;
let gateway: LoopbackGateway;
let gatewayHost: string;
let proxy: TestProxy;

beforeAll(async () => {
  workshop = certificateWorkshop();
  authority = workshop.authority('CodePay Proxy Test CA');
  ca = authority.pem;
  gateway = await startLoopbackGateway({ tls: authority.issue('IP:127.0.0.1') });
  gateway.handle((call) => ok(call.service === 'getBalance' ? { currency: 'USD', balance: '3.00' } : orderResult));
  gatewayHost = new URL(gateway.url).host;
  proxy = await startProxy();
});
afterAll(async () => {
  stop(proxy);
  await gateway.close();
  workshop.dispose();
});

const savedEnvironment = { ...process.env };
afterEach(() => {
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']) {
    if (savedEnvironment[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnvironment[name];
  }
});

describe('through a real HTTP proxy, TLS end to end', () => {
  it('the proxy option: token and call go through one CONNECT tunnel, the private CA checks the gateway', async () => {
    const connects = proxy.connects.length;
    const calls = gateway.calls.length;
    const client = testClient(gateway, { ca, proxy: proxy.url });
    await expect(client.call('createOrder', orderParams)).resolves.toMatchObject({ data: orderResult });
    await expect(client.call('getBalance', balanceParams)).resolves.toBeDefined();
    // Kept alive: the second call reuses the tunnel.
    expect(proxy.connects.slice(connects)).toEqual([gatewayHost]);
    expect(gateway.calls.length).toBe(calls + 2);
    await client.close();
  });

  it("without the CA the tunnel opens but the gateway's certificate is refused: nothing sent", async () => {
    const calls = gateway.calls.length;
    const error = await testClient(gateway, { proxy: proxy.url })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/TLS certificate check/);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(gateway.calls.length).toBe(calls);
  });

  it('HTTPS_PROXY from the environment is used when no proxy option is given', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    const connects = proxy.connects.length;
    const client = testClient(gateway, { ca });
    await expect(client.call('getBalance', balanceParams)).resolves.toBeDefined();
    expect(proxy.connects.length).toBe(connects + 1);
    await client.close();
  });

  it.each([
    ['the host', '127.0.0.1'],
    ['the host and port', () => gatewayHost],
    ['a CIDR block', '10.0.0.0/8, 127.0.0.0/8'],
    ['*', '*'],
  ])('NO_PROXY naming %s exempts the gateway: a direct connection', async (_name, noProxy) => {
    process.env.HTTPS_PROXY = proxy.url;
    process.env.NO_PROXY = typeof noProxy === 'function' ? noProxy() : noProxy;
    const connects = proxy.connects.length;
    const client = testClient(gateway, { ca });
    await expect(client.call('getBalance', balanceParams)).resolves.toBeDefined();
    expect(proxy.connects.length).toBe(connects);
    await client.close();
  });

  it('proxy: false ignores HTTPS_PROXY', async () => {
    process.env.HTTPS_PROXY = 'http://127.0.0.1:9';
    const client = testClient(gateway, { ca, proxy: false });
    await expect(client.call('getBalance', balanceParams)).resolves.toBeDefined();
    await client.close();
  });
});

describe('a proxy that requires basic authentication', () => {
  let guarded: TestProxy;
  beforeAll(async () => {
    guarded = await startProxy((server) => {
      server.authenticate = (request) =>
        request.headers['proxy-authorization'] === `Basic ${Buffer.from('merchant:p@ss word').toString('base64')}`;
    });
  });
  afterAll(() => stop(guarded));

  const withCredentials = (user: string, password: string) => {
    const url = new URL(guarded.url);
    url.username = encodeURIComponent(user);
    url.password = encodeURIComponent(password);
    return url.href;
  };

  it('the right credentials in the proxy URL: the call goes through', async () => {
    const client = testClient(gateway, { ca, proxy: withCredentials('merchant', 'p@ss word') });
    await expect(client.call('createOrder', orderParams)).resolves.toMatchObject({ data: orderResult });
    await client.close();
  });

  it('wrong credentials: 407 as a ConnectionError, outcomeUnknown false, nothing reached the gateway, not retried, no password shown', async () => {
    const calls = gateway.calls.length;
    const connects = guarded.connects.length;
    const error = await testClient(gateway, {
      ca,
      proxy: withCredentials('merchant', 'wrong-secret-pw'),
      tokenProvider: async () => 'token',
    })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: false, service: 'createOrder' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `proxy ${guarded.url} refused to open a tunnel to ${gatewayHost} \\(HTTP 407, proxy authentication required\\); nothing was sent`,
      ),
    );
    expect(guarded.connects.length - connects).toBe(1);
    expect(gateway.calls.length).toBe(calls);
    expect(`${(error as Error).message} ${inspect(error, { depth: 5 })}`).not.toMatch(/wrong-secret-pw/);
  });
});

describe('a proxy that refuses or is down: never sent, for state-changing services too', () => {
  it.each([
    [403, 'Forbidden', 1],
    [502, 'Bad Gateway', 3],
  ])(
    'CONNECT answered %i %s: ConnectionError, outcomeUnknown false, createOrder never reaching the gateway',
    async (status, reason, attempts) => {
      const refusing = await startRefusingProxy(status, reason);
      try {
        const calls = gateway.calls.length;
        const error = await testClient(gateway, { ca, proxy: refusing.url, tokenProvider: async () => 'token' })
          .call('createOrder', orderParams)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error).toMatchObject({ outcomeUnknown: false });
        expect(error).not.toHaveProperty('sentAt');
        expect((error as Error).message).toMatch(new RegExp(`refused to open a tunnel .*HTTP ${status}`));
        // A 502 may pass (the proxy could not reach the gateway a moment ago): retried like a refused connection.
        expect(refusing.connects).toHaveLength(attempts);
        expect(gateway.calls.length).toBe(calls);
      } finally {
        stop(refusing);
      }
    },
  );

  it('the tunnel opens but the gateway hangs up during the TLS handshake: never sent, so even createOrder is retried', async () => {
    // A TCP port that takes the connection and drops it at the first byte (the ClientHello).
    const dropping = createNetServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const target = `https://127.0.0.1:${(dropping.address() as AddressInfo).port}`;
    try {
      const connects = proxy.connects.length;
      const error = await testClient({ url: target }, { ca, proxy: proxy.url, tokenProvider: async () => 'token' })
        .call('createOrder', orderParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ outcomeUnknown: false });
      // The default maxRetries: 2, so three tunnels, each refused before a request byte existed.
      expect(proxy.connects.length - connects).toBe(3);
    } finally {
      dropping.close();
    }
  });

  it('the request written through the tunnel, then the connection reset: outcome unknown, createOrder sent once', async () => {
    const resetting = createTlsServer(authority.issue('IP:127.0.0.1'), (socket) =>
      socket.once('data', () => setTimeout(() => socket.destroy(), 20)),
    );
    await new Promise<void>((resolve) => resetting.listen(0, '127.0.0.1', resolve));
    const target = `https://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
    try {
      const connects = proxy.connects.length;
      const error = await testClient({ url: target }, { ca, proxy: proxy.url, tokenProvider: async () => 'token' })
        .call('createOrder', orderParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ outcomeUnknown: true });
      expect(error).toHaveProperty('sentAt');
      expect(proxy.connects.length - connects).toBe(1);
    } finally {
      resetting.close();
    }
  });

  it('a proxy that cannot be reached: ConnectionError naming the proxy, outcomeUnknown false, retried', async () => {
    const error = await testClient(gateway, { ca, proxy: 'http://127.0.0.1:9', tokenProvider: async () => 'token' })
      .call('createOrder', orderParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect((error as Error).message).toMatch(
      /could not be sent to .* through the proxy http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\); nothing was sent/,
    );
  });
});

describe('proxy configuration', () => {
  it.each([
    ['not a URL', 'http://[proxy', /is not a URL/],
    ['a socks proxy', 'socks5://127.0.0.1:1080', /only http: and https: proxies/],
    ['a path', 'http://127.0.0.1:3128/path', /remove the path/],
    ['not a string', 3128, /must be the proxy URL/],
  ])('%s is a ConfigurationError naming proxy', (_name, value, fix) => {
    expect(() => testClient(gateway, { proxy: value as never })).toThrow(ConfigurationError);
    expect(() => testClient(gateway, { proxy: value as never })).toThrow(fix);
  });

  it('a bad HTTPS_PROXY is a ConfigurationError that names the variable and never shows its credentials', () => {
    process.env.HTTPS_PROXY = 'ftp://user:hunter2-secret@proxy.internal';
    const error = (() => {
      try {
        testClient(gateway);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^proxy: uses ftp: \(from the HTTPS_PROXY environment variable/);
    expect((error as Error).message).not.toMatch(/hunter2/);
  });

  it('a proxy cannot be combined with a fetch (configure the fetch instead)', () => {
    expect(() => testClient(gateway, { proxy: proxy.url, fetch: globalThis.fetch })).toThrow(
      /proxy: cannot be combined with a custom fetch/,
    );
  });

  it('NO_PROXY matching', () => {
    const at = (url: string) => new URL(url);
    expect(noProxyExempts('example.com', at('https://api.example.com'))).toBe(true);
    expect(noProxyExempts('.example.com', at('https://example.com'))).toBe(true);
    expect(noProxyExempts('*.example.com', at('https://gw.example.com'))).toBe(true);
    expect(noProxyExempts('example.com', at('https://badexample.com'))).toBe(false);
    expect(noProxyExempts('example.com:8443', at('https://example.com'))).toBe(false);
    expect(noProxyExempts('example.com:443', at('https://example.com'))).toBe(true);
    expect(noProxyExempts('10.1.0.0/16', at('https://10.1.2.3'))).toBe(true);
    expect(noProxyExempts('10.1.0.0/16', at('https://10.2.2.3'))).toBe(false);
    expect(noProxyExempts('[::1]:443, localhost', at('https://[::1]'))).toBe(true);
    expect(noProxyExempts('', at('https://example.com'))).toBe(false);
  });
});
