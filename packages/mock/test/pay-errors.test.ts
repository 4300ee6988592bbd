// Every way /api/v2/pay refuses a request: bearer token (401), envelope (400), service (E07303 with 200),
// parameters (P0400 inside a normal signed, encrypted answer), paths and methods (404, 405), and Prism's own
// failures (E05000). Error bodies are always signed.
import { createSecretKey, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRsaSha256 } from '@codepay/transport';
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

const expectGatewayError = (answer: RawAnswer, httpStatus: number, code: string) =>
  expectSignedGatewayError(client, answer, httpStatus, code);

describe('bearer token (HTTP 401)', () => {
  it('E01001 without an Authorization header', async () => {
    await expectGatewayError(await client.pay('getBalance', { currency: 'USD' }, { token: null }), 401, 'E01001');
    expect(mock.requests.at(-1)).toMatchObject({
      outcome: 'E01001',
      code: 'E01001',
      service: 'getBalance',
      params: { currency: 'USD' },
    });
  });

  it('E01001 with another scheme than Bearer', async () => {
    const answer = await client.pay(
      'getBalance',
      { currency: 'USD' },
      { token: null, headers: { authorization: 'Basic dXNlcjpwYXNz' } },
    );
    await expectGatewayError(answer, 401, 'E01001');
  });

  it('E01002 with a token the gateway never issued', async () => {
    await expectGatewayError(
      await client.pay('getBalance', { currency: 'USD' }, { token: 'mock_forged' }),
      401,
      'E01002',
    );
  });

  it('checks the token before the envelope', async () => {
    await expectGatewayError(
      await client.post('/api/v2/pay', 'not json', { authorization: 'Bearer nope' }),
      401,
      'E01002',
    );
  });
});

describe('envelope (HTTP 400)', () => {
  it('E02003 when the body is not JSON, not an object, or lacks service, bizContent or sign', async () => {
    const authorization = `Bearer ${await client.token()}`;
    const bodies = [
      'not json',
      '[]',
      '"text"',
      '{}',
      '{"bizContent":"AAAA","sign":"AAAA"}',
      '{"service":"getBalance","sign":"AAAA"}',
      '{"service":"getBalance","bizContent":"AAAA"}',
      '{"service":"getBalance","bizContent":"","sign":"AAAA"}',
      '{"service":1,"bizContent":"AAAA","sign":"AAAA"}',
    ];
    for (const body of bodies) {
      await expectGatewayError(await client.post('/api/v2/pay', body, { authorization }), 400, 'E02003');
    }
  });

  it('E02003 for a body over 1 MiB', async () => {
    const authorization = `Bearer ${await client.token()}`;
    const huge = JSON.stringify({ service: 'getBalance', bizContent: 'A'.repeat(1024 * 1024 + 16), sign: 'AAAA' });
    await expectGatewayError(await client.post('/api/v2/pay', huge, { authorization }), 400, 'E02003');
  });

  it('E02002 when bizContent was encrypted with another AES key', async () => {
    const answer = await client.pay('getBalance', { currency: 'USD' }, { aesKey: createSecretKey(randomBytes(16)) });
    await expectGatewayError(answer, 400, 'E02002');
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'E02002', service: 'getBalance' });
    expect(mock.requests.at(-1)).not.toHaveProperty('params');
  });

  it('E02002 when bizContent is not Base64 or not whole AES blocks', async () => {
    const authorization = `Bearer ${await client.token()}`;
    for (const bizContent of ['***', 'AAAA']) {
      const body = JSON.stringify({ service: 'getBalance', bizContent, sign: 'AAAA' });
      await expectGatewayError(await client.post('/api/v2/pay', body, { authorization }), 400, 'E02002');
    }
  });

  it('E02001 when the signature is over other text', async () => {
    const sign = await signRsaSha256('{"currency":"EUR"}', client.merchantPrivateKey);
    await expectGatewayError(await client.pay('getBalance', { currency: 'USD' }, { sign }), 400, 'E02001');
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'E02001', params: { currency: 'USD' } });
  });

  it('E02001 when the signature is not a signature', async () => {
    await expectGatewayError(await client.pay('getBalance', { currency: 'USD' }, { sign: 'AAAA' }), 400, 'E02001');
  });

  it('checks the signature before the service name', async () => {
    await expectGatewayError(await client.pay('noSuchService', {}, { sign: 'AAAA' }), 400, 'E02001');
  });
});

