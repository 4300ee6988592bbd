import { describe, expect, it } from 'vitest';
import { vectors } from '../crypto/vectors.js';
import { testClient } from '../support/test-client.js';

// prepare() runs the request side of the real pipeline (validate → serialize → encrypt and sign) without sending.
describe('encryptAndSign policy', () => {
  const client = testClient({ url: 'http://127.0.0.1:9' });

  it.each(vectors.filter((v) => v.signer === 'merchant' && v.name.endsWith('request')))(
    'reproduces the OpenSSL vector "$name" byte for byte',
    async (vector) => {
      const params = JSON.parse(vector.plaintext);
      const service = vector.name.startsWith('createPayer') ? 'createPayer' : 'createOrder';
      const prepared = await client.prepare(service, params);
      expect(prepared.plaintext).toBe(vector.plaintext);
      expect(prepared.bizContent).toBe(vector.bizContent);
      expect(prepared.sign).toBe(vector.sign);
      expect(JSON.parse(prepared.body)).toEqual({ service, bizContent: vector.bizContent, sign: vector.sign });
    },
  );

  it('gives the headers that will be sent, without the bearer token', async () => {
    const prepared = await client.prepare('getBalance', { currency: 'USD' });
    expect(prepared.url).toBe('http://127.0.0.1:9/api/v2/pay');
    expect(prepared.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'accept-language': 'en-US',
    });
    expect(prepared.headers['user-agent']).toMatch(/^codepay-transport\/\d+\.\d+\.\d+ \(spec [0-9a-f]{12}; node v\d+/);
    expect(prepared.headers).not.toHaveProperty('authorization');
  });
});
