// With the shared test keys, the mock's getBalance answer is byte for byte the OpenSSL-made known-answer vector:
// the payload is serialized once, in the documented key order, then encrypted and signed over exactly those bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { TestClient } from './support/test-client.js';

// The OpenSSL-made vectors in the repository's test-vectors/ folder, as for the transport's crypto tests.
const vectorsDir = fileURLToPath(new URL('../../../test-vectors/', import.meta.url));
const read = (name: string) => readFileSync(path.join(vectorsDir, name), 'utf8').trim();

interface Vector {
  name: string;
  plaintext: string;
  bizContent: string;
  sign: string;
}

let mock: MockGateway;
let client: TestClient;
let vectors: Vector[];

beforeAll(async () => {
  const file = JSON.parse(read('vectors.json')) as { aesKey: string; vectors: Vector[] };
  vectors = file.vectors;
  mock = await startMockGateway({
    keys: {
      appId: 'app_vectors',
      merchantPrivateKey: read('merchant_private_pkcs8.b64'),
      merchantPublicKey: read('merchant_public_spki.b64'),
      // PEM is accepted too, and exposed in the dashboard's Base64 DER form.
      platformPrivateKey: read('platform_private_pkcs1.pem'),
      platformPublicKey: read('platform_public_spki.b64'),
      aesKey: file.aesKey,
    },
  });
  client = new TestClient(mock);
});

afterAll(async () => {
  client?.close();
  await mock?.close();
});

it('exposes given PEM keys in the Base64 DER form', () => {
  expect(mock.keys.platformPrivateKey).toBe(read('platform_private_pkcs8.b64'));
  expect(mock.clientKeys).toEqual({
    appId: 'app_vectors',
    merchantPrivateKey: read('merchant_private_pkcs8.b64'),
    platformPublicKey: read('platform_public_spki.b64'),
    aesKey: mock.keys.aesKey,
  });
});

it('answers getBalance with exactly the known-answer bizContent and sign', async () => {
  const vector = vectors.find((candidate) => candidate.name === 'getBalance response');
  expect(vector).toBeDefined();
  const answer = await client.pay('getBalance', { currency: 'USD' });
  expect(answer.plaintext).toBe(vector?.plaintext);
  expect(answer.json?.bizContent).toBe(vector?.bizContent);
  expect(answer.json?.sign).toBe(vector?.sign);
});

it('accepts the known-answer request envelopes', async () => {
  const requests = vectors.filter((candidate) => candidate.name.endsWith(' request'));
  expect(requests.length).toBeGreaterThan(0);
  for (const vector of requests) {
    const service = vector.name.split(' ')[0] ?? '';
    const body = JSON.stringify({ service, bizContent: vector.bizContent, sign: vector.sign });
    const answer = await client.open(
      await client.post('/api/v2/pay', body, { authorization: `Bearer ${await client.token()}` }),
    );
    expect(answer.payload?.status, vector.name).toBe(0);
    expect(mock.requests.at(-1)?.params).toEqual(JSON.parse(vector.plaintext));
  }
});

it('refuses keys that do not form pairs, at start-up', async () => {
  await expect(
    startMockGateway({ keys: { ...mock.keys, platformPublicKey: mock.keys.merchantPublicKey } }),
  ).rejects.toThrow(/do not form a pair/);
});
