import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '@codepay/models';
import { LANGUAGES, startMockGateway, type MockGateway, type UnknownRecords } from '../src/index.js';
import { sampleParams } from './support/sample-params.js';
import { TestClient, useGatewayAndClient } from './support/test-client.js';

// In static mode the mock keeps the payers and orders created through it, so answers follow what was sent.
describe('merchant state (static mode)', () => {
  let mock: MockGateway;
  let client: TestClient;
  beforeAll(async () => {
    mock = await startMockGateway();
    client = new TestClient(mock);
  });
  afterAll(() => mock.close());

  const data = async (service: string, params: unknown) => {
    const answer = await client.pay(service, params);
    return answer.payload as { status: number; errorCode: string | null; data: Record<string, unknown> };
  };

  it('a created payer gets a new payerID and is found by email and updated', async () => {
    const created = (
      await data('createPayer', { ...sampleParams.createPayer, email: 'wendy@example.com', firstName: 'Wendy' })
    ).data;
    expect(created).toMatchObject({ firstName: 'Wendy', email: 'wendy@example.com', payerID: expect.any(Number) });
    expect(created.payerID).not.toBe(157774);
    expect((await data('getPayer', { email: 'wendy@example.com' })).data).toEqual(created);
    const updated = (
      await data('updatePayer', {
        ...sampleParams.updatePayer,
        payerID: created.payerID,
        email: 'wendy@example.com',
        city: 'London',
      })
    ).data;
    expect(updated).toMatchObject({ payerID: created.payerID, city: 'London' });
    expect((await data('getPayer', { email: 'wendy@example.com' })).data).toMatchObject({ city: 'London' });
  });

  it('an order is created New, queried by order_sn and linkID, listed, paid, refunded; a duplicate is refused', async () => {
    const order = (await data('createOrder', { ...sampleParams.createOrder, order_sn: 'STATE-1' })).data;
    expect(order).toMatchObject({
      order_sn: 'STATE-1',
      status: 'New',
      linkID: expect.stringMatching(/^[0-9A-F-]{36}$/),
    });
    expect(order.paymentUrl).toBe(`${mock.url}/pay/${order.linkID}`);
    const key = { order_sn: 'STATE-1', linkID: order.linkID };
    expect((await data('queryOrder', key)).data).toEqual({ outcome: 'New' });

    expect(await data('refundOrder', key)).toMatchObject({ status: -1, errorCode: 'P0422' });
    expect(mock.setOrderStatus('STATE-1', 'Paid')).toMatchObject({
      order_sn: 'STATE-1',
      status: 'Paid',
      linkID: order.linkID,
    });
    expect((await data('refundOrder', key)).data).toEqual({ message: 'Refund submitted' });
    expect((await data('queryOrder', key)).data).toEqual({ outcome: 'RefundSubmitted' });

    const page = (await data('queryOrders', { startTime: '2000-01-01 00:00:00', endTime: '2999-01-01 00:00:00' })).data;
    expect(page).toMatchObject({ total: 1, current_page: 1, last_page: 1, from: 1, to: 1 });
    expect(page.orders).toEqual([
      expect.objectContaining({
        order_sn: 'STATE-1',
        status: 'RefundSubmitted',
        amount: sampleParams.createOrder.amount,
      }),
    ]);

    expect(await data('createOrder', { ...sampleParams.createOrder, order_sn: 'STATE-1' })).toMatchObject({
      status: -1,
      errorCode: 'P0409',
    });
  });

  it('logs what each state-changing request stored', async () => {
    const payer = (await data('createPayer', { ...sampleParams.createPayer, email: 'john@example.com' })).data;
    expect(mock.requests.at(-1)).toMatchObject({ outcome: 'ok', change: { kind: 'payer-created', payer } });
    await data('updatePayer', {
      ...sampleParams.updatePayer,
      payerID: payer.payerID,
      email: 'john@example.com',
      city: 'Paris',
    });
    expect(mock.requests.at(-1)?.change).toEqual({
      kind: 'payer-updated',
      payer: expect.objectContaining({ payerID: payer.payerID, city: 'Paris' }),
    });
    const order = (await data('createOrder', { ...sampleParams.createOrder, order_sn: 'STATE-LOG' })).data;
    expect(mock.requests.at(-1)?.change).toEqual({
      kind: 'order-created',
      order: expect.objectContaining({ order_sn: 'STATE-LOG', linkID: order.linkID, status: 'New' }),
    });
    mock.setOrderStatus('STATE-LOG', 'Paid');
    await data('refundOrder', { order_sn: 'STATE-LOG', linkID: order.linkID });
    expect(mock.requests.at(-1)?.change).toEqual({
      kind: 'order-refunded',
      order: expect.objectContaining({ order_sn: 'STATE-LOG', status: 'RefundSubmitted' }),
    });
    // An answer that changed nothing logs no change, and a logged change is a copy that later changes leave alone.
    await data('queryOrder', { order_sn: 'STATE-LOG', linkID: order.linkID });
    expect(mock.requests.at(-1)).not.toHaveProperty('change');
    mock.setOrderStatus('STATE-LOG', 'RefundCompleted');
    expect(mock.requests.at(-2)?.change).toMatchObject({ order: { status: 'RefundSubmitted' } });
  });

  it('a notification about a known order carries that order', async () => {
    const order = (await data('createOrder', { ...sampleParams.createOrder, order_sn: 'STATE-2', amount: 12.34 })).data;
    let received: unknown;
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    await mock.sendNotification(`http://127.0.0.1:${address.port}/n`, { order_sn: 'STATE-2' });
    server.close();
    const opened = await client.open({
      status: 200,
      headers: {},
      text: JSON.stringify(received),
      json: received as Record<string, unknown>,
    });
    expect(opened.signatureValid).toBe(true);
    expect(JSON.parse(opened.plaintext!).PaymentOrderStatus).toMatchObject({
      order_sn: 'STATE-2',
      status: 'New',
      amount: 12.34,
      linkID: order.linkID,
    });
  });
});

