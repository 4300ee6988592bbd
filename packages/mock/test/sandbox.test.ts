// The sandbox over plain HTTP, as a Python or Java merchant would script it with curl: the payment link's pages,
// the dashboard, and the control API. (The browser walks through the same pages in examples/test.)
import { describe, expect, it } from 'vitest';
import { parseCliArguments } from '../src/cli-arguments.js';
import { sampleParams } from './support/sample-params.js';
import { TestClient, useGatewayAndClient } from './support/test-client.js';

const gateway = useGatewayAndClient();
let serial = 0;

async function api(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway.mock.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function page(path: string): Promise<{ status: number; type: string | null; html: string }> {
  const response = await fetch(`${gateway.mock.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), html: await response.text() };
}

async function createOrder(
  extra: Record<string, unknown> = {},
): Promise<{ order_sn: string; linkID: string; paymentUrl: string }> {
  const order_sn = `SANDBOX-${++serial}`;
  const data = (await gateway.client.pay('createOrder', { ...sampleParams.createOrder, order_sn, ...extra })).payload
    ?.data as { linkID: string; paymentUrl: string };
  return { order_sn, linkID: data.linkID, paymentUrl: data.paymentUrl };
}

describe('the payment link', () => {
  it('shows the order and a test-card form with the buttons Pay and Decline, filled with a card that pays', async () => {
    const payer = (
      await gateway.client.pay('createPayer', {
        ...sampleParams.createPayer,
        email: 'tinker.bell@example.com',
        firstName: 'Tinker',
        lastName: 'Bell',
      })
    ).payload?.data as { payerID: number };
    const order = await createOrder({
      payerID: payer.payerID,
      description: 'Fairy dust <b>bold</b>',
      product: 'Wand||Dust & glitter',
    });
    const { status, type, html } = await page(new URL(order.paymentUrl).pathname);
    expect(status).toBe(200);
    expect(type).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/<button type="submit"[^>]*>Pay<\/button>/);
    expect(html).toMatch(/<button type="button"[^>]*>Decline<\/button>/);
    expect(html).toContain(`USD ${Number(sampleParams.createOrder.amount).toFixed(2)}`);
    expect(html).toContain('Fairy dust &lt;b&gt;bold&lt;/b&gt;'); // typed text is escaped
    expect(html).toContain('<li>Wand</li><li>Dust &amp; glitter</li>');
    expect(html).toContain('value="4444 3333 2222 1111"');
    expect(html).toContain('value="Tinker Bell"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!127\.0\.0\.1)[a-z]/i); // nothing from elsewhere
  });

  it('an unknown link and an expired one are clear pages, not JSON', async () => {
    const unknown = await page('/pay/FCA35CEB-E03C-4E36-8EA7-009FF613B1B1');
    expect(unknown).toMatchObject({ status: 404, type: 'text/html; charset=utf-8' });
    expect(unknown.html).toContain('Payment link not found');

    const order = await createOrder();
    expect(await api('POST', `/sandbox/api/orders/${order.order_sn}/expire`)).toMatchObject({
      status: 200,
      body: { order: { status: 'Expired' } },
    });
    const expired = await page(`/pay/${order.linkID}`);
    expect(expired).toMatchObject({ status: 410, type: 'text/html; charset=utf-8' });
    expect(expired.html).toContain('This payment link has expired');
  });

  it('the result page says what happened', async () => {
    const order = await createOrder();
    await api('POST', `/sandbox/api/orders/${order.order_sn}/decline`);
    const result = await page(`/pay/${order.linkID}/result`);
    expect(result.status).toBe(200);
    expect(result.html).toContain('Payment declined');
    expect(result.html).toContain('the order is Failed');
  });
});

describe('the control API', () => {
  it('lists its routes', async () => {
    const index = await api('GET', '/sandbox/api');
    expect(index.body.routes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^POST\s+\/sandbox\/api\/orders\/<order_sn>\/pay/)]),
    );
  });

  it('moves orders: pay, decline, expire, settle a refund, any documented status; says why it cannot', async () => {
    const order = await createOrder();
    expect(await api('POST', `/sandbox/api/orders/${order.order_sn}/pay`)).toMatchObject({
      status: 200,
      body: { order: { order_sn: order.order_sn, status: 'Paid' } },
    });
    expect(await api('POST', `/sandbox/api/orders/${order.order_sn}/decline`)).toMatchObject({
      status: 409,
      body: { error: `Order ${order.order_sn} is Paid: only an order that is New or Processing can be declined.` },
    });
    await gateway.client.pay('refundOrder', { order_sn: order.order_sn, linkID: order.linkID });
    expect(await api('POST', `/sandbox/api/orders/${order.order_sn}/settle-refund`)).toMatchObject({
      status: 200,
      body: { order: { status: 'RefundCompleted' } },
    });
    expect(await api('POST', `/sandbox/api/orders/${order.order_sn}/status`, { status: 'Chargeback' })).toMatchObject({
      status: 200,
      body: { order: { status: 'Chargeback' } },
    });
    expect(await api('POST', `/sandbox/api/orders/${order.order_sn}/status`, { status: 'Lost' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/documented order status: New, Cancelled/) },
    });
    expect(await api('POST', '/sandbox/api/orders/NOPE/pay')).toMatchObject({
      status: 404,
      body: { error: 'No order NOPE was created through this gateway.' },
    });
    expect(
      (await gateway.client.pay('queryOrder', { order_sn: order.order_sn, linkID: order.linkID })).payload?.data,
    ).toEqual({ outcome: 'Chargeback' });
    const statuses = gateway.mock.notifications
      .filter((n) => n.event.order_sn === order.order_sn)
      .map((n) => n.event.status);
    expect(statuses).toEqual(['Paid', 'RefundSubmitted', 'RefundCompleted', 'Chargeback']);
    expect((await api('GET', `/sandbox/api/orders/${order.order_sn}`)).body.order).toMatchObject({
      status: 'Chargeback',
      payments: [],
    });
  });

  it('queues a scenario targeted at a service, expires tokens, and reads the request log', async () => {
    expect(
      await api('POST', '/sandbox/api/scenarios', { scenario: 'business-error:P0042', service: 'getPayer' }),
    ).toMatchObject({
      status: 201,
      body: { queued: [{ scenario: 'business-error:P0042', remaining: 1, service: 'getPayer' }] },
    });
    expect((await gateway.client.pay('getBalance', { currency: 'USD' })).payload?.status).toBe(0); // another service passes
    expect((await gateway.client.pay('getPayer', { email: 'x@example.com' })).payload).toMatchObject({
      status: -1,
      errorCode: 'P0042',
    });
    expect(await api('POST', '/sandbox/api/scenarios', { scenario: 'no-such-thing' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/is not a scenario/) },
    });
    expect(await api('POST', '/sandbox/api/scenarios', { scenario: 'drop', service: 'getbalance' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/service must be one of/) },
    });

    const log = await api('GET', '/sandbox/api/requests?service=getPayer&limit=1');
    expect(log.body.requests).toEqual([
      expect.objectContaining({
        service: 'getPayer',
        outcome: 'business-error',
        scenario: 'business-error:P0042',
        signature: 'valid',
        params: { email: 'x@example.com' },
        answer: expect.objectContaining({ errorCode: 'P0042' }),
      }),
    ]);

    const tokens = await api('POST', '/sandbox/api/tokens/expire');
    expect(tokens.body.tokens).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: 'expired', token: expect.stringMatching(/^mock_.{8}…$/) }),
      ]),
    );
    expect((await gateway.client.pay('getBalance', { currency: 'USD' })).json).toMatchObject({ code: 'E01003' });
    gateway.client.close();
    gateway.client = new TestClient(gateway.mock); // a client that fetches a fresh token
  });

  it('sends a notification and resends it; sets the notification URL', async () => {
    const order = await createOrder();
    expect(await api('POST', '/sandbox/api/notifications', { order_sn: order.order_sn })).toMatchObject({
      status: 409,
      body: { error: expect.stringMatching(/There is no notification URL/) },
    });
    expect(await api('PUT', '/sandbox/api/notify-url', { url: 'http://127.0.0.1:9/notify' })).toEqual({
      status: 200,
      body: { url: 'http://127.0.0.1:9/notify' },
    });
    const sent = await api('POST', '/sandbox/api/notifications', {
      order_sn: order.order_sn,
      event: { status: 'Paid' },
    });
    expect(sent).toMatchObject({
      status: 201,
      body: {
        notification: {
          event: { order_sn: order.order_sn, status: 'Paid', linkID: order.linkID },
          url: 'http://127.0.0.1:9/notify',
          cause: 'sent through the control API',
        },
      },
    });
    const id = (sent.body.notification as { id: string }).id;
    expect(await api('POST', `/sandbox/api/notifications/${id}/resend`, {})).toMatchObject({
      status: 201,
      body: { notification: { resendOf: id } },
    });
    expect(await api('PUT', '/sandbox/api/notify-url', { url: null })).toEqual({ status: 200, body: { url: null } });
    expect(await api('PUT', '/sandbox/api/notify-url', { url: 'mailto:x@example.com' })).toMatchObject({ status: 400 });
  });

  it('refuses a state change from another site, and requests for a host name that is not loopback', async () => {
    const order = await createOrder();
    expect(
      await api('POST', `/sandbox/api/orders/${order.order_sn}/pay`, undefined, { origin: 'http://evil.example' }),
    ).toMatchObject({ status: 403, body: { error: expect.stringMatching(/another site/) } });
    expect(await api('POST', `/pay/${order.linkID}/checkout`, {}, { origin: 'http://evil.example' })).toMatchObject({
      status: 403,
    });
    expect(
      await api('POST', `/sandbox/api/orders/${order.order_sn}/pay`, undefined, { origin: gateway.mock.url }),
    ).toMatchObject({ status: 200 });
    // A browser sends the Host it resolved (DNS rebinding); fetch does not let a page set it, so raw HTTP does.
    const rebound = await gateway.client.post('/sandbox/api/orders', '', { host: 'evil.example:80' }, 'GET');
    expect(rebound.status).toBe(403);
  });
});

describe('the dashboard', () => {
  it('shows requests, orders, notifications, payers and tokens — never a key', async () => {
    const order = await createOrder({ description: '<img src=x onerror=alert(1)>' });
    gateway.mock.setOrderStatus(order.order_sn, 'Paid');
    const { status, html } = await page('/');
    expect(status).toBe(200);
    for (const section of ['Requests', 'Orders', 'Notifications', 'Payers', 'Issued tokens', 'Queued scenarios'])
      expect(html).toContain(`<h2>${section}`);
    expect(html).toContain(order.order_sn);
    expect(html).toContain('createOrder');
    expect(html).toContain(gateway.mock.keys.appId);
    expect(html).not.toContain('<img src=x');
    for (const secret of [
      gateway.mock.keys.merchantPrivateKey,
      gateway.mock.keys.platformPrivateKey,
      gateway.mock.keys.aesKey,
    ]) {
      expect(html).not.toContain(secret);
      expect(html).not.toContain(secret.slice(0, 40));
    }
    const everything = JSON.stringify(
      await Promise.all(
        ['requests', 'orders', 'payers', 'notifications', 'tokens', 'scenarios'].map((r) =>
          api('GET', `/sandbox/api/${r}`),
        ),
      ),
    );
    for (const secret of [
      gateway.mock.keys.merchantPrivateKey,
      gateway.mock.keys.platformPrivateKey,
      gateway.mock.keys.aesKey,
    ])
      expect(everything).not.toContain(secret.slice(0, 40));
  });
});

describe('the CLI options', () => {
  it('--notify-url and --notify-retry', () => {
    expect(parseCliArguments(['--notify-url', 'http://127.0.0.1:3000/notify', '--notify-retry', 'fast'])).toMatchObject(
      { notifyUrl: 'http://127.0.0.1:3000/notify', notifyRetry: 'fast' },
    );
    expect(parseCliArguments(['--notify-retry', '100, 500,1000'])).toMatchObject({ notifyRetry: [100, 500, 1000] });
    expect(() => parseCliArguments(['--notify-url', 'localhost:3000'])).toThrow(
      /--notify-url must be an (absolute )?http: or https: URL/,
    );
    expect(() => parseCliArguments(['--notify-retry', 'slow'])).toThrow(
      /--notify-retry must be standard, fast, or waits in milliseconds/,
    );
  });
});
