// Webhook delivery: every status change is POSTed to the notification URL as the sealed notification, retried until
// the merchant answers {"code":0} (at most 10 attempts), every attempt recorded. The merchant servers here are real
// node:http servers on loopback; what they receive is opened with the transport's crypto, as a merchant would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { aesDecrypt, loadAesKey, loadPublicKey, verifyRsaSha256 } from '@codepay/transport';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { isAcknowledgement, retryDelays } from '../src/webhooks.js';
import { sampleParams } from './support/sample-params.js';
import { TestClient } from './support/test-client.js';

interface Received {
  noticeType: unknown;
  event: Record<string, unknown>;
  signatureValid: boolean;
}

interface Merchant {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

let mock: MockGateway;
let client: TestClient;
const servers: Server[] = [];

beforeAll(async () => {
  mock = await startMockGateway({ notifyRetry: 'fast' });
  client = new TestClient(mock);
});
afterEach(() => mock.setNotifyUrl(undefined));
afterAll(async () => {
  client.close();
  await mock.close();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A merchant's notification endpoint answering with `answers` in turn (the last one repeats). */
async function merchant(answers: ReadonlyArray<{ status: number; body: string }>): Promise<Merchant> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        noticeType: unknown;
        bizContent: string;
        sign: string;
      };
      const plaintext = aesDecrypt(body.bizContent, loadAesKey(mock.keys.aesKey));
      const signatureValid = await verifyRsaSha256(plaintext, body.sign, loadPublicKey(mock.keys.platformPublicKey));
      received.push({
        noticeType: body.noticeType,
        event: (JSON.parse(plaintext) as { PaymentOrderStatus: Record<string, unknown> }).PaymentOrderStatus,
        signatureValid,
      });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codepay/notify`;
  return { url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let serial = 0;
async function createOrder(): Promise<{ order_sn: string; linkID: string }> {
  const order_sn = `HOOK-${++serial}`;
  const answer = await client.pay('createOrder', { ...sampleParams.createOrder, order_sn });
  return { order_sn, linkID: String((answer.payload!.data as { linkID: string }).linkID) };
}

describe('delivery and retries', () => {
  it('a merchant that answers 500 twice, then {"code":0}, receives exactly three deliveries', async () => {
    const shop = await merchant([
      { status: 500, body: '{"code":500}' },
      { status: 500, body: 'Internal Server Error' },
      { status: 200, body: '{"code":0}' },
    ]);
    mock.setNotifyUrl(shop.url);
    const order = await createOrder();
    mock.setOrderStatus(order.order_sn, 'Paid');

    const delivery = mock.notifications.at(-1)!;
    await vi.waitFor(() => expect(delivery.state).toBe('delivered'), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 400)); // longer than the next wait would have been
    expect(shop.received).toHaveLength(3);
    for (const received of shop.received) {
      expect(received).toMatchObject({
        noticeType: 'PaymentOrderStatus',
        signatureValid: true,
        event: { order_sn: order.order_sn, status: 'Paid', linkID: order.linkID },
      });
    }
    expect(delivery).toMatchObject({
      id: expect.stringMatching(/^N\d{6}$/),
      url: shop.url,
      cause: 'set by a test (setOrderStatus)',
      event: { order_sn: order.order_sn, status: 'Paid' },
    });
    expect(delivery.attempts.map((a) => [a.httpStatus, a.answer, a.acknowledged])).toEqual([
      [500, '{"code":500}', false],
      [500, 'Internal Server Error', false],
      [200, '{"code":0}', true],
    ]);
    expect(delivery.attempts[1]!.at.getTime() - delivery.attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(45);
    expect(delivery).not.toHaveProperty('nextAttemptAt');
  });

  it('gives up after 10 attempts without the acknowledgement; HTTP 200 with another body is not one', async () => {
    const gateway = await startMockGateway({ notifyRetry: [5], keys: mock.keys });
    try {
      const shop = await merchant([{ status: 200, body: '{"code":"SUCCESS"}' }]);
      const delivery = gateway.notify({ order_sn: 'ANY', status: 'Paid' }, { url: shop.url });
      await vi.waitFor(() => expect(delivery.state).toBe('gave-up'), { timeout: 5000 });
      expect(shop.received).toHaveLength(10);
      expect(delivery.attempts).toHaveLength(10);
      expect(delivery.attempts.every((a) => a.httpStatus === 200 && !a.acknowledged)).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('records why there was no answer, and stops retrying on close()', async () => {
    const gateway = await startMockGateway({ notifyRetry: [60_000], keys: mock.keys });
    const shop = await merchant([{ status: 200, body: '{"code":0}' }]);
    await shop.close();
    const delivery = gateway.notify({ order_sn: 'ANY', status: 'Paid' }, { url: shop.url });
    await vi.waitFor(() => expect(delivery.attempts).toHaveLength(1));
    expect(delivery.attempts[0]).toMatchObject({ acknowledged: false, error: expect.stringMatching(/ECONNREFUSED/) });
    expect(delivery.attempts[0]).not.toHaveProperty('httpStatus');
    expect(delivery).toMatchObject({ state: 'pending', nextAttemptAt: expect.any(Date) });
    await gateway.close(); // the 60 s timer must not keep the process (or this test) waiting
  });

  it('the acknowledgement is HTTP 2xx with a JSON body whose code is the number 0', () => {
    expect(isAcknowledgement(200, '{"code":0}')).toBe(true);
    expect(isAcknowledgement(204, '{"code":0,"msg":"ok"}')).toBe(true);
    expect(isAcknowledgement(500, '{"code":0}')).toBe(false);
    expect(isAcknowledgement(200, '{"code":"0"}')).toBe(false);
    expect(isAcknowledgement(200, 'OK')).toBe(false);
    expect(isAcknowledgement(200, '[0]')).toBe(false);
  });

  it('retry schedules: standard, fast, or at most 9 waits of your own', () => {
    expect(retryDelays(undefined)).toEqual([
      15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000,
    ]);
    expect(retryDelays('fast')).toHaveLength(9);
    expect(() => retryDelays([])).toThrow(/1 to 9 waits/);
    expect(() => retryDelays([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toThrow(/1 to 9 waits/);
    expect(() => retryDelays([-1])).toThrow(/integers from 0/);
  });
});

describe('every status change is a notification', () => {
  it('refunds, card payments and test actions are recorded; without a URL they wait, and resend delivers them', async () => {
    const order = await createOrder();
    mock.setOrderStatus(order.order_sn, 'Paid');
    await client.pay('refundOrder', order);
    mock.setOrderStatus(order.order_sn, 'RefundSubmitted'); // no change: no notification
    const mine = mock.notifications.filter((n) => n.event.order_sn === order.order_sn);
    expect(mine.map((n) => [n.event.status, n.cause, n.state])).toEqual([
      ['Paid', 'set by a test (setOrderStatus)', 'no-url'],
      ['RefundSubmitted', 'refundOrder', 'no-url'],
    ]);
    expect(mine[1]!.event).toMatchObject({
      platform_order_sn: expect.stringMatching(/^SS/),
      amount: sampleParams.createOrder.amount,
      failTimes: 0,
      requestTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+0000$/),
    });

    const shop = await merchant([{ status: 200, body: '{"code":0}' }]);
    mock.setNotifyUrl(shop.url);
    const again = mock.resendNotification(mine[1]!.id)!;
    expect(again).toMatchObject({ resendOf: mine[1]!.id, cause: `resend of ${mine[1]!.id}`, url: shop.url });
    await vi.waitFor(() => expect(again.state).toBe('delivered'));
    expect(shop.received[0]?.event).toMatchObject({ order_sn: order.order_sn, status: 'RefundSubmitted' });
    expect(mock.resendNotification('N999999')).toBeUndefined();
  });

  it('a notification URL must be http: or https:', async () => {
    expect(() => mock.setNotifyUrl('ftp://example.com/notify')).toThrow(
      /must be an http: or https: URL; received ftp:/,
    );
    await expect(startMockGateway({ notifyUrl: 'not a url', keys: mock.keys })).rejects.toThrow(
      /notifyUrl must be an absolute http: or https: URL/,
    );
  });
});
