import { beforeEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/errors.js';
import { bearerTokenPolicy } from '../../src/pipeline/bearer-token.js';
import type { EnvelopeRequest, EnvelopeResponse } from '../../src/pipeline/policy.js';
import type { TokenSource } from '../../src/token/token-provider.js';
import { errorBody, ok, useLoopbackGateway } from '../support/loopback-gateway.js';
import { httpAnswer, stubRequest } from '../support/stub-pipeline.js';
import { platformPublicKey } from '../support/test-keys.js';
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

// The policy alone, with a stubbed token source and `next`: which 401s it replays, and with which token.
describe('bearerToken policy with a stubbed next', () => {
  function tokenSource(cached: string | undefined, fresh: string[]) {
    const log = { fetched: 0, invalidated: [] as string[] };
    const source: TokenSource = {
      current: () => cached,
      getToken: async () => {
        log.fetched++;
        return fresh.shift()!;
      },
      invalidate: (token) => {
        log.invalidated.push(token);
        cached = undefined;
      },
    };
    return { source, log };
  }
  function answering(...answers: EnvelopeResponse[]) {
    const sent: string[] = [];
    const next = (request: EnvelopeRequest) => {
      sent.push(request.headers.authorization!);
      return Promise.resolve(answers.shift()!);
    };
    return { next, sent };
  }

  it('uses a cached token without waiting for one, and asks the source only when none is cached', async () => {
    const cached = tokenSource('tok-cached', []);
    const first = answering(httpAnswer(200));
    await bearerTokenPolicy(cached.source, platformPublicKey).sendRequest(stubRequest('getBalance'), first.next);
    expect(first.sent).toEqual(['Bearer tok-cached']);
    expect(cached.log.fetched).toBe(0);

    const empty = tokenSource(undefined, ['tok-new']);
    const second = answering(httpAnswer(200));
    await bearerTokenPolicy(empty.source, platformPublicKey).sendRequest(stubRequest('getBalance'), second.next);
    expect(second.sent).toEqual(['Bearer tok-new']);
    expect(empty.log.fetched).toBe(1);
  });

  it("replays once after the gateway's signed token refusal, even an unsafe call, which counts as never sent", async () => {
    const { source, log } = tokenSource('tok-old', ['tok-new']);
    const refused = httpAnswer(401, {}, await errorBody('E01003', 'Access token has expired'));
    const { next, sent } = answering(refused, httpAnswer(200));
    const request = stubRequest('createOrder', {}, { sentAt: Date.now() });
    await expect(bearerTokenPolicy(source, platformPublicKey).sendRequest(request, next)).resolves.toMatchObject({
      http: { status: 200 },
    });
    expect(sent).toEqual(['Bearer tok-old', 'Bearer tok-new']);
    expect(log.invalidated).toEqual(['tok-old']);
    expect(request).toMatchObject({ tokenReplayed: true, sentAt: undefined });
  });

  it('does not replay a 401 the platform did not sign, a refusal with another code, or a second refusal', async () => {
    const unsigned = httpAnswer(
      401,
      {},
      JSON.stringify({ code: 'E01003', msg: 'Access token has expired', psn: 'PSN-X' }),
    );
    const otherCode = httpAnswer(401, {}, await errorBody('E05000', 'Internal gateway error'));
    const html = httpAnswer(401, { 'content-type': 'text/html' }, '<html>401 Authorization Required</html>');
    for (const answer of [unsigned, otherCode, html]) {
      const { source, log } = tokenSource('tok-old', ['tok-new']);
      const { next, sent } = answering(answer, httpAnswer(200));
      await expect(
        bearerTokenPolicy(source, platformPublicKey).sendRequest(stubRequest('createOrder'), next),
      ).resolves.toBe(answer);
      expect(sent).toEqual(['Bearer tok-old']);
      expect(log.invalidated).toEqual([]);
    }
    const { source } = tokenSource('tok-old', ['tok-new']);
    const again = httpAnswer(401, {}, await errorBody('E01002', 'Unknown token'));
    const { next, sent } = answering(again);
    const replayed = stubRequest('getBalance', {}, { tokenReplayed: true });
    await expect(bearerTokenPolicy(source, platformPublicKey).sendRequest(replayed, next)).resolves.toBe(again);
    expect(sent).toHaveLength(1);
  });
});
