// Valid params to send when the values do not matter: the request example of the contract, with a fresh order_sn
// for createOrder (the mock keeps the merchant's orders and refuses a second one with the same order_sn, P0409).
import type { ServiceName } from '@codepay/sdk';
import { requestExample } from './schema-arbitraries.js';

let ordersCreated = 0;

export function sampleParams(service: ServiceName): Record<string, unknown> {
  const params = requestExample(service);
  if (service === 'createOrder') params.order_sn = `HOSTILE-${process.pid}-${++ordersCreated}`;
  return params;
}