// A payer or order the gateway never created is not found, as on the real gateway (static mode, the default).
describe('unknown records', () => {
  const gateway = useGatewayAndClient();

  const payload = async (service: string, params: unknown, language?: string) => {
    const answer = await gateway.client.pay(
      service,
      params,
      language ? { headers: { 'accept-language': language } } : {},
    );
    expect(answer.signatureValid).toBe(true);
    return answer.payload;
  };

  it('queryOrders before any order exists is an empty first page, valid for the SDK', async () => {
    const page = (await payload('queryOrders', sampleParams.queryOrders))?.data;
    expect(page).toEqual({ total: 0, current_page: 1, per_page: 10, from: null, to: null, last_page: 1, orders: [] });
    expect(services.queryOrders.validateResult(page)).toBe(true);
  });

  it('getPayer of an email and updatePayer of a payerID never created are P0404, in each language', async () => {
    const expected = {
      'en-US': 'Payer not found',
      'zh-CN': '付款人不存在',
      'ja-JP': '支払者が見つかりません',
      'fr-FR': 'Payeur introuvable',
    };
    for (const language of LANGUAGES) {
      expect(await payload('getPayer', { email: 'nobody@example.com' }, language)).toEqual({
        status: -1,
        errorCode: 'P0404',
        errorMessage: expected[language],
        data: null,
      });
    }
    expect(gateway.mock.requests.at(-1)).toMatchObject({
      service: 'getPayer',
      outcome: 'business-error',
      code: 'P0404',
    });
    expect(await payload('updatePayer', sampleParams.updatePayer)).toMatchObject({
      status: -1,
      errorCode: 'P0404',
      errorMessage: 'Payer not found',
    });
    expect(gateway.mock.requests.at(-1)).not.toHaveProperty('change');
  });

  it('queryOrder and refundOrder of an order never created, or of a known order_sn with another linkID, are P0405', async () => {
    const expected = {
      'en-US': 'Order not found',
      'zh-CN': '订单不存在',
      'ja-JP': '注文が見つかりません',
      'fr-FR': 'Commande introuvable',
    };
    for (const language of LANGUAGES) {
      expect(await payload('queryOrder', sampleParams.queryOrder, language)).toMatchObject({
        status: -1,
        errorCode: 'P0405',
        errorMessage: expected[language],
      });
    }
    expect(await payload('refundOrder', sampleParams.refundOrder)).toMatchObject({ status: -1, errorCode: 'P0405' });

    const order = (await payload('createOrder', { ...sampleParams.createOrder, order_sn: 'KNOWN-1' }))?.data as {
      linkID: string;
    };
    const otherLink = { order_sn: 'KNOWN-1', linkID: sampleParams.queryOrder.linkID };
    expect(await payload('queryOrder', otherLink)).toMatchObject({ status: -1, errorCode: 'P0405' });
    expect(await payload('queryOrder', { order_sn: 'KNOWN-1', linkID: order.linkID.toLowerCase() })).toMatchObject({
      status: 0,
      data: { outcome: 'New' },
    });
  });

  it('invalid parameters are still P0400, before any lookup', async () => {
    expect(await payload('getPayer', { email: '' })).toMatchObject({ status: -1, errorCode: 'P0400' });
  });
});

describe("unknownRecords: 'examples'", () => {
  let mock: MockGateway;
  let client: TestClient;
  beforeAll(async () => {
    mock = await startMockGateway({ unknownRecords: 'examples' });
    client = new TestClient(mock);
  });
  afterAll(() => mock.close());

  it('answers a payer or order never created with the spec examples, and an empty account lists the example orders', async () => {
    const data = async (service: string, params: unknown) =>
      (await client.pay(service, params)).payload?.data as Record<string, unknown>;
    expect(await data('getPayer', { email: 'nobody@example.com' })).toMatchObject({
      payerID: 157774,
      firstName: 'Peter',
      lastName: 'Pan',
    });
    expect(await data('updatePayer', { ...sampleParams.updatePayer, payerID: 157774, city: 'London' })).toMatchObject({
      payerID: 157774,
      city: 'London',
    });
    expect(await data('queryOrder', sampleParams.queryOrder)).toEqual({ outcome: 'Paid' });
    expect(await data('refundOrder', sampleParams.refundOrder)).toEqual(
      expect.objectContaining({ message: expect.any(String) }),
    );
    expect(await data('queryOrders', sampleParams.queryOrders)).toMatchObject({
      total: 1,
      orders: [{ order_sn: 'ORD000000001' }],
    });
    // Records it did create are still answered from its state.
    const payer = await data('createPayer', { ...sampleParams.createPayer, email: 'wendy@example.com' });
    expect(await data('getPayer', { email: 'wendy@example.com' })).toEqual(payer);
  });

  it('refuses a mode it does not know', async () => {
    await expect(startMockGateway({ unknownRecords: 'missing' as UnknownRecords, keys: mock.keys })).rejects.toThrow(
      /unknownRecords must be one of 'not-found', 'examples'; received missing/,
    );
  });
});
