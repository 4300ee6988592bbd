// The card flow of contract §9 through the SDK against the mock gateway (contract issue 13): create order →
// checkout → device data collection → pay → notification, frictionless and with a 3-D Secure challenge. No browser:
// the test plays the payer's browser over HTTP — it asks the mock's stand-ins for the card and CVC sessions (the
// Worldpay Checkout SDK's part), runs device data collection through its JSON endpoint (the hidden iframe's part),
// and answers the challenge page (the challenge iframe's part). The merchant's notification endpoint is a real
// node:http server using `codepay.notifications.handler`, and the notification is the source of truth.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useMockClient } from './support/mock-client.js';
import { payerFields } from './support/params.js';
import { BusinessError, type CheckoutOrderResult, type PaymentOrderStatusEvent } from '../src/index.js';

const env = useMockClient({ notifyRetry: 'fast' });
const received: PaymentOrderStatusEvent[] = [];
let merchant: Server;
let serial = 0;

beforeAll(async () => {
  merchant = createServer(env.codepay.notifications.handler((event) => void received.push(event)));
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  env.mock.setNotifyUrl(`http://127.0.0.1:${(merchant.address() as AddressInfo).port}/codepay/notifications`);
});
afterAll(() => new Promise((resolve) => merchant.close(resolve)));

async function browserPost(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${env.mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Step 1: createOrder for a new payer. */
async function createOrder(): Promise<{ order_sn: string; linkID: string }> {
  const order_sn = `CARD-SDK-${process.pid}-${++serial}`;
  const payer = await env.codepay.payers.create({
    ...payerFields,
    email: `card-${serial}@example.com`,
    phone: '98765432',
  });
  const order = await env.codepay.orders.create({
    order_sn,
    currency: 'USD',
    amount: 42.5,
    payerID: payer.payerID,
    purposeOfTransaction: 'PAY_FOR_GOODS',
    description: 'Card payment',
    domain: 'www.example.com',
    product: 'Book',
  });
  expect(order.linkID).toEqual(expect.any(String));
  return { order_sn, linkID: order.linkID! };
}

/** Steps 2–3: the browser's card and CVC sessions, then checkoutOrder from the merchant's server. */
async function checkout(order: { order_sn: string; linkID: string }, card: { number?: string; name?: string } = {}) {
  const { sessionCard } = await browserPost('/sandbox/sessions/card', {
    cardNumber: card.number ?? '4444333322221111',
    expiryMonth: 12,
    expiryYear: 2035,
  });
  const { sessionCvc } = await browserPost('/sandbox/sessions/cvc', { cvc: '123' });
  return env.codepay.orders.checkout({
    ...order,
    cardHolderName: card.name ?? 'Peter Pan',
    relationship: 'CUSTOMER',
    sessionCard: String(sessionCard),
    sessionCvc: String(sessionCvc),
  });
}

/** Steps 4–5: device data collection in the browser (its JSON endpoint), then payOrder with the payer's User-Agent. */
async function pay(order: { order_sn: string; linkID: string }, checkedOut: CheckoutOrderResult) {
  const { sessionId } = await browserPost('/sandbox/ddc/session', {
    jwt: checkedOut.deviceDataCollection?.jwt,
    bin: checkedOut.deviceDataCollection?.bin,
  });
  return env.codepay.orders.pay({
    ...order,
    transactionReference: checkedOut.transactionReference,
    sessionId: String(sessionId),
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0',
  });
}

/** Step 6: the notifications the merchant's server verified for the order (waits for `count` of them). */
async function notified(orderSn: string, count: number): Promise<string[]> {
  await vi.waitFor(() => expect(received.filter((e) => e.order_sn === orderSn)).toHaveLength(count), { timeout: 5000 });
  return received.filter((e) => e.order_sn === orderSn).map((e) => e.status);
}

describe('the card flow through the SDK', () => {
  it('create order → checkout → pay (frictionless) → notification Paid', async () => {
    const order = await createOrder();
    const checkedOut = await checkout(order);
    expect(checkedOut).toMatchObject({
      outcome: 'New',
      transactionReference: expect.any(String),
      deviceDataCollection: { jwt: expect.any(String), url: `${env.mock.url}/sandbox/ddc`, bin: '444433' },
    });
    expect(checkedOut.psn).toMatch(/^PSN/);

    const paid = await pay(order, checkedOut);
    expect(paid).toMatchObject({
      outcome: 'Paid',
      transactionReference: checkedOut.transactionReference,
      authentication: { version: '2.2.0', eci: '05' },
    });
    expect(paid.challenge).toBeUndefined();
    expect(await notified(order.order_sn, 1)).toEqual(['Paid']);
    expect(received.find((e) => e.order_sn === order.order_sn)).toMatchObject({
      amount: 42.5,
      currency: 'USD',
      linkID: order.linkID,
      failTimes: 0,
    });
    expect((await env.codepay.orders.get(order)).outcome).toBe('Paid');
  });

  it('create → checkout → pay → 3-D Secure challenge → completed: Processing, then Paid', async () => {
    const order = await createOrder();
    const answered = await pay(order, await checkout(order, { name: '3DS_V2_CHALLENGE_IDENTIFIED' }));
    expect(answered).toMatchObject({
      outcome: 'Processing',
      challenge: {
        reference: expect.any(String),
        url: expect.stringContaining('/sandbox/challenge/'),
        jwt: expect.any(String),
      },
    });
    expect(answered.authentication).toBeUndefined();
    expect(await notified(order.order_sn, 1)).toEqual(['Processing']);

    // The challenge iframe: the page the merchant's form posts the JWT to, and the payer's click on Pay.
    const challenge = answered.challenge!;
    const page = await fetch(challenge.url!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ JWT: challenge.jwt! }),
    });
    expect(await page.text()).toMatch(/<button[^>]*>Pay<\/button><button[^>]*>Decline<\/button>/);
    expect(await browserPost(`/sandbox/challenge/${challenge.reference}/answer`, { result: 'pass' })).toMatchObject({
      status: 'Paid',
    });

    expect(await notified(order.order_sn, 2)).toEqual(['Processing', 'Paid']);
    expect((await env.codepay.orders.get(order)).outcome).toBe('Paid');
  });

  it('a declined test card: payOrder answers Failed, and so does the notification', async () => {
    const order = await createOrder();
    expect(await pay(order, await checkout(order, { number: '4000000000000002' }))).toMatchObject({
      outcome: 'Failed',
    });
    expect(await notified(order.order_sn, 1)).toEqual(['Failed']);
    expect(received.filter((e) => e.order_sn === order.order_sn).at(-1)).toMatchObject({ failTimes: 1 });
  });
});

