// sendNotification: a PaymentOrderStatus notification sealed like a response, as a merchant's endpoint receives it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validatePaymentOrderStatusNotification } from '@codepay/models';
import { aesDecrypt, loadAesKey, loadPublicKey, verifyRsaSha256 } from '@codepay/transport';
import { startMockGateway, type MockGateway } from '../src/index.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: { noticeType: string; bizContent: string; sign: string };
}

let mock: MockGateway;
let merchant: Server;
let merchantUrl: string;
let received: Received[] = [];
let answerWith: { status: number; contentType: string; body: string };

beforeAll(async () => {
  mock = await startMockGateway();
  merchant = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Received['body'],
      });
      response.writeHead(answerWith.status, { 'content-type': answerWith.contentType }).end(answerWith.body);
    });
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/codepay/notify`;
});

afterAll(async () => {
  await mock.close();
  await new Promise((resolve) => merchant.close(resolve));
});

beforeEach(() => {
  received = [];
  answerWith = { status: 200, contentType: 'application/json', body: '{ "code": 0 }' };
});

/** What a merchant does with the body: decrypt, verify, parse. */
async function openNotification(body: Received['body']): Promise<{ plaintext: string; signatureValid: boolean }> {
  const plaintext = aesDecrypt(body.bizContent, loadAesKey(mock.keys.aesKey));
  const signatureValid = await verifyRsaSha256(plaintext, body.sign, loadPublicKey(mock.keys.platformPublicKey));
  return { plaintext, signatureValid };
}

describe('sendNotification', () => {
  it('POSTs a sealed notification that decrypts, verifies and validates, and returns the answer', async () => {
    const answer = await mock.sendNotification(merchantUrl);
    expect(answer).toMatchObject({ status: 200, body: { code: 0 } });

    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [Received];
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Object.keys(body)).toEqual(['noticeType', 'bizContent', 'sign']);
    expect(body.noticeType).toBe('PaymentOrderStatus');

    const { plaintext, signatureValid } = await openNotification(body);
    expect(signatureValid).toBe(true);
    const notification = JSON.parse(plaintext) as unknown;
    expect(
      validatePaymentOrderStatusNotification(notification),
      JSON.stringify(validatePaymentOrderStatusNotification.errors),
    ).toBe(true);
    // The spec's example event.
    expect(notification).toMatchObject({
      PaymentOrderStatus: { order_sn: 'ABC123456789', status: 'Paid', requestID: 1234567 },
    });
  });

  it('merges the given event into the spec example', async () => {
    await mock.sendNotification(merchantUrl, { order_sn: 'ORD-42', status: 'RefundCompleted', failTimes: 2 });
    const notification = JSON.parse((await openNotification(received[0]!.body)).plaintext) as {
      PaymentOrderStatus: Record<string, unknown>;
    };
    expect(notification.PaymentOrderStatus).toMatchObject({
      order_sn: 'ORD-42',
      status: 'RefundCompleted',
      failTimes: 2,
      platform_order_sn: 'SS20231108073007000001',
      currency: 'USD',
    });
    expect(validatePaymentOrderStatusNotification(notification)).toBe(true);
  });

  it('can send a notification whose signature does not verify, or that is under another AES key', async () => {
    await mock.sendNotification(merchantUrl, {}, { tampering: 'bad-signature' });
    expect((await openNotification(received[0]!.body)).signatureValid).toBe(false);

    await mock.sendNotification(merchantUrl, {}, { tampering: 'wrong-key' });
    // Almost always a padding error; if the padding happens to look valid, the signature still fails.
    const outcome = await openNotification(received[1]!.body).then(
      ({ signatureValid }) => (signatureValid ? 'valid' : 'bad signature'),
      () => 'undecryptable',
    );
    expect(outcome).not.toBe('valid');
  });

  it('returns a non-JSON answer as text, with its status', async () => {
    answerWith = { status: 500, contentType: 'text/plain', body: 'try again later' };
    expect(await mock.sendNotification(merchantUrl)).toMatchObject({ status: 500, body: 'try again later' });
  });

  it('passes extra headers and rejects when nobody listens', async () => {
    await mock.sendNotification(merchantUrl, {}, { headers: { 'x-test': 'yes' } });
    expect(received[0]!.headers['x-test']).toBe('yes');
    await expect(mock.sendNotification('http://127.0.0.1:1/notify')).rejects.toThrow(/ECONNREFUSED/);
    await expect(mock.sendNotification('ftp://127.0.0.1/notify')).rejects.toThrow(/http: or https:/);
  });
});
