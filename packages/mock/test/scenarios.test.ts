// Fault injection: each `x-mock-scenario`, the queue (`queueScenario`), and how both interact with the endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames, type ServiceName } from '@codepay/models';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { expectGatewayError as expectSignedGatewayError, TestClient, type RawAnswer } from './support/test-client.js';

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

const balance = { currency: 'USD' };
const scenario = (name: string, headers: Record<string, string> = {}) => ({
  headers: { 'x-mock-scenario': name, ...headers },
});

const expectGatewayError = (answer: RawAnswer, httpStatus: number, code: string) =>
  expectSignedGatewayError(client, answer, httpStatus, code);

describe('x-mock-scenario', () => {
  it('business-error: a sealed answer with status -1, P0001 and a localized message', async () => {
    const answer = await client.pay('createOrder', {}, scenario('business-error'));
    expect(answer.status).toBe(200);
    expect(answer.signatureValid).toBe(true);
    expect(answer.payload).toEqual({
      status: -1,
      errorCode: 'P0001',
      errorMessage: 'The request was rejected by a business rule (simulated failure)',
      data: null,
    });
    expect(mock.requests.at(-1)).toMatchObject({
      outcome: 'business-error',
      code: 'P0001',
      scenario: 'business-error:P0001',
    });

    const french = await client.pay(
      'getBalance',
      balance,
      scenario('business-error:P1234', { 'accept-language': 'fr-FR' }),
    );
    expect(french.payload).toMatchObject({
      status: -1,
      errorCode: 'P1234',
      errorMessage: expect.stringContaining('règle métier'),
    });
  });

  it('gateway-error: E05000 with HTTP 500 by default, or the given code with its status', async () => {
    await expectGatewayError(await client.pay('getBalance', balance, scenario('gateway-error')), 500, 'E05000');
    const notAuthorized = await client.pay('getBalance', balance, scenario('gateway-error:E07303'));
    await expectGatewayError(notAuthorized, 200, 'E07303');
    expect(notAuthorized.json?.msg).toBe('API not authorized or does not exist');
    await expectGatewayError(await client.pay('getBalance', balance, scenario('gateway-error:E01002')), 401, 'E01002');
    const unknownCode = await client.pay('getBalance', balance, scenario('gateway-error:E09999'));
    await expectGatewayError(unknownCode, 200, 'E09999');
    expect(unknownCode.json?.msg).toBe('Gateway error (simulated)');
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'gateway-error', code: 'E09999' });
  });

  it('bad-signature: decrypts to a valid answer whose sign does not verify', async () => {
    const answer = await client.pay('getBalance', balance, scenario('bad-signature'));
    expect(answer.status).toBe(200);
    expect(answer.payload).toMatchObject({ status: 0, data: { currency: 'USD' } });
    expect(answer.signatureValid).toBe(false);
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'bad-signature', service: 'getBalance' });
  });

  it('wrong-key: bizContent is under another AES key', async () => {
    const answer = await client.pay('getBalance', balance, scenario('wrong-key'));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ statusCode: 0, bizContent: expect.any(String), sign: expect.any(String) });
    // Almost always a padding error; in the rare case the padding happens to look valid, the signature fails.
    expect(answer.decryptError !== undefined || answer.signatureValid === false).toBe(true);
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'wrong-key' });
  });

  it('slow:<ms>: the normal answer after the delay', async () => {
    const started = performance.now();
    const answer = await client.pay('getBalance', balance, scenario('slow:300'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    expect(answer.payload?.status).toBe(0);
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'ok', scenario: 'slow:300' });
  });

  it('drop: reads the request, then closes the connection without answering', async () => {
    await expect(client.pay('getBalance', balance, scenario('drop'))).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'drop', service: 'getBalance', params: balance });
    expect(mock.requests.at(-1)).not.toHaveProperty('httpStatus');
    // The gateway still answers the next request.
    expect((await client.pay('getBalance', balance)).status).toBe(200);
  });

  it('http-500: HTTP 500 with the signed E05000 body', async () => {
    await expectGatewayError(await client.pay('getBalance', balance, scenario('http-500')), 500, 'E05000');
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'http-500', code: 'E05000', httpStatus: 500 });
  });

  it('http-503[:s]: HTTP 503 with E05030 and Retry-After (1 s by default)', async () => {
    const answer = await client.pay('getBalance', balance, scenario('http-503'));
    await expectGatewayError(answer, 503, 'E05030');
    expect(answer.headers['retry-after']).toBe('1');
    const longer = await client.pay('getBalance', balance, scenario('http-503:3'));
    expect(longer.headers['retry-after']).toBe('3');
  });

  it('html: HTTP 502 with an HTML page', async () => {
    const answer = await client.pay('getBalance', balance, scenario('html'));
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.text).toContain('<html>');
    expect(answer.json).toBeUndefined();
  });

  it('expired-token: E01003 with HTTP 401 even for a valid token', async () => {
    await expectGatewayError(await client.pay('getBalance', balance, scenario('expired-token')), 401, 'E01003');
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'expired-token', code: 'E01003' });
  });

  it('transport-level scenarios need no valid token', async () => {
    await expectGatewayError(
      await client.pay('getBalance', balance, { token: null, ...scenario('http-503') }),
      503,
      'E05030',
    );
  });

  it('answers 400 MOCK_SCENARIO for a scenario it does not know, naming the known ones', async () => {
    for (const text of ['explode', 'slow:soon', 'drop:1', 'http-503:-1']) {
      const answer = await client.pay('getBalance', balance, scenario(text));
      await expectGatewayError(answer, 400, 'MOCK_SCENARIO');
    }
    const answer = await client.pay('getBalance', balance, scenario('explode'));
    expect(answer.json?.msg).toContain('business-error, gateway-error, bad-signature');
  });

  it('applies transport-level scenarios to /api/v2/token, and refuses the others there', async () => {
    const unavailable = await client.requestToken({ headers: { 'x-mock-scenario': 'http-503:2' } });
    await expectGatewayError(unavailable, 503, 'E05030');
    expect(unavailable.headers['retry-after']).toBe('2');
    expect(mock.requests.at(-1)).toMatchObject({ endpoint: 'token', outcome: 'http-503' });
    await expect(client.requestToken({ headers: { 'x-mock-scenario': 'drop' } })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    await expectGatewayError(
      await client.requestToken({ headers: { 'x-mock-scenario': 'bad-signature' } }),
      400,
      'MOCK_SCENARIO',
    );
  });
});

