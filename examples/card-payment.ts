// Pay an order by card (contract §9): createOrder → checkoutOrder → device data collection → payOrder → (a 3-D Secure
// challenge) → the PaymentOrderStatus notification, which is the source of truth. Steps marked "browser" happen in
// the payer's browser on your checkout page: the Worldpay Checkout SDK makes the card and CVC sessions, a hidden
// iframe runs device data collection, and a visible iframe shows the challenge. Against the mock gateway this script
// plays the browser itself, through the sandbox's stand-ins (see @codepay/mock's README, "Sandbox").
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CodePay, PaymentOrderStatusEvent } from '@codepay/sdk';
import { run } from './gateway.js';

/** The browser's part, against the sandbox: what your page gets from the Worldpay Checkout SDK and the DDC iframe. */
async function browser(baseUrl: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: ${String(answer.error ?? response.status)}`);
  return answer;
}

async function payByCard(
  client: CodePay,
  baseUrl: string,
  orderSn: string,
  card: { number: string; name: string },
): Promise<{ order_sn: string; linkID: string }> {
  const payer = await client.payers.create({
    firstName: 'Peter',
    lastName: 'Pan',
    email: `${orderSn.toLowerCase()}@example.com`,
    areaCode: 852,
    phone: '98765432',
    address: 'Hong Kong',
    city: 'Hong Kong',
    province: 'Hong Kong',
    postcode: '95001',
    country: 'China',
  });
  const order = await client.orders.create({
    order_sn: orderSn,
    currency: 'USD',
    amount: '19.99',
    payerID: payer.payerID,
    purposeOfTransaction: 'PAY_FOR_GOODS',
    description: 'Card payment example',
    domain: 'www.example.com',
    product: 'Book',
  });
  const linkID = order.linkID ?? (await client.orders.find({ order_sn: orderSn }))?.linkID;
  if (!linkID) throw new Error(`order ${orderSn} has no linkID`);
  console.log(`order ${orderSn} created (psn ${order.psn})`);

  // browser: the Worldpay Checkout SDK turns the card form into a card session and a CVC session
  const { sessionCard } = await browser(baseUrl, '/sandbox/sessions/card', {
    cardNumber: card.number,
    expiryMonth: 12,
    expiryYear: 2035,
  });
  const { sessionCvc } = await browser(baseUrl, '/sandbox/sessions/cvc', { cvc: '123' });

  // server: checkoutOrder → transactionReference and what the browser needs for device data collection
  const checkout = await client.orders.checkout({
    order_sn: orderSn,
    linkID,
    cardHolderName: card.name,
    relationship: 'CUSTOMER',
    sessionCard: String(sessionCard),
    sessionCvc: String(sessionCvc),
  });
  console.log(`checkoutOrder: transaction ${checkout.transactionReference} (psn ${checkout.psn})`);

  // browser: a hidden iframe posts deviceDataCollection.jwt and .bin to .url and receives the sessionId
  const { sessionId } = await browser(baseUrl, '/sandbox/ddc/session', {
    jwt: checkout.deviceDataCollection?.jwt,
    bin: checkout.deviceDataCollection?.bin,
  });
  console.log(`device data collection: sessionId ${String(sessionId)}`);

  // server: payOrder with the payer's browser User-Agent (captured on your page, not your server's)
  const paid = await client.orders.pay({
    order_sn: orderSn,
    linkID,
    transactionReference: checkout.transactionReference,
    sessionId: String(sessionId),
    userAgent: 'Mozilla/5.0 (example browser)',
  });
  if (paid.authentication) {
    console.log(
      `payOrder: ${paid.outcome}, frictionless (3-D Secure ${paid.authentication.version}, ECI ${paid.authentication.eci ?? 'n/a'}) (psn ${paid.psn})`,
    );
  } else if (paid.challenge) {
    console.log(`payOrder: ${paid.outcome}, the bank asks for a challenge (psn ${paid.psn})`);
    // browser: an iframe posts challenge.jwt to challenge.url; the payer clicks Pay on the bank's page
    await browser(baseUrl, `/sandbox/challenge/${encodeURIComponent(paid.challenge.reference ?? '')}/answer`, {
      result: 'pass',
    });
    console.log('the payer passed the challenge');
  } else {
    console.log(`payOrder: ${paid.outcome} (psn ${paid.psn})`);
  }
  return { order_sn: orderSn, linkID };
}

run(async ({ client, mock }) => {
  if (!mock) {
    console.log(
      'Against a real gateway the card and device-data steps run in the payer\'s browser (Worldpay Checkout SDK); see the SDK README, "Card payments".',
    );
    return;
  }
  // Your notification endpoint; the mock delivers every status change there (the real gateway: the URL you registered).
  const events: PaymentOrderStatusEvent[] = [];
  const server = createServer(
    client.notifications.handler((event) => {
      events.push(event);
      console.log(`notification: order ${event.order_sn} is ${event.status} (signature verified)`);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.setNotifyUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/codepay/notifications`);
  const settled = async (orderSn: string, status: string) => {
    for (let waited = 0; !events.some((e) => e.order_sn === orderSn && e.status === status); waited += 50) {
      if (waited > 10_000) throw new Error(`no ${status} notification for ${orderSn}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    const stamp = Date.now();
    console.log('-- a card that pays without a challenge');
    await payByCard(client, mock.url, `CARD-${stamp}-1`, { number: '4444333322221111', name: 'Peter Pan' });
    await settled(`CARD-${stamp}-1`, 'Paid');
    console.log('-- a card whose bank asks for a 3-D Secure challenge');
    const challenged = await payByCard(client, mock.url, `CARD-${stamp}-2`, {
      number: '4444333322221111',
      name: '3DS_V2_CHALLENGE_IDENTIFIED',
    });
    await settled(challenged.order_sn, 'Paid');
    // The notification is the source of truth; queryOrder reads the same status when you need it.
    const final = await client.orders.get(challenged);
    console.log(`queryOrder: order ${challenged.order_sn} is ${final.outcome} (psn ${final.psn})`);
  } finally {
    server.close();
  }
});
