import { describe, expect, it } from 'vitest';
import { useMockClient } from './support/mock-client.js';
import { payerFields } from './support/params.js';
import { services, serviceNames } from '@codepay/models';
import { BusinessError } from '../src/index.js';

const linkID = '8E4B2A1C-7F3D-4C5E-9A6B-1D2E3F4A5B6C';

describe('every service through the SDK against @codepay/mock over loopback', () => {
  // The calls name the spec's example payer (157774) and linkID, which this gateway never created: answer them from
  // the spec's examples rather than "not found".
  const env = useMockClient({ unknownRecords: 'examples' });

  const calls = {
    createPayer: () => env.codepay.payers.create({ ...payerFields, phone: '98765432' }),
    getPayer: () => env.codepay.payers.get({ email: 'peter.pan@example.com' }),
    updatePayer: () => env.codepay.payers.update({ ...payerFields, payerID: 157774, phone: 98765432 }),
    createOrder: () =>
      env.codepay.orders.create({
        order_sn: 'SDK-1',
        currency: 'USD',
        amount: 10.5,
        payerID: 157774,
        purposeOfTransaction: 'PAY_FOR_GOODS',
        description: 'Goods',
        domain: 'www.example.com',
        product: 'Book',
      }),
    queryOrder: () => env.codepay.orders.get({ order_sn: 'SDK-1', linkID }),
    queryOrders: () =>
      env.codepay.orders.list({ startTime: new Date(Date.now() - 86_400_000), endTime: new Date() }).page(),
    refundOrder: () => env.codepay.orders.refund({ order_sn: 'SDK-1', linkID }),
    checkoutOrder: () =>
      env.codepay.orders.checkout({
        order_sn: 'SDK-1',
        linkID,
        cardHolderName: 'Peter Pan',
        sessionCard: 'https://try.access.worldpay.com/verifiedTokens/sessions/eyJrIjoxfQ',
        sessionCvc: 'https://try.access.worldpay.com/sessions/eyJrIjoxfQ',
        relationship: 'CUSTOMER',
      }),
    payOrder: () =>
      env.codepay.orders.pay({
        order_sn: 'SDK-1',
        linkID,
        transactionReference: '8e9dfeb7-7aa2-4da2-88d8-5e30ad4ef056',
        sessionId: '0_797c4992',
        userAgent: 'Mozilla/5.0',
      }),
    getBalance: () => env.codepay.balance.get({ currency: 'USD' }),
  } satisfies Record<(typeof serviceNames)[number], () => Promise<unknown>>;

  it.each(serviceNames)('%s succeeds: typed data that passes the result validator, with its psn', async (service) => {
    const before = env.mock.requests.length;
    const result = (await calls[service]()) as Record<string, unknown> & { psn: string };
    expect(services[service].validateResult(result)).toBe(true);
    expect(result.psn).toMatch(/\S/);
    expect(Object.keys(result)).not.toContain('psn'); // non-enumerable: stays out of JSON
    const recorded = env.mock.requests.slice(before).find((r) => r.service === service);
    expect(recorded?.psn).toBe(result.psn);
  });

  it.each(serviceNames)(
    '%s business failure raises BusinessError with code, message, service and psn',
    async (service) => {
      const call = calls[service];
      env.mock.queueScenario('business-error:P0042', { times: 1 });
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BusinessError);
      expect(error).toMatchObject({ errorCode: 'P0042', service });
      expect((error as BusinessError).psn).toMatch(/\S/);
      expect((error as BusinessError).errorMessage).not.toBe('');
    },
  );

  it('client.call is typed by service name and behaves like the resource method', async () => {
    const balance = await env.codepay.call('getBalance', { currency: 'USD' });
    expect(balance).toMatchObject({ currency: expect.any(String), balance: expect.stringMatching(/^-?\d+(\.\d+)?$/) });
  });
});
