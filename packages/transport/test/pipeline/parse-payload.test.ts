import { describe, expect, it } from 'vitest';
import { aesEncrypt } from '../../src/crypto/aes.js';
import { signRsaSha256 } from '../../src/crypto/rsa.js';
import { ResponseFormatError } from '../../src/errors.js';
import { nextPsn, successBody, useLoopbackGateway } from '../support/loopback-gateway.js';
import { aesKey, platformPrivateKey } from '../support/test-keys.js';
import { balanceParams, testClient } from '../support/test-client.js';

/** A success envelope over exactly `plaintext` (successBody would write it with JSON.stringify, which cannot hold 2^53 + 1). */
async function rawSuccessBody(plaintext: string): Promise<string> {
  return JSON.stringify({
    statusCode: 0,
    psn: nextPsn(),
    bizContent: aesEncrypt(plaintext, aesKey),
    sign: await signRsaSha256(plaintext, platformPrivateKey),
  });
}

describe('parsePayload policy', () => {
  const gateway = useLoopbackGateway();

  it.each([
    ['a payload without status', { data: { currency: 'USD', balance: '1' } }],
    ['a status other than 0 or -1', { status: 1, data: null }],
    ['a JSON string instead of an object', 'ok'],
  ])('refuses %s after verification', async (_label, payload) => {
    gateway.handle(async () => ({ status: 200, body: await successBody(payload) }));
    const error = await testClient(gateway)
      .call('getBalance', balanceParams)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toMatch(/not a business payload/);
  });

  it('delivers an integer beyond 2^53 exactly, as its decimal string, never rounded', async () => {
    const order =
      '{"order_sn":"A1","platform_order_sn":"SS20240101121210000001","currency":"USD","amount":10.5,"payerID":9007199254740993,"status":"Paid"}';
    const plaintext = `{"status":0,"errorCode":null,"errorMessage":null,"data":{"total":1,"current_page":1,"per_page":10,"last_page":1,"orders":[${order}]}}`;
    gateway.handle(async () => ({ status: 200, body: await rawSuccessBody(plaintext) }));
    const result = await testClient(gateway).call('queryOrders', {
      startTime: '2024-01-01 00:00:00',
      endTime: '2024-01-31 23:59:59',
    });
    const [first] = (result.data as { orders: Record<string, unknown>[] }).orders;
    expect(first).toMatchObject({
      payerID: '9007199254740993',
      amount: 10.5,
      platform_order_sn: 'SS20240101121210000001',
    });
  });
});
