import { describe, expectTypeOf, it } from 'vitest';
import type {
  CreateOrderParams,
  CreatePayerParams,
  CreatePayerResult,
  ServiceParams,
  ServiceResult,
  ServiceName,
  QueryOrdersResult,
  OrderStatus,
} from '../src/index.js';
import { services } from '../src/index.js';

describe('generated types', () => {
  it('CreatePayerParams type-checks with every required field and fails without one', () => {
    const params: CreatePayerParams = {
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
    };
    expectTypeOf(params).toEqualTypeOf<CreatePayerParams>();
    // @ts-expect-error: `email` is required
    const missingEmail: CreatePayerParams = {
      firstName: 'P',
      lastName: 'P',
      areaCode: 852,
      phone: '1',
      address: '',
      city: 'c',
      province: 'p',
      postcode: '1',
      country: 'c',
    };
    void missingEmail;
  });

  it('maps service names to their params and results', () => {
    expectTypeOf<ServiceParams<'createPayer'>>().toEqualTypeOf<CreatePayerParams>();
    expectTypeOf<ServiceResult<'createPayer'>>().toEqualTypeOf<CreatePayerResult>();
    expectTypeOf<ServiceName>().toEqualTypeOf<
      | 'createPayer'
      | 'getPayer'
      | 'updatePayer'
      | 'createOrder'
      | 'queryOrder'
      | 'queryOrders'
      | 'refundOrder'
      | 'checkoutOrder'
      | 'payOrder'
      | 'getBalance'
    >();
    expectTypeOf<QueryOrdersResult['orders'][number]['status']>().toEqualTypeOf<OrderStatus>();
  });

  it('an amount is a number or a decimal string', () => {
    expectTypeOf<CreateOrderParams['amount']>().toEqualTypeOf<number | string>();
  });

  it('validators narrow unknown input to the params type', () => {
    const input: unknown = {};
    if (services.getBalance.validateParams(input)) expectTypeOf(input).toEqualTypeOf<ServiceParams<'getBalance'>>();
  });
});
