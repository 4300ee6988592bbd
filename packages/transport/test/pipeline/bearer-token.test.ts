import { beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors.js';
import { ok, useLoopbackGateway } from '../support/loopback-gateway.js';
import { balanceParams, orderParams, orderResult, testClient } from '../support/test-client.js';

const balance = { currency: 'USD', balance: '2024.12' };

describe('bearerToken policy', () => {
  const gateway = useLoopbackGateway();
  beforeEach(() => {
    gateway.calls.length = 0;
    gateway.tokenRequests = 0;
    gateway.handle(() => ok(balance));
  });

  it('sends the token as a bearer header and reuses it', async () => {
    const client = testClient(gateway);
    await client.call('getBalance', balanceParams);
    await client.call('getBalance', balanceParams);
    expect(gateway.tokenRequests).toBe(1);
    expect(gateway.calls[0]?.authorization).toMatch(/^Bearer tok-/);
    expect(gateway.calls[1]?.authorization).toBe(gateway.calls[0]?.authorization);
  });

  it('on 401 drops only that token, gets a new one and replays once, even for an unsafe service', async () => {
    gateway.handle(() => ok(orderResult));
    const client = testClient(gateway);
    await client.call('createOrder', orderParams);
    gateway.revoke(gateway.calls[0]!.authorization!.slice('Bearer '.length));
    await client.call('createOrder', orderParams);
    expect(gateway.tokenRequests).toBe(2);
    expect(gateway.calls).toHaveLength(2);
    expect(gateway.calls[1]?.authorization).not.toBe(gateway.calls[0]?.authorization);
  });

  it('a second 401 after the replay is an AuthenticationError with the gateway code', async () => {
    const error = await testClient(gateway, { tokenProvider: async () => 'not-a-token' })
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'E01002', httpStatus: 401 });
    expect((error as AuthenticationError).psn).toMatch(/^PSN/);
  });

  it('a tokenProvider replaces the token flow; an object provider is told which token was rejected', async () => {
    const good = await (async () => {
      const probe = testClient(gateway);
      await probe.call('getBalance', balanceParams);
      return gateway.calls.at(-1)!.authorization!.slice('Bearer '.length);
    })();
    const invalidated: string[] = [];
    let first = true;
    const provider = {
      async getToken() {
        const token = first ? 'stale-token' : good;
        first = false;
        return token;
      },
      invalidate: (token: string) => invalidated.push(token),
    };
    const before = gateway.tokenRequests;
    await expect(
      testClient(gateway, { tokenProvider: provider }).call('getBalance', balanceParams),
    ).resolves.toMatchObject({ data: balance });
    expect(invalidated).toEqual(['stale-token']);
    expect(gateway.tokenRequests).toBe(before);
  });
});
