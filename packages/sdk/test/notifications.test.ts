import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useMockClient } from './support/mock-client.js';
import { aesEncrypt, loadAesKey, loadPrivateKey, signRsaSha256 } from '@codepay/transport';
import { ResponseFormatError, SignatureVerificationError, type PaymentOrderStatusEvent } from '../src/index.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
}

async function post(url: string, body: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: await response.json() };
}

describe('notifications', () => {
  const env = useMockClient();

  /** A notification sealed with the mock's platform key, as the platform sends it. */
  async function sealed(content: unknown, signer = loadPrivateKey(env.mock.keys.platformPrivateKey)): Promise<string> {
    const plaintext = JSON.stringify(content);
    return JSON.stringify({
      noticeType: 'PaymentOrderStatus',
      bizContent: aesEncrypt(plaintext, loadAesKey(env.mock.keys.aesKey)),
      sign: await signRsaSha256(plaintext, signer),
    });
  }

  it('the node:http handler verifies a notification from env.mock.sendNotification and answers {"code":0}', async () => {
    const events: PaymentOrderStatusEvent[] = [];
    const server = createServer(env.codepay.notifications.handler(async (event) => void events.push(event)));
    const url = await listen(server);
    const answer = await env.mock.sendNotification(url, { order_sn: 'N-1', status: 'Paid', amount: 12.5 });
    server.close();
    expect(answer).toMatchObject({ status: 200, body: { code: 0 } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ order_sn: 'N-1', status: 'Paid', amount: 12.5 });
  });

  it('verifyAndDecrypt returns the typed event; ack() is {code: 0}', async () => {
    const event = await env.codepay.notifications.verifyAndDecrypt(
      await sealed({ PaymentOrderStatus: { order_sn: 'N-2', platform_order_sn: 'SS2', status: 'Expired' } }),
    );
    expect(event).toEqual({ order_sn: 'N-2', platform_order_sn: 'SS2', status: 'Expired' });
    expect(env.codepay.notifications.ack()).toEqual({ code: 0 });
  });

  it('a forged signature raises SignatureVerificationError and the listener is never called', async () => {
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const body = await sealed(
      { PaymentOrderStatus: { order_sn: 'N-3', platform_order_sn: 'SS3', status: 'Paid' } },
      forger,
    );
    await expect(env.codepay.notifications.verifyAndDecrypt(body)).rejects.toBeInstanceOf(SignatureVerificationError);
    let called = false;
    const server = createServer(
      env.codepay.notifications.handler(() => {
        called = true;
      }),
    );
    const answer = await post(await listen(server), body);
    server.close();
    expect(answer.status).toBe(400);
    expect(called).toBe(false);
  });

  it.each([
    ['not JSON', 'hello'],
    ['another noticeType', JSON.stringify({ noticeType: 'Refund', bizContent: 'AAAA', sign: 'AAAA' })],
    ['no sign', JSON.stringify({ noticeType: 'PaymentOrderStatus', bizContent: 'AAAA' })],
  ])('a body that is %s raises ResponseFormatError', async (_label, body) => {
    await expect(env.codepay.notifications.verifyAndDecrypt(body)).rejects.toBeInstanceOf(ResponseFormatError);
  });

  it.each([
    ['null', null, /it is null; pass the raw body/],
    ['a number', 42, /it is a number; pass the raw body/],
    ['an array', [], /it is an array; pass the raw body/],
    [
      'a parsed body with an object noticeType',
      { noticeType: { toString: {} } },
      /noticeType is an object, not "PaymentOrderStatus"/,
    ],
    [
      'a parsed body with a long noticeType',
      { noticeType: 'x'.repeat(5000) },
      /noticeType is a 5000-character string, not "PaymentOrderStatus"/,
    ],
  ])(
    'from plain JavaScript, %s raises a ResponseFormatError saying what is expected, never a TypeError',
    async (_label, body, message) => {
      const error = await env.codepay.notifications.verifyAndDecrypt(body as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseFormatError);
      expect((error as Error).message).toMatch(message);
    },
  );

  it('verified content that is not a PaymentOrderStatus notification raises ResponseFormatError', async () => {
    await expect(env.codepay.notifications.verifyAndDecrypt(await sealed({ order_sn: 'N-4' }))).rejects.toThrow(
      /carries no PaymentOrderStatus event/,
    );
  });

  it('a verified event with an unknown status or a mistyped optional field reaches the listener, with its drift', async () => {
    // Refusing it would make the platform retry ten times and then drop the notification for good.
    const event = await env.codepay.notifications.verifyAndDecrypt(
      await sealed({
        PaymentOrderStatus: {
          order_sn: 'N-7',
          platform_order_sn: 'SS7',
          status: 'PartiallyRefunded',
          failTimes: 'two',
        },
      }),
    );
    expect(event).toMatchObject({ order_sn: 'N-7', status: 'PartiallyRefunded', failTimes: 'two' });
    const drift = (event as unknown as { drift: Array<{ path: string; keyword: string }> }).drift;
    expect(drift.map((d) => `${d.path} ${d.keyword}`)).toEqual(
      expect.arrayContaining(['/status enum', '/failTimes type']),
    );
    expect(Object.keys(event)).not.toContain('drift');
  });

  it('a listener that throws is answered 500 so the platform retries', async () => {
    const server = createServer(
      env.codepay.notifications.handler(async () => {
        throw new Error('database down');
      }),
    );
    const answer = await env.mock.sendNotification(await listen(server), { order_sn: 'N-5' });
    server.close();
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: 500 });
  });

  it('works Express-style with a body already parsed by express.json() or read by express.raw()', async () => {
    const body = await sealed({ PaymentOrderStatus: { order_sn: 'N-6', platform_order_sn: 'SS6', status: 'Paid' } });
    for (const preRead of [JSON.parse(body), Buffer.from(body)]) {
      const events: PaymentOrderStatusEvent[] = [];
      const handler = env.codepay.notifications.handler((event) => void events.push(event));
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => void handler(Object.assign(req, { body: preRead }), res));
      });
      const answer = await post(await listen(server), body);
      server.close();
      expect(answer).toEqual({ status: 200, body: { code: 0 } });
      expect(events[0]?.order_sn).toBe('N-6');
    }
  });
});
