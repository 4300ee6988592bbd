// POST /api/v2/token, the decided contract: appId (E01010), ±15 min timestamp window (E01011), merchant signature
// over `appId=…&timestamp=…` (E01012), all 401 with the signed error body; tokens expire after tokenTtlSeconds.
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRsaSha256 } from '@codepay/transport';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { expectGatewayError, TestClient, utcTimestamp } from './support/test-client.js';

const MINUTE = 60_000;

describe('token endpoint', () => {
  let mock: MockGateway;
  let client: TestClient;
  beforeAll(async () => {
    mock = await startMockGateway();
    client = new TestClient(mock);
  });
  afterAll(async () => {
    client.close();
    await mock.close();
  });

  it('issues an opaque token with the default lifetime of 7200 s', async () => {
    const answer = await client.requestToken();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({
      statusCode: 0,
      psn: expect.stringMatching(/^PSN\d{20}$/),
      data: { accessToken: expect.any(String), expiresIn: 7200 },
    });
    expect(mock.requests.at(-1)).toMatchObject({
      endpoint: 'token',
      appId: mock.keys.appId,
      outcome: 'ok',
      httpStatus: 200,
    });
  });

  it('issues a different token each time', async () => {
    const tokens = await Promise.all([client.requestToken(), client.requestToken()]);
    const [first, second] = tokens.map((answer) => (answer.json!.data as { accessToken: string }).accessToken);
    expect(first).not.toBe(second);
  });

  it('accepts timestamps up to 15 minutes off either way', async () => {
    for (const offset of [-14 * MINUTE, 14 * MINUTE]) {
      const answer = await client.requestToken({ timestamp: utcTimestamp(new Date(Date.now() + offset)) });
      expect(answer.status, `offset ${offset}`).toBe(200);
    }
  });

  async function expectRefusal(answer: Awaited<ReturnType<TestClient['requestToken']>>, code: string): Promise<void> {
    await expectGatewayError(client, answer, 401, code);
    expect(mock.requests.at(-1)).toMatchObject({ endpoint: 'token', outcome: code, code, httpStatus: 401 });
  }

  it('refuses an unknown appId with E01010', async () => {
    await expectRefusal(await client.requestToken({ appId: 'app_someone_else' }), 'E01010');
    expect(mock.requests.at(-1)?.appId).toBe('app_someone_else');
  });

  it('refuses a timestamp more than 15 minutes old with E01011', async () => {
    await expectRefusal(
      await client.requestToken({ timestamp: utcTimestamp(new Date(Date.now() - 16 * MINUTE)) }),
      'E01011',
    );
  });

  it('refuses a timestamp more than 15 minutes ahead with E01011', async () => {
    await expectRefusal(
      await client.requestToken({ timestamp: utcTimestamp(new Date(Date.now() + 16 * MINUTE)) }),
      'E01011',
    );
  });

  it('refuses a malformed timestamp with E01011', async () => {
    await expectRefusal(await client.requestToken({ timestamp: new Date().toISOString() }), 'E01011');
  });

  it('refuses a signature that does not verify with E01012', async () => {
    const otherText = await client.requestToken({ sign: Buffer.alloc(256, 1).toString('base64') });
    await expectRefusal(otherText, 'E01012');
    await expectRefusal(await client.requestToken({ sign: 'not base64!' }), 'E01012');
  });

  it('refuses a signature over another timestamp with E01012', async () => {
    const signedEarlier = await client.requestToken({ timestamp: utcTimestamp(new Date(Date.now() - MINUTE)) });
    expect(signedEarlier.status).toBe(200);
    // Same appId, a valid signature, but over a different text than the one sent.
    const stale = utcTimestamp(new Date(Date.now() - 2 * MINUTE));
    const sign = await signRsaSha256(`appId=${mock.keys.appId}&timestamp=${stale}`, client.merchantPrivateKey);
    await expectRefusal(await client.requestToken({ sign }), 'E01012');
  });

  it('refuses a body that is not JSON or lacks a field with E02003 (400)', async () => {
    for (const body of ['not json', '{"appId":"x"}', '[]']) {
      const answer = await client.post('/api/v2/token', body);
      expect(answer.status).toBe(400);
      expect(answer.json?.code).toBe('E02003');
      expect(await client.verifyErrorBody(answer.json)).toBe(true);
    }
  });
});

describe('token expiry', () => {
  let mock: MockGateway;
  let client: TestClient;
  beforeAll(async () => {
    mock = await startMockGateway({ tokenTtlSeconds: 1 });
    client = new TestClient(mock);
  });
  afterAll(async () => {
    client.close();
    await mock.close();
  });

  it('refuses a token after its lifetime with E01003, and accepts a fresh one', async () => {
    const issued = await client.requestToken();
    const data = issued.json?.data as { accessToken: string; expiresIn: number };
    expect(data.expiresIn).toBe(1);
    expect((await client.pay('getBalance', { currency: 'USD' }, { token: data.accessToken })).status).toBe(200);

    await delay(1100);
    const expired = await client.pay('getBalance', { currency: 'USD' }, { token: data.accessToken });
    expect(expired.status).toBe(401);
    expect(expired.json?.code).toBe('E01003');
    expect(await client.verifyErrorBody(expired.json)).toBe(true);
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'E01003', service: 'getBalance' });

    const renewed = (await client.requestToken()).json!.data as { accessToken: string };
    expect((await client.pay('getBalance', { currency: 'USD' }, { token: renewed.accessToken })).status).toBe(200);
  });

  it('expireTokens() expires every token issued so far', async () => {
    const token = ((await client.requestToken()).json!.data as { accessToken: string }).accessToken;
    mock.expireTokens();
    expect((await client.pay('getBalance', { currency: 'USD' }, { token })).json?.code).toBe('E01003');
  });
});
