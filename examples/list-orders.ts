// List every order of the last 30 days across pages, and show one page on its own.
import { run } from './gateway.js';

run(async ({ client }) => {
  const endTime = new Date();
  const startTime = new Date(endTime.getTime() - 30 * 24 * 3600 * 1000);
  const orders = client.orders.list({ startTime, endTime, pageSize: 50 });

  let count = 0;
  for await (const order of orders) {
    count++;
    console.log(`${order.order_sn}  ${order.status.padEnd(16)} ${order.currency} ${order.amount}`);
  }
  const first = await orders.page(1);
  console.log(
    `${count} order(s) in ${first.last_page} page(s) of up to ${first.per_page} (psn of page 1: ${first.psn})`,
  );
});