describe('service (E07303, HTTP 200)', () => {
  it.each(['deletePayer', 'GetBalance', 'getbalance', 'constructor', '__proto__'])('refuses "%s"', async (service) => {
    const answer = await client.pay(service, { currency: 'USD' });
    await expectGatewayError(answer, 200, 'E07303');
    expect(answer.json?.msg).toBe('API not authorized or does not exist');
  });
});

describe('parameters (P0400 inside a sealed answer)', () => {
  it('names every invalid field', async () => {
    const answer = await client.pay('getBalance', { currency: 'usd', extra: 1 });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ statusCode: 0, psn: expect.stringMatching(/^PSN/) });
    expect(answer.signatureValid).toBe(true);
    expect(answer.payload).toMatchObject({ status: -1, errorCode: 'P0400', data: null });
    expect(answer.payload?.errorMessage).toMatch(/^Invalid parameters: /);
    expect(answer.payload?.errorMessage).toContain('currency');
    expect(answer.payload?.errorMessage).toContain("'extra'");
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'invalid-params', code: 'P0400', service: 'getBalance' });
  });

  it('names missing required fields', async () => {
    const answer = await client.pay('createOrder', { currency: 'USD', amount: 1 });
    expect(answer.payload?.errorCode).toBe('P0400');
    for (const field of ['order_sn', 'payerID', 'purposeOfTransaction', 'description', 'domain', 'product']) {
      expect(answer.payload?.errorMessage).toContain(`'${field}'`);
    }
  });

  it('checks the documented rules and limits (empty email, pageSize, unsafe integers)', async () => {
    expect((await client.pay('getPayer', { email: '' })).payload?.errorMessage).toContain('email');
    const paging = await client.pay('queryOrders', {
      startTime: '2024-01-01 00:00:00',
      endTime: '2024-01-31 23:59:59',
      pageSize: 101,
    });
    expect(paging.payload?.errorMessage).toContain('pageSize');
    const order = await client.pay('queryOrder', { order_sn: 'A', linkID: '' });
    expect(order.payload?.errorMessage).toContain('linkID');
  });

  it('answers P0400 when the decrypted bizContent is not JSON', async () => {
    const answer = await client.pay('getBalance', undefined, { plaintext: 'currency=USD' });
    expect(answer.signatureValid).toBe(true);
    expect(answer.payload).toEqual({
      status: -1,
      errorCode: 'P0400',
      errorMessage: 'Invalid parameters: bizContent is not valid JSON',
      data: null,
    });
  });
});

describe('paths and methods', () => {
  it('404 E04040 for an unknown path, whatever the method', async () => {
    await expectGatewayError(await client.post('/api/v2/other', '{}'), 404, 'E04040');
    await expectGatewayError(await client.post('/nowhere', '', {}, 'GET'), 404, 'E04040');
    await expectGatewayError(await client.post('/', '{}'), 404, 'E04040'); // GET / is the dashboard; nothing else is there
    await expectGatewayError(await client.post('/services/getBalance', '{"currency":"USD"}'), 404, 'E04040');
    expect(mock.requests.at(-1)).toMatchObject({ endpoint: 'other', path: '/services/getBalance', outcome: 'E04040' });
  });

  it('405 E04050 with Allow: POST for another method on a known path', async () => {
    for (const path of ['/api/v2/pay', '/api/v2/token']) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const answer = await client.post(path, '', {}, method);
        await expectGatewayError(answer, 405, 'E04050');
        expect(answer.headers.allow).toBe('POST');
      }
    }
  });

  it('ignores the query string when routing', async () => {
    const answer = await client.pay('getBalance', { currency: 'USD' });
    expect(answer.status).toBe(200);
    const withQuery = await client.post('/api/v2/pay?x=1', await client.envelope('getBalance', { currency: 'USD' }), {
      authorization: `Bearer ${await client.token()}`,
    });
    expect(withQuery.status).toBe(200);
  });
});

describe("Prism's Prefer header", () => {
  it('passes code=200 through', async () => {
    const answer = await client.pay('getBalance', { currency: 'USD' }, { headers: { prefer: 'code=200' } });
    expect(answer.payload?.data).toEqual({ currency: 'USD', balance: '2024.12' });
  });

  it('answers E05000 (HTTP 500) naming the problem when Prism cannot mock, e.g. an unknown example', async () => {
    const answer = await client.pay('getBalance', { currency: 'USD' }, { headers: { prefer: 'example=nope' } });
    await expectGatewayError(answer, 500, 'E05000');
    expect(answer.json?.msg).toMatch(/^Internal gateway error: Prism: .*nope/);
  });
});
