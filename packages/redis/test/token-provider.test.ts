// The lock, refresh-ahead and invalidation logic of redisTokenProvider, with a real redis-server and a counted
// fetchToken: several providers on one client stand in for several processes (each keeps its own state).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { ConfigurationError, type Logger, type TokenRequestContext } from '@codepay/transport';
import { redisTokenProvider, type RedisTokenProvider } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './support/redis-server.js';

type Client = ReturnType<typeof createClient>;
const lines: Array<{ level: string; message: string; fields?: unknown }> = [];
const logger: Logger = {
  debug: (message, fields) => void lines.push({ level: 'debug', message, fields }),
  info: (message, fields) => void lines.push({ level: 'info', message, fields }),
  warn: (message, fields) => void lines.push({ level: 'warn', message, fields }),
  error: (message, fields) => void lines.push({ level: 'error', message, fields }),
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A context whose fetchToken hands out tok-1, tok-2… valid for `lifetimeMs`, and counts them. */
function gateway(lifetimeMs = 60_000, appId = `app-${Math.random().toString(36).slice(2)}`) {
  const fetched: string[] = [];
  let hold: Promise<void> | undefined;
  const context: TokenRequestContext = {
    signal: undefined,
    appId,
    baseUrl: 'http://127.0.0.1:4010',
    logger,
    fetchToken: async () => {
      const token = `tok-${fetched.length + 1}`;
      fetched.push(token);
      await hold;
      return { token, expiresAt: Date.now() + lifetimeMs };
    },
  };
  return {
    context,
    fetched,
    holdRequests: (until: Promise<void>) => {
      hold = until;
    },
  };
}

describeWithRedis('redisTokenProvider', () => {
  const redis = useRedisServer();
  let client: Client;
  beforeAll(async () => {
    client = createClient({ url: redis.server.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(() => client?.close());
  afterEach(() => {
    lines.length = 0;
  });

  const providers = (n: number, options = {}): RedisTokenProvider[] =>
    Array.from({ length: n }, () => redisTokenProvider(client, options));

  it('many "processes" asking at once: one token request, one token for all, stored under the appId and base URL', async () => {
    const { context, fetched } = gateway();
    const tokens = await Promise.all(
      providers(5).flatMap((p) => Array.from({ length: 20 }, () => p.getToken(context))),
    );
    expect(fetched).toEqual(['tok-1']);
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    const stored = await client.get(`codepay:{${context.appId}@http://127.0.0.1:4010}:token`);
    expect(JSON.parse(stored!)).toEqual({ token: 'tok-1', lifetimeMs: expect.any(Number) });
    expect(await client.exists(`codepay:{${context.appId}@http://127.0.0.1:4010}:token-lock`)).toBe(0);
  });

  it('a lock left by a dead process: nobody requests a token while it lives; after it expires one process does', async () => {
    const { context, fetched } = gateway();
    await client.set(`codepay:{${context.appId}@http://127.0.0.1:4010}:token-lock`, 'a-dead-process', {
      expiration: { type: 'PX', value: 600 },
    });
    const waiting = Promise.all(providers(3).map((p) => p.getToken(context)));
    await sleep(300);
    expect(fetched).toEqual([]);
    expect(await waiting).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(fetched).toEqual(['tok-1']);
  });

  it('refresh ahead of expiry: calls keep the current token while one process renews it for all', async () => {
    const { context, fetched } = gateway(2_000);
    const [a, b, c] = providers(3, { refreshAhead: 1_500 });
    expect(await Promise.all([a!.getToken(context), b!.getToken(context), c!.getToken(context)])).toEqual([
      'tok-1',
      'tok-1',
      'tok-1',
    ]);
    await sleep(700); // inside the refresh window, still valid
    expect(await Promise.all([a!.getToken(context), b!.getToken(context), c!.getToken(context)])).toEqual([
      'tok-1',
      'tok-1',
      'tok-1',
    ]);
    // One of them renewed it; the others find the new token on their next check (at most every 250 ms, in the
    // background of a call that still gets the current token).
    await sleep(300);
    await Promise.all([a!.getToken(context), b!.getToken(context), c!.getToken(context)]);
    await sleep(50);
    expect(await Promise.all([a!.getToken(context), b!.getToken(context), c!.getToken(context)])).toEqual([
      'tok-2',
      'tok-2',
      'tok-2',
    ]);
    expect(fetched).toEqual(['tok-1', 'tok-2']);
  });

  it('a refused token is removed for every process, only while it is still that token; all pick up one new token', async () => {
    const { context, fetched } = gateway();
    const [a, b] = providers(2);
    expect(await a!.getToken(context)).toBe('tok-1');
    expect(await b!.getToken(context)).toBe('tok-1');
    a!.invalidate('tok-1');
    expect(await a!.getToken(context)).toBe('tok-2');
    // b is refused tok-1 later: tok-2 in Redis is not removed, and b takes it without a request.
    b!.invalidate('tok-1');
    expect(await b!.getToken(context)).toBe('tok-2');
    expect(fetched).toEqual(['tok-1', 'tok-2']);
    // Invalidating a token nobody holds changes nothing.
    a!.invalidate('tok-unknown');
    expect(await b!.getToken(context)).toBe('tok-2');
  });

  it('a token request that fails frees the lock at once and the error reaches the callers', async () => {
    const { context } = gateway();
    const failing = {
      ...context,
      fetchToken: () => Promise.reject(Object.assign(new Error('refused'), { name: 'AuthenticationError' })),
    };
    const [a, b] = providers(2);
    await expect(a!.getToken(failing)).rejects.toThrow('refused');
    expect(await client.exists(`codepay:{${context.appId}@http://127.0.0.1:4010}:token-lock`)).toBe(0);
    expect(await b!.getToken(context)).toBe('tok-1');
  });

  it('Redis unreachable: a process-local token, one request per process however many calls, logged once', async () => {
    const { context, fetched } = gateway();
    const offline = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true });
    offline.on('error', () => {});
    const provider = redisTokenProvider(offline, { probeInterval: 60_000 });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => provider.getToken(context)));
    expect(new Set(tokens)).toEqual(new Set(['tok-1']));
    provider.invalidate('tok-1');
    expect(await provider.getToken(context)).toBe('tok-2');
    expect(fetched).toEqual(['tok-1', 'tok-2']);
    const outage = lines.filter((l) => /Redis is unreachable/.test(l.message));
    expect(outage).toEqual([
      { level: 'warn', message: expect.stringMatching(/token of its own/), fields: { error: expect.any(String) } },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/tok-\d/);
  });

  it('a Redis that does not answer (a queued command) counts as unreachable after commandTimeout', async () => {
    const { context, fetched } = gateway();
    const never = { eval: () => new Promise<unknown>(() => {}) };
    const provider = redisTokenProvider(never, { commandTimeout: 50 });
    expect(await provider.getToken(context)).toBe('tok-1');
    expect(fetched).toEqual(['tok-1']);
    expect(lines.filter((l) => /Redis is unreachable/.test(l.message))).toEqual([
      expect.objectContaining({ fields: { error: 'RedisUnavailableError' } }),
    ]);
  });

  it('bad options are ConfigurationErrors naming the option and what it takes', () => {
    const error = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ConfigurationError;
      }
      throw new Error('no error');
    };
    expect(error(() => redisTokenProvider({} as never))).toMatchObject({
      option: 'client',
      message: expect.stringMatching(/node-redis client/),
    });
    expect(error(() => redisTokenProvider(client, { lockTtl: 5 }))).toMatchObject({
      option: 'lockTtl',
      message: expect.stringMatching(/at least 100/),
    });
    expect(error(() => redisTokenProvider(client, { refreshAhead: -1 }))).toMatchObject({ option: 'refreshAhead' });
    expect(error(() => redisTokenProvider(client, { prefix: 'a b' }))).toMatchObject({ option: 'prefix' });
    expect(error(() => redisTokenProvider(client, { lockTTL: 1000 } as never))).toMatchObject({
      option: 'lockTTL',
      message: expect.stringMatching(/lockTtl/),
    });
    expect(error(() => redisTokenProvider(client, { commandTimeout: 1.5 }))).toBeInstanceOf(ConfigurationError);
  });
});

describe('redisTokenProvider without a server', () => {
  it('is a TokenProvider createCodePay accepts (types)', () => {
    const provider: import('@codepay/sdk').TokenProvider = redisTokenProvider({ eval: async () => null });
    expect(typeof provider).toBe('object');
  });
});
