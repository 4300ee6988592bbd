// A transport client wired to a loopback gateway with the test keys and a capturing logger at the most verbose level.
import { createEnvelopeClient, type EnvelopeClient } from '../../src/envelope-client.js';
import type { TransportOptions } from '../../src/config.js';
import { capturingLogger } from './capture-logger.js';
import type { LoopbackGateway } from './loopback-gateway.js';
import { aesKeyText, merchantKeys, platformKeys } from './test-keys.js';

export function clientOptions(
  gateway: Pick<LoopbackGateway, 'url'>,
  overrides: Partial<TransportOptions> = {},
): TransportOptions {
  return {
    baseUrl: gateway.url,
    appId: 'app_test',
    merchantPrivateKey: merchantKeys.privatePkcs8Base64Der,
    platformPublicKey: platformKeys.publicSpkiBase64Der,
    aesKey: aesKeyText,
    logger: capturingLogger(),
    logLevel: 'debug',
    ...overrides,
  };
}

export const testClient = (
  gateway: Pick<LoopbackGateway, 'url'>,
  overrides: Partial<TransportOptions> = {},
): EnvelopeClient => createEnvelopeClient(clientOptions(gateway, overrides));

export const balanceParams = { currency: 'USD' } as const;
export const orderParams = {
  order_sn: 'ABC123456789',
  currency: 'USD',
  amount: 99.99,
  payerID: 157774,
  purposeOfTransaction: 'CLOTHES_BAGS_SHOES',
  description: 'Goods Payment',
  domain: 'www.example.com',
  product: 'Apple iPhone 14',
} as const;
export const orderResult = {
  order_sn: 'ABC123456789',
  platform_order_sn: 'SS1',
  linkID: '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C',
  status: 'New',
};
