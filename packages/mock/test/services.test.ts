// Every service answers through the full envelope, and every answer's data satisfies the SDK's own result schema,
// with static examples and with Prism's generated data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames, services, type ServiceName } from '@codepay/models';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { sampleParams } from './support/sample-params.js';
import { TestClient } from './support/test-client.js';

async function expectValidAnswer(client: TestClient, service: ServiceName): Promise<unknown> {
  const answer = await client.pay(service, sampleParams[service]);
  expect(answer.status).toBe(200);
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(answer.json).toMatchObject({ statusCode: 0, psn: expect.stringMatching(/^PSN\d{20}$/) });
  expect(answer.signatureValid).toBe(true);
  expect(answer.payload).toMatchObject({ status: 0, errorCode: null, errorMessage: null });
  const data = answer.payload?.data;
  const validateResult = services[service].validateResult;
  expect(validateResult(data), JSON.stringify(validateResult.errors)).toBe(true);
  return data;
}

it('the sample parameters are valid for the SDK', () => {
  for (const service of serviceNames) {
    expect(services[service].validateParams(sampleParams[service]), service).toBe(true);
  }
});

describe('static mode (the spec examples)', () => {
  let mock: MockGateway;
  let client: TestClient;
  beforeAll(async () => {
    // The sample parameters name the spec's example payer and order, which this gateway never created.
    mock = await startMockGateway({ unknownRecords: 'examples' });
    client = new TestClient(mock);
  });
  afterAll(async () => {
    client.close();
    await mock.close();
  });

  it.each(serviceNames)('%s answers with valid data', async (service) => {
    await expectValidAnswer(client, service);
  });

  it('answers getBalance with the spec example', async () => {
    expect(await expectValidAnswer(client, 'getBalance')).toEqual({ currency: 'USD', balance: '2024.12' });
  });

  it('records each request with its service, decrypted params and psn', async () => {
    const answer = await client.pay('getPayer', { email: 'wendy@example.com' });
    const entry = mock.requests.at(-1);
    expect(entry).toMatchObject({
      endpoint: 'pay',
      method: 'POST',
      path: '/api/v2/pay',
      service: 'getPayer',
      params: { email: 'wendy@example.com' },
      psn: answer.json?.psn,
      httpStatus: 200,
      outcome: 'ok',
      language: 'en-US',
    });
    expect(entry?.receivedAt).toBeInstanceOf(Date);
  });
});

describe('dynamic mode (Prism-generated data, seeded)', () => {
  let mock: MockGateway;
  let client: TestClient;
  beforeAll(async () => {
    mock = await startMockGateway({ dynamic: true, seed: 'codepay-dynamic' });
    client = new TestClient(mock);
  });
  afterAll(async () => {
    client.close();
    await mock.close();
  });

  it.each(serviceNames)('%s answers with valid generated data, several calls in a row', async (service) => {
    const answers = [];
    for (let call = 0; call < 5; call++) answers.push(await expectValidAnswer(client, service));
    // Generated, not the static example, and different from call to call.
    expect(new Set(answers.map((data) => JSON.stringify(data))).size).toBeGreaterThan(1);
  });

  it('repeats the same data for the same seed', async () => {
    const again = await startMockGateway({ dynamic: true, seed: 'same-seed', keys: mock.keys });
    const other = await startMockGateway({ dynamic: true, seed: 'same-seed', keys: mock.keys });
    const first = new TestClient(again);
    const second = new TestClient(other);
    try {
      for (const service of ['getBalance', 'queryOrders'] as const) {
        const [a, b] = await Promise.all([
          first.pay(service, sampleParams[service]),
          second.pay(service, sampleParams[service]),
        ]);
        expect(a.payload?.data).toEqual(b.payload?.data);
      }
    } finally {
      first.close();
      second.close();
      await Promise.all([again.close(), other.close()]);
    }
  });

  it('Prefer: dynamic=false answers one request with the static example', async () => {
    const answer = await client.pay('getBalance', { currency: 'USD' }, { headers: { prefer: 'dynamic=false' } });
    expect(answer.payload?.data).toEqual({ currency: 'USD', balance: '2024.12' });
  });
});
