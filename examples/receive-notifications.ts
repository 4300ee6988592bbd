// Receive order-status notifications on a node:http server. The handler verifies the platform's signature,
// decrypts, calls your function, and answers {"code":0}; duplicates happen, so handle each event idempotently
// (here: remember which (order_sn, status) pairs were already processed).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from './gateway.js';

run(async ({ client, mock }) => {
  const processed = new Set<string>();
  const server = createServer(
    client.notifications.handler(async (event) => {
      const key = `${event.order_sn}:${event.status}`;
      if (processed.has(key)) return console.log(`duplicate ${key}: already handled`);
      processed.add(key);
      console.log(`order ${event.order_sn} is now ${event.status} (${event.currency} ${event.amount})`);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/codepay/notifications`;
  console.log(`listening on ${url}`);
  if (mock) {
    // Against the mock, have it deliver a notification (twice, as the platform may).
    for (let i = 0; i < 2; i++) {
      const answer = await mock.sendNotification(url, { order_sn: 'ABC123456789', status: 'Paid' });
      console.log(`the platform got HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  }
  server.close();
});
