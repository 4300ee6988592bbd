// Poll one order until it reaches a final status (or give up after a few tries). Prefer notifications in
// production: polling is for reconciliation and for a payer who returns before the notification arrives.
import { run } from './gateway.js';

const FINAL = new Set(['Paid', 'Failed', 'Expired', 'Cancelled', 'RefundCompleted']);

run(async ({ client }) => {
  const order = { order_sn: 'ABC123456789', linkID: '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C' };
  for (let attempt = 1; attempt <= 5; attempt++) {
    const { outcome, psn } = await client.orders.get(order);
    console.log(`attempt ${attempt}: order ${order.order_sn} is ${outcome} (psn ${psn})`);
    if (FINAL.has(outcome)) return;
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  console.log('still not final: check again later or wait for the notification');
});
