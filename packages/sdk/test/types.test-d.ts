import { describe, expectTypeOf, it } from 'vitest';
import type {
  CodePay,
  CreateOrderResult,
  CreatePayerResult,
  GetBalanceResult,
  GetPayerResult,
  Order,
  PageList,
  QueryOrderResult,
  QueryOrdersResult,
  RefundOrderResult,
  UpdatePayerResult,
  WithPsn,
} from '../src/index.js';

declare const codepay: CodePay;

describe('SDK method types', () => {
  it('each resource method takes its service params and returns its typed result with psn', () => {
    expectTypeOf(codepay.payers.create).returns.resolves.toEqualTypeOf<WithPsn<CreatePayerResult>>();
    expectTypeOf(codepay.payers.get).returns.resolves.toEqualTypeOf<WithPsn<GetPayerResult>>();
    expectTypeOf(codepay.payers.update).returns.resolves.toEqualTypeOf<WithPsn<UpdatePayerResult>>();
    expectTypeOf(codepay.orders.create).returns.resolves.toEqualTypeOf<WithPsn<CreateOrderResult>>();
    expectTypeOf(codepay.orders.get).returns.resolves.toEqualTypeOf<WithPsn<QueryOrderResult>>();
    expectTypeOf(codepay.orders.refund).returns.resolves.toEqualTypeOf<WithPsn<RefundOrderResult>>();
    expectTypeOf(codepay.balance.get).returns.resolves.toEqualTypeOf<WithPsn<GetBalanceResult>>();
    expectTypeOf(codepay.orders.list).returns.toEqualTypeOf<PageList<Order, QueryOrdersResult>>();
    expectTypeOf(codepay.balance.get).parameter(0).toEqualTypeOf<{ currency: string }>();
    // psn is used when present, never required (it is documented in one of the vendor's doc sets only).
    expectTypeOf<WithPsn<GetBalanceResult>['psn']>().toEqualTypeOf<string | undefined>();
  });

  it('date-time params take a Date or the gateway text', () => {
    expectTypeOf(codepay.orders.list).parameter(0).toHaveProperty('startTime').toEqualTypeOf<string | Date>();
  });

  it('call() is typed by service name', async () => {
    expectTypeOf(await codepay.call('getBalance', { currency: 'USD' })).toEqualTypeOf<WithPsn<GetBalanceResult>>();
    // @ts-expect-error: a misspelt service name does not compile
    void codepay.call('getBalances', { currency: 'USD' });
    // @ts-expect-error: params of another service do not compile
    void codepay.call('getBalance', { email: 'a@example.com' });
  });

  it('a missing required field does not compile', () => {
    // @ts-expect-error: `linkID` is required
    void codepay.orders.refund({ order_sn: 'A1' });
    void codepay.orders.create({
      order_sn: 'A',
      currency: 'USD',
      // @ts-expect-error: `amount` must be a number or a decimal string, not a boolean
      amount: true,
      payerID: 1,
      purposeOfTransaction: 'OTHERS',
      description: 'd',
      domain: 'example.com',
      product: 'p',
    });
    void codepay.orders.create({
      order_sn: 'A',
      currency: 'USD',
      amount: 9.99,
      payerID: 1,
      // @ts-expect-error: only the documented purposes
      purposeOfTransaction: 'GIFTS',
      description: 'd',
      domain: 'example.com',
      product: 'p',
    });
  });
});
