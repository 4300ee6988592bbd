import { describe, expect, it } from 'vitest';
import { useMockClient } from './support/mock-client.js';
import { ConfigurationError, createCodePay, ValidationError } from '../src/index.js';

describe('createCodePay', () => {
  const env = useMockClient();

  it('sends a Date as UTC yyyy-MM-dd HH:mm:ss', async () => {
    env.mock.clearRequests();
    await env.codepay.orders
      .list({
        startTime: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
        endTime: new Date(Date.UTC(2024, 0, 31, 23, 59, 59)),
      })
      .page();
    expect(env.mock.requests.find((r) => r.service === 'queryOrders')?.params).toMatchObject({
      startTime: '2024-01-02 03:04:05',
      endTime: '2024-01-31 23:59:59',
    });
  });

  it('refuses a date string in another format, and an Invalid Date, before sending', async () => {
    env.mock.clearRequests();
    const iso = await env.codepay.orders
      .list({ startTime: '2024-01-01T00:00:00Z', endTime: '2024-01-31 23:59:59' })
      .page()
      .catch((e: unknown) => e);
    expect(iso).toBeInstanceOf(ValidationError);
    expect((iso as ValidationError).issues[0]?.path).toBe('/startTime');
    const invalid = await env.codepay.orders
      .list({ startTime: new Date('nope'), endTime: new Date() })
      .page()
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(env.mock.requests.filter((r) => r.service === 'queryOrders')).toHaveLength(0);
  });

  it('prepare() gives the exact envelope without sending it', async () => {
    env.mock.clearRequests();
    const prepared = await env.codepay.prepare('queryOrders', {
      startTime: new Date(Date.UTC(2024, 0, 1)),
      endTime: '2024-01-31 23:59:59',
    });
    expect(prepared.plaintext).toBe('{"startTime":"2024-01-01 00:00:00","endTime":"2024-01-31 23:59:59"}');
    expect(JSON.parse(prepared.body)).toEqual({
      service: 'queryOrders',
      bizContent: prepared.bizContent,
      sign: prepared.sign,
    });
    expect(prepared.headers['user-agent']).toMatch(/^codepay-sdk\/\S+ codepay-transport\//);
    expect(env.mock.requests).toHaveLength(0);
  });

  it('withOptions returns a copy with changed options, sharing the token', async () => {
    await env.codepay.balance.get({ currency: 'USD' });
    env.mock.clearRequests();
    await env.codepay.withOptions({ language: 'zh-CN', timeout: 5_000 }).balance.get({ currency: 'USD' });
    expect(env.mock.requests.map((r) => r.endpoint)).toEqual(['pay']);
    // The copy speaks its own language; the original keeps the default.
    await env.codepay.balance.get({ currency: 'USD' });
    expect(env.mock.requests.map((r) => r.language)).toEqual(['zh-CN', 'en-US']);
  });

  it('environment "local" names the mock CLI default URL; an unknown one, or both, is a ConfigurationError', () => {
    const keys = env.mock.clientKeys;
    expect(() => createCodePay({ environment: 'local', ...keys })).not.toThrow();
    expect(() => createCodePay({ environment: 'prod' as never, ...keys })).toThrow(ConfigurationError);
    expect(() => createCodePay({ environment: 'local', baseUrl: env.mock.url, ...keys })).toThrow(
      /either baseUrl or environment/,
    );
    expect(() => createCodePay({ ...keys } as never)).toThrow(/baseUrl: is missing/);
  });
});