describe('queueScenario', () => {
  it('applies to the next N pay requests, then stops', async () => {
    mock.queueScenario('http-503', { times: 2 });
    const statuses = [];
    for (let call = 0; call < 3; call++) statuses.push((await client.pay('getBalance', balance)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('defaults to one request, and runs queued scenarios in order', async () => {
    mock.queueScenario('http-500');
    mock.queueScenario('expired-token');
    const codes = [];
    for (let call = 0; call < 3; call++) codes.push((await client.pay('getBalance', balance)).json?.code);
    expect(codes).toEqual(['E05000', 'E01003', undefined]);
  });

  it('wins over the header', async () => {
    mock.queueScenario('business-error:P0002');
    const answer = await client.pay('getBalance', balance, scenario('http-500'));
    expect(answer.payload?.errorCode).toBe('P0002');
  });

  it('can target the token endpoint', async () => {
    mock.queueScenario('http-500', { endpoint: 'token' });
    expect((await client.requestToken()).status).toBe(500);
    expect((await client.requestToken()).status).toBe(200);
  });

  it('refuses unknown scenarios and bad counts at once', () => {
    // @ts-expect-error -- a scenario name is typed, so a typo does not compile; from JavaScript it throws at once.
    expect(() => mock.queueScenario('explode')).toThrow(/not a scenario/);
    expect(() => mock.queueScenario('drop', { times: 0 })).toThrow(/positive integer/);
  });

  it('with service, applies only to that service and leaves other requests untouched', async () => {
    mock.queueScenario('http-503', { service: 'getPayer', times: 2 });
    expect((await client.pay('getBalance', balance)).status).toBe(200);
    expect((await client.pay('getBalance', balance)).status).toBe(200);
    expect((await client.pay('getPayer', { email: 'nobody@example.com' })).status).toBe(503);
    expect((await client.pay('getBalance', balance)).status).toBe(200);
    expect((await client.pay('getPayer', { email: 'nobody@example.com' })).status).toBe(503);
    expect((await client.pay('getPayer', { email: 'nobody@example.com' })).status).toBe(200);
    expect(mock.requests.slice(-6).map((r) => `${r.service} ${r.outcome}`)).toEqual([
      'getBalance ok',
      'getBalance ok',
      'getPayer http-503',
      'getBalance ok',
      'getPayer http-503',
      'getPayer business-error',
    ]);
  });

  it('each request takes the oldest entry that applies to it, targeted or not', async () => {
    mock.queueScenario('http-500', { service: 'getPayer' });
    mock.queueScenario('expired-token');
    expect((await client.pay('getBalance', balance)).json?.code).toBe('E01003');
    expect((await client.pay('getPayer', { email: 'nobody@example.com' })).json?.code).toBe('E05000');
    expect((await client.pay('getBalance', balance)).status).toBe(200);
  });

  it('an entry for a service waits while requests without a readable service pass', async () => {
    mock.queueScenario('http-500', { service: 'getBalance' });
    const answer = await client.post('/api/v2/pay', 'not json', { authorization: `Bearer ${await client.token()}` });
    await expectGatewayError(answer, 400, 'E02003');
    expect((await client.pay('getBalance', balance)).status).toBe(500);
  });

  it('refuses a service the gateway does not know, naming the known ones, and a service on the token endpoint', async () => {
    // @ts-expect-error -- service names are typed too.
    expect(() => mock.queueScenario('drop', { service: 'createorder' })).toThrow(RangeError);
    expect(() => mock.queueScenario('drop', { service: 'getbalance' as ServiceName })).toThrow(
      new RegExp(`service must be one of ${serviceNames.join(', ')}; received getbalance`),
    );
    expect(() => mock.queueScenario('drop', { service: 'getBalance', endpoint: 'token' })).toThrow(/pay endpoint only/);
    expect(() => mock.queueScenario('drop', { service: 'getBalance', endpoint: 'token' })).toThrow(RangeError);
    // Nothing refused was queued.
    expect((await client.pay('getBalance', balance)).status).toBe(200);
  });

  it('clearScenarios() drops what is queued', async () => {
    mock.queueScenario('http-500', { times: 5 });
    mock.clearScenarios();
    expect((await client.pay('getBalance', balance)).status).toBe(200);
  });
});

describe('timing options', () => {
  it('latencyMs delays every answer', async () => {
    const slowGateway = await startMockGateway({ latencyMs: 150, keys: mock.keys });
    const slowClient = new TestClient(slowGateway);
    try {
      const started = performance.now();
      expect((await slowClient.pay('getBalance', balance)).status).toBe(200);
      // Two requests (token, then pay), each delayed.
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      slowClient.close();
      await slowGateway.close();
    }
  });

  it('close() does not wait for a slow answer', async () => {
    const gateway = await startMockGateway({ keys: mock.keys });
    const slowClient = new TestClient(gateway);
    try {
      await slowClient.token();
      const pending = slowClient.pay('getBalance', balance, scenario('slow:5000'));
      const settled = pending.then(
        () => 'answered',
        () => 'failed',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = performance.now();
      await gateway.close();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(await settled).toBe('failed');
    } finally {
      slowClient.close();
    }
  });
});
