// Refund a paid order in full. A refund changes state, so the SDK never retries it once it may have reached the
// gateway: on a ConnectionError with outcomeUnknown, check the order's status before trying again.
import { BusinessError, isCodePayError } from '@codepay/sdk';
import { run } from './gateway.js';

run(async ({ client }) => {
  const order = { order_sn: 'ABC123456789', linkID: '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C' };
  const { balance, currency } = await client.balance.get({ currency: 'USD' });
  console.log(`balance before the refund: ${balance} ${currency}`);
  try {
    const { message, psn } = await client.orders.refund(order);
    console.log(`refund of ${order.order_sn}: ${message} (psn ${psn})`);
  } catch (error) {
    if (error instanceof BusinessError)
      console.log(`refund refused: ${error.errorCode} ${error.errorMessage} (psn ${error.psn})`);
    else if (isCodePayError(error, 'ConnectionError') && error.outcomeUnknown)
      console.log('outcome unknown: query the order before retrying');
    else throw error;
  }
});
