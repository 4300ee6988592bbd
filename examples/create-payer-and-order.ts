// Create a payer, then a payment order for them, and print the payment link to send the payer to.
import { run } from './gateway.js';

run(async ({ client }) => {
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
  console.log(`payer ${payer.payerID} created (psn ${payer.psn})`);

  const order = await client.orders.create({
    order_sn: `ORDER-${Date.now()}`,
    currency: 'USD',
    amount: 99.99,
    payerID: payer.payerID,
    purposeOfTransaction: 'CLOTHES_BAGS_SHOES',
    description: 'Goods Payment',
    domain: 'www.example.com',
    product: 'Apple iPhone 14||Apple iPad Air',
  });
  console.log(
    `order ${order.order_sn} is ${order.status}; pay at ${order.paymentUrl ?? '(no link)'} (psn ${order.psn})`,
  );
});
