// The main job (`pnpm demo`): a merchant's day against a mock gateway started here on 127.0.0.1 with fresh keys.
// Every step goes through the real envelope — signed, encrypted, verified — and prints one line with its psn.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockGateway } from '@codepay/mock';
import { createCodePay, type PaymentOrderStatusEvent } from '@codepay/sdk';

const step = (name: string, detail: string, psn: string | undefined) =>
  console.log(`${name.padEnd(22)} ${detail.padEnd(64)} psn ${psn ?? '(none)'}`);

const mock = await startMockGateway();
try {
  console.log(`mock gateway on ${mock.url} (app ${mock.clientKeys.appId}; fresh RSA-2048 keys and AES-128 key)`);
  const client = createCodePay({ baseUrl: mock.url, ...mock.clientKeys, logLevel: 'warn' });

  const payer = await client.payers.create({
    firstName: 'Peter',
    lastName: 'Pan',
    email: 'peter.pan@example.com',
    areaCode: 852,
    phone: '98765432',
    address: 'Hong Kong',
    city: 'Hong Kong',
    province: 'Hong Kong',
    postcode: '95001',
    country: 'China',
  });
  step('1. create payer', `payer ${payer.payerID}: ${payer.firstName} ${payer.lastName} <${payer.email}>`, payer.psn);

  const orderSn = `DEMO-${Date.now()}`;
  const order = await client.orders.create({
    order_sn: orderSn,
    currency: 'USD',
    amount: 99.99,
    payerID: payer.payerID,
    purposeOfTransaction: 'CLOTHES_BAGS_SHOES',
    description: 'Goods Payment',
    domain: 'www.example.com',
    product: 'Apple iPhone 14||Apple iPad Air',
  });
  // createOrder's answer is not documented by the vendor, so its fields are optional: find the order if its
  // linkID is missing (queryOrders needs only the order_sn).
  const linkID = order.linkID ?? (await client.orders.find({ order_sn: orderSn }))?.linkID;
  if (!linkID) throw new Error(`order ${orderSn} has no linkID`);
  step('2. create order', `order ${orderSn} is ${order.status ?? 'created'}, link ${linkID}`, order.psn);

  mock.setOrderStatus(orderSn, 'Paid');
  console.log(`${''.padEnd(22)} (the payer pays at ${order.paymentUrl} — simulated by the mock)`);

  const status = await client.orders.get({ order_sn: orderSn, linkID });
  step('3. query order', `order ${orderSn} is ${status.outcome}`, status.psn);

  const endTime = new Date();
  const page = await client.orders.list({ startTime: new Date(endTime.getTime() - 86_400_000), endTime }).page();
  step('4. list orders', `${page.total} order(s) today, page ${page.current_page} of ${page.last_page}`, page.psn);

  const balance = await client.balance.get({ currency: 'USD' });
  step('5. check balance', `${balance.balance} ${balance.currency}`, balance.psn);

  const refund = await client.orders.refund({ order_sn: orderSn, linkID });
  step('6. refund', `order ${orderSn}: ${refund.message}`, refund.psn);

  const received: PaymentOrderStatusEvent[] = [];
  const server = createServer(client.notifications.handler((event) => void received.push(event)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The platform reports the refund's progress; the mock fills the event from the order it stored.
  const answer = await mock.sendNotification(`http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, {
    order_sn: orderSn,
  });
  server.close();
  const event = received[0];
  if (!event || answer.status !== 200) throw new Error(`the notification was not acknowledged (HTTP ${answer.status})`);
  step(
    '7. notification',
    `verified: order ${event.order_sn} is ${event.status}; answered ${JSON.stringify(answer.body)}`,
    '(none: notifications carry no psn)',
  );
  console.log('done: every request was signed and encrypted, every answer decrypted and verified');
} finally {
  await mock.close();
}
