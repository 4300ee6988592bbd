import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { sampleParams } from './support/sample-params.js';
import { TestClient } from './support/test-client.js';

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
    const created = (await data('createPayer', { ...sampleParams.createPayer, email: 'wendy@example.com', firstName: 'Wendy' })).data;
    expect(created).toMatchObject({ firstName: 'Wendy', email: 'wendy@example.com', payerID: expect.any(Number) });
    expect(created.payerID).not.toBe(157774);
    expect((await data('getPayer', { email: 'wendy@example.com' })).data).toEqual(created);
    const updated = (await data('updatePayer', { ...sampleParams.updatePayer, payerID: created.payerID, email: 'wendy@example.com', city: 'London' })).data;
    expect(updated).toMatchObject({ payerID: created.payerID, city: 'London' });
    expect((await data('getPayer', { email: 'wendy@example.com' })).data).toMatchObject({ city: 'London' });
  });

  it('an order is created New, queried by order_sn and linkID, listed, paid, refunded; a duplicate is refused', async () => {
    const order = (await data('createOrder', { ...sampleParams.createOrder, order_sn: 'STATE-1' })).data;
    expect(order).toMatchObject({ order_sn: 'STATE-1', status: 'New', linkID: expect.stringMatching(/^[0-9A-F-]{36}$/) });
    expect(order.paymentUrl).toBe(`${mock.url}/pay/${order.linkID}`);
    const key = { order_sn: 'STATE-1', linkID: order.linkID };
    expect((await data('queryOrder', key)).data).toEqual({ outcome: 'New' });

    expect(await data('refundOrder', key)).toMatchObject({ status: -1, errorCode: 'P0422' });
    expect(mock.setOrderStatus('STATE-1', 'Paid')).toMatchObject({ order_sn: 'STATE-1', status: 'Paid', linkID: order.linkID });
    expect((await data('refundOrder', key)).data).toEqual({ message: 'Refund submitted' });
    expect((await data('queryOrder', key)).data).toEqual({ outcome: 'RefundSubmitted' });

    const page = (await data('queryOrders', { startTime: '2000-01-01 00:00:00', endTime: '2999-01-01 00:00:00' })).data;
    expect(page).toMatchObject({ total: 1, current_page: 1, last_page: 1, from: 1, to: 1 });
    expect(page.orders).toEqual([expect.objectContaining({ order_sn: 'STATE-1', status: 'RefundSubmitted', amount: sampleParams.createOrder.amount })]);

    expect(await data('createOrder', { ...sampleParams.createOrder, order_sn: 'STATE-1' })).toMatchObject({ status: -1, errorCode: 'P0409' });
  });

  it('an order_sn with another linkID, or an unknown order, is answered from the spec examples', async () => {
    expect((await data('queryOrder', sampleParams.queryOrder)).data).toEqual({ outcome: 'Paid' });
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
    const opened = await client.open({ status: 200, headers: {}, text: JSON.stringify(received), json: received as Record<string, unknown> });
    expect(opened.signatureValid).toBe(true);
    expect(JSON.parse(opened.plaintext!).PaymentOrderStatus).toMatchObject({ order_sn: 'STATE-2', status: 'New', amount: 12.34, linkID: order.linkID });
  });
});
