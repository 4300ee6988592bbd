import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, AuthenticationError, TimeoutError } from '../../src/errors.js';
import { ok, useLoopbackGateway } from '../support/loopback-gateway.js';
import { balanceParams, testClient } from '../support/test-client.js';

const balance = { currency: 'USD', balance: '2024.12' };

describe('the tokenProvider option', () => {
  const gateway = useLoopbackGateway();
  let token: string;
  beforeEach(async () => {
    gateway.handle(() => ok(balance));
    // A token the loopback gateway accepts, obtained the normal way.
    await testClient(gateway).call('getBalance', balanceParams);
    token = gateway.calls.at(-1)!.authorization!.slice('Bearer '.length);
    gateway.calls.length = 0;
  });
  afterEach(() => {
    gateway.calls.length = 0;
  });

  it.each([
    ['an async function with the token at hand', () => async () => token],
    [
      'a function answering after a delay',
      () => () => new Promise<string>((resolve) => setTimeout(() => resolve(token), 30)),
    ],
    [
      'a function returning a non-native thenable',
      () => () =>
        ({
          then: (resolve: (value: string) => void) => setTimeout(() => resolve(token), 5),
        }) as unknown as Promise<string>,
    ],
    ['an object with getToken()', () => ({ getToken: async () => token })],
  ])('accepts %s', async (_label, provider) => {
    await expect(
      testClient(gateway, { tokenProvider: provider() }).call('getBalance', balanceParams),
    ).resolves.toMatchObject({ data: balance });
    expect(gateway.calls.at(-1)?.authorization).toBe(`Bearer ${token}`);
  });

  it('a provider that never answers: the call ends at its deadline with a TimeoutError, nothing sent', async () => {
    const started = Date.now();
    const error = await testClient(gateway, { tokenProvider: () => new Promise<string>(() => {}) })
      .call('getBalance', balanceParams, { deadline: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/waiting for a token; nothing was sent/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(gateway.calls).toHaveLength(0);
  });

  it('a provider that never answers: the caller’s abort ends the wait with an AbortError, nothing sent', async () => {
    const controller = new AbortController();
    let seenSignal: AbortSignal | undefined;
    const pending = testClient(gateway, {
      tokenProvider: ({ signal }) => {
        seenSignal = signal;
        return new Promise<string>(() => {});
      },
    })
      .call('getBalance', balanceParams, { signal: controller.signal })
      .catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(seenSignal).toBe(controller.signal);
    expect(gateway.calls).toHaveLength(0);
  });

  it('a provider that throws (at once or later) is an AuthenticationError with the cause; nothing sent', async () => {
    const failure = new Error('vault unreachable');
    for (const provider of [
      () => {
        throw failure;
      },
      async () => Promise.reject(failure),
      () => new Promise<string>((_, reject) => setTimeout(() => reject(failure), 10)),
    ]) {
      const error = await testClient(gateway, { tokenProvider: provider })
        .call('getBalance', balanceParams)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toMatch(/tokenProvider failed; nothing was sent/);
      expect((error as AuthenticationError).cause).toBe(failure);
    }
    expect(gateway.calls).toHaveLength(0);
  });
});