describe('unknown records are business failures through the SDK', () => {
  const unknownOrder = { order_sn: 'NEVER-CREATED', linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1' };

  it.each([
    ['getPayer of an unknown email', () => env.codepay.payers.get({ email: 'nobody@example.com' }), 'P0404'],
    ['queryOrder of an unknown order', () => env.codepay.orders.get(unknownOrder), 'P0405'],
    [
      'payOrder of an unknown order',
      () =>
        env.codepay.orders.pay({
          ...unknownOrder,
          transactionReference: '8e9dfeb7-7aa2-4da2-88d8-5e30ad4ef056',
          sessionId: '0_797c4992-0793-4034-846e-e63cb50a84fa',
          userAgent: 'Mozilla/5.0',
        }),
      'P0405',
    ],
  ])('%s → BusinessError %s', async (_label, call, code) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusinessError);
    expect(error).toMatchObject({ errorCode: code, outcomeUnknown: false });
  });

  it('checkoutOrder of an unknown order → BusinessError P0405; a transactionReference of no checkout → P0407', async () => {
    await expect(checkout(unknownOrder)).rejects.toMatchObject({
      name: 'BusinessError',
      errorCode: 'P0405',
      service: 'checkoutOrder',
    });
    const order = await createOrder();
    await expect(
      env.codepay.orders.pay({
        ...order,
        transactionReference: 'no-such-reference',
        sessionId: '0_x',
        userAgent: 'Mozilla/5.0',
      }),
    ).rejects.toMatchObject({
      name: 'BusinessError',
      errorCode: 'P0407',
      errorMessage: expect.stringMatching(/transactionReference/),
    });
  });
});
