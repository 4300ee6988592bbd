// The contract, field by field, from the vendor's documentation (the field tables of the team's API reference, §5
// and §9): for each documented field, values the docs allow are accepted and values they rule out are refused; the
// vendor's own request and response samples are all accepted. Requests are strict where the docs are and no
// stricter; answers are read tolerantly (only what the docs mark required is required).
import { describe, expect, it } from 'vitest';
import { services, validatePaymentOrderStatusNotification, type ServiceName } from '@codepay/models';

const payer = {
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

const valid: Record<ServiceName, Record<string, unknown>> = {
  createPayer: payer,
  getPayer: { email: payer.email },
  updatePayer: { ...payer, payerID: 157774, phone: 98765432 },
  createOrder: {
    order_sn: 'ABC123456789',
    currency: 'USD',
    amount: 999.22,
    payerID: 157774,
    purposeOfTransaction: 'PAY_FOR_GOODS',
    description: 'Goods Payment',
    domain: 'www.example.com',
    product: 'Apple iPhone 14||Apple iPad Air',
  },
  queryOrder: { order_sn: 'ABC123456789', linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1' },
  queryOrders: { startTime: '2023-12-01 00:00:00', endTime: '2023-12-31 23:59:59' },
  refundOrder: { order_sn: 'ABC123456789', linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1' },
  checkoutOrder: {
    order_sn: 'ABC123456789',
    linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1',
    cardHolderName: 'Peter Pan',
    sessionCard: 'https://try.access.worldpay.com/verifiedTokens/sessions/eyJrIjoxLCJkIjoi',
    sessionCvc: 'https://try.access.worldpay.com/sessions/eyJrIjoxLCJkIjoi',
    relationship: 'CUSTOMER',
  },
  payOrder: {
    order_sn: 'ABC123456789',
    linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1',
    transactionReference: '8e9dfeb7-7aa2-4da2-88d8-5e30ad4ef056',
    sessionId: '0_797c4992-0793-4034-846e-e63cb50a84fa',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
  },
  getBalance: { currency: 'USD' },
};

type Row = [
  service: ServiceName,
  field: string,
  accepted: readonly unknown[],
  refused: readonly unknown[],
  docs: string,
];

// One row per documented request field: what the docs allow, and what they rule out ("Y" fields refuse absence).
const ABSENT = Symbol('absent');
const requestRows: Row[] = [
  [
    'createPayer',
    'firstName',
    ['Peter', '张三', 'Montréal'],
    [ABSENT, '', 'Pe\u{1F600}ter', 1],
    'string Y; 1–3-byte UTF-8 only',
  ],
  [
    'createPayer',
    'email',
    ['peter.pan@example.com', 'josé@example.com', 'a+b@example.co.uk'],
    [ABSENT, '', 42],
    'string Y; no format documented',
  ],
  ['createPayer', 'areaCode', [852, 1, 9999, '852'], [ABSENT, 0, 10000, '0852', 'HK'], 'integer Y, e.g. 852'],
  [
    'createPayer',
    'phone',
    ['98765432', '0123456789'],
    [ABSENT, 98765432, '9876-5432', '+85298765432'],
    'string Y in createPayer',
  ],
  [
    'createPayer',
    'address',
    ['Hong Kong', '1 Neverland Road', '', 'a'.repeat(255)],
    [ABSENT, 'Flat 1, Hong Kong', 'Rue de la Paix é', 'a'.repeat(256)],
    'letters [a-z][A-Z], digits [0-9] and space, 0–255',
  ],
  ['createPayer', 'country', ['China'], [ABSENT, ''], 'string Y'],
  ['getPayer', 'email', ['peter.pan@example.com', 'josé@example.com'], [ABSENT, '', null], 'string Y'],
  [
    'updatePayer',
    'payerID',
    [157774, '157774', 9007199254740991],
    [ABSENT, 0, 9007199254740992, '15777A'],
    'integer Y (the vendor sample sends text)',
  ],
  [
    'updatePayer',
    'phone',
    [98765432, '98765432', '098765432'],
    [ABSENT, -1, '9876 5432'],
    'integer Y, e.g. 98765432 (the vendor sample sends text)',
  ],
  ['updatePayer', 'areaCode', [852, '852'], [ABSENT, '+852'], 'integer Y (the vendor sample sends text)'],
  ['createOrder', 'order_sn', ['ABC123456789', 'ORDER 1'], [ABSENT, ''], 'string Y'],
  ['createOrder', 'currency', ['USD'], [ABSENT, 'EUR', 'usd'], 'allowed: USD'],
  [
    'createOrder',
    'amount',
    [999.22, 99.99, 0.01, '999.22', '10.10'],
    [ABSENT, 0, -1, '1e3', 'abc'],
    'number Y, e.g. 999.22 (a string in one sample)',
  ],
  ['createOrder', 'payerID', [157774], [ABSENT, 1.5], 'integer Y'],
  [
    'createOrder',
    'purposeOfTransaction',
    ['PAY_FOR_GOODS', 'TUITION_FEES', 'OTHERS'],
    [ABSENT, 'GIFTS', 'pay_for_goods'],
    'enum of 32 values',
  ],
  ['createOrder', 'description', ['Goods Payment'], [ABSENT, ''], 'string Y'],
  [
    'createOrder',
    'skip3ds',
    [ABSENT, 'True', 'False'],
    ['true', true, 'yes'],
    'string N: "True"/"False", default False',
  ],
  [
    'createOrder',
    'domain',
    ['www.example.com', 'www.aaa.com/shop'],
    [ABSENT, ''],
    'string Y, e.g. www.example.com; no format documented',
  ],
  ['createOrder', 'product', ['Apple iPhone 14||Apple iPad Air'], [ABSENT, ''], 'string Y; several joined by ||'],
  [
    'queryOrder',
    'linkID',
    ['FCA35CEB-E03C-4E36-8EA7-009FF613B1B1', 'fca35ceb-e03c-4e36-8ea7-009ff613b1b1', 'LINK-1'],
    [ABSENT, ''],
    'String Y; UUID-shaped in samples only',
  ],
  [
    'queryOrders',
    'startTime',
    ['2023-12-01 00:00:00', '2023-12-01'],
    [ABSENT, '2023-12-01T00:00:00Z', '01/12/2023'],
    'yyyy-MM-dd HH:mm:ss or yyyy-MM-dd, UTC',
  ],
  ['queryOrders', 'pageNo', [ABSENT, 1, 7], [0, 1.5], 'N, default 1'],
  ['queryOrders', 'pageSize', [ABSENT, 1, 100], [0, 101], 'N, 1–100, default 10'],
  ['queryOrders', 'status', [ABSENT, 'Paid', 'RefundCompleted'], ['Refunded'], 'a sample-only filter: an order status'],
  ['refundOrder', 'linkID', ['FCA35CEB-E03C-4E36-8EA7-009FF613B1B1', 'any-link-id'], [ABSENT, ''], 'String Y'],
  [
    'checkoutOrder',
    'relationship',
    ['BUSINESS_OWNER_SHAREHOLDER', 'DIRECTOR_SENIOR_MANAGEMENT', 'EMPLOYEE', 'RELATIVE', 'CUSTOMER', 'FRIEND'],
    [ABSENT, 'NEIGHBOUR'],
    'enum of 6 values',
  ],
  [
    'checkoutOrder',
    'sessionCard',
    [
      'https://try.access.worldpay.com/verifiedTokens/sessions/eyJ',
      'https://access.worldpay.com/verifiedTokens/sessions/eyJ',
    ],
    [ABSENT, ''],
    'string Y; a URL whose host differs live/test',
  ],
  ['payOrder', 'sessionId', ['0_797c4992-0793-4034-846e-e63cb50a84fa'], [ABSENT, ''], 'string Y'],
  [
    'payOrder',
    'userAgent',
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)'],
    [ABSENT, ''],
    "string Y: the payer's browser",
  ],
  ['getBalance', 'currency', ['USD', 'EUR', 'HKD'], [ABSENT, 'usd', 'US'], 'string Y, e.g. USD'],
];

const withField = (service: ServiceName, field: string, value: unknown) => {
  const params = { ...valid[service] };
  if (value === ABSENT) delete params[field];
  else params[field] = value;
  return params;
};

const show = (value: unknown) =>
  value === ABSENT
    ? 'absent'
    : typeof value === 'string' && value.length > 40
      ? `${value.length} characters`
      : JSON.stringify(value);

describe('requests: what the documentation allows is accepted, what it rules out is refused', () => {
  it.each(requestRows)('%s.%s (%#)', (service, field, accepted, refused, docs) => {
    const validate = services[service].validateParams;
    for (const value of accepted)
      expect(
        validate(withField(service, field, value)),
        `${service}.${field} = ${show(value)} should be accepted (${docs})`,
      ).toBe(true);
    for (const value of refused) {
      expect(
        validate(withField(service, field, value)),
        `${service}.${field} = ${show(value)} should be refused (${docs})`,
      ).toBe(false);
      expect(
        validate.errors?.some(
          (error) =>
            error.instancePath === `/${field}` ||
            (error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === field),
        ),
      ).toBe(true);
    }
  });

  it('every service has a valid example here, and the table covers every documented service', () => {
    for (const service of Object.keys(services) as ServiceName[])
      expect(services[service].validateParams(valid[service]), service).toBe(true);
    expect(new Set(requestRows.map(([service]) => service))).toEqual(new Set(Object.keys(services)));
  });
});

describe("the vendor's own samples are accepted", () => {
  it('updatePayer as the vendor sends it: every value as text', () => {
    const sample = {
      payerID: '9007199254740991',
      firstName: 'Peter',
      lastName: 'Pan',
      email: 'peter.pan@example.com',
      areaCode: '852',
      phone: '98765432',
      address: 'Hong Kong',
      city: 'Hong Kong',
      province: 'Hong Kong',
      postcode: '95001',
      country: 'China',
    };
    expect(services.updatePayer.validateParams(sample)).toBe(true);
  });

  it('createOrder with the amount as text, as one sample sends it', () => {
    expect(services.createOrder.validateParams({ ...valid.createOrder, amount: '999.22', skip3ds: 'True' })).toBe(true);
  });

  it('queryOrders with date-only bounds and the sample-only status filter', () => {
    expect(
      services.queryOrders.validateParams({
        startTime: '2023-12-01',
        endTime: '2023-12-31',
        pageNo: 1,
        pageSize: 10,
        status: 'Paid',
      }),
    ).toBe(true);
  });

  it('payer answers with phone, payerID and areaCode as numbers or text, and a formatted phone', () => {
    const answers = [
      { payerID: 157774, ...payer, phone: 98765432 },
      { payerID: '157774', ...payer, areaCode: '852', phone: '+852 9876-5432' },
    ];
    for (const answer of answers) {
      expect(services.getPayer.validateResult(answer)).toBe(true);
      expect(services.updatePayer.validateResult(answer)).toBe(true);
    }
  });

  it('queryOrders pages with amounts and payer ids as numbers or text, nulls for absent fields, and a requestID of either type', () => {
    const page = {
      total: 2,
      current_page: 1,
      per_page: 10,
      from: 1,
      to: 2,
      last_page: 1,
      orders: [
        {
          order_sn: 'A1',
          platform_order_sn: 'SS1',
          currency: 'USD',
          amount: 10.5,
          payerID: 157774,
          purposeOfTransaction: 'PAY_FOR_GOODS',
          description: null,
          status: 'Paid',
          requestID: 'REQ1',
          linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1',
          linkExpiry: '2023-12-02 12:00:00',
          creationTime: '2023-12-01 12:00:00',
        },
        {
          order_sn: 'A2',
          platform_order_sn: 'SS2',
          currency: 'USD',
          amount: '999.22',
          payerID: '157774',
          status: 'New',
          requestID: 7,
          linkID: null,
        },
      ],
    };
    expect(services.queryOrders.validateResult(page)).toBe(true);
  });

  it('createOrder answers whatever fields they carry (the result is not documented)', () => {
    for (const answer of [{}, { order_sn: 'A1', linkID: 'not-a-uuid', paymentUrl: 'pay here' }, { status: 'New' }]) {
      expect(services.createOrder.validateResult(answer)).toBe(true);
    }
  });

  it('card answers: checkout with only the documented fields, pay frictionless or challenged', () => {
    expect(
      services.checkoutOrder.validateResult({
        outcome: 'initialized',
        transactionReference: '8e9dfeb7-7aa2-4da2-88d8-5e30ad4ef056',
      }),
    ).toBe(true);
    expect(
      services.payOrder.validateResult({
        outcome: 'authenticated',
        transactionReference: 'T1',
        authentication: { version: '2.1.0', authenticationValue: 'MAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      }),
    ).toBe(true);
    expect(
      services.payOrder.validateResult({
        outcome: 'challenged',
        transactionReference: 'T1',
        challenge: { reference: 'R1', url: 'https://challenge.example.com', jwt: 'e30.e30.' },
      }),
    ).toBe(true);
  });

  it('a notification as the samples show it: milliseconds and +0000, a numeric requestID, an amount as text', () => {
    const notification = {
      PaymentOrderStatus: {
        order_sn: 'ABC123456789',
        platform_order_sn: 'SS20231108073007899',
        requestID: 1234567,
        region: 'HK',
        payerEmail: 'peter.pan@example.com',
        description: 'Goods Payment',
        comment: null,
        requestTime: '2023-11-08 07:30:07.899+0000',
        currency: 'USD',
        amount: '999.22',
        linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1',
        linkExpiry: '2023-11-09 07:30:07.899+0000',
        status: 'Paid',
        failTimes: 0,
        creationTime: '2023-11-08 07:30:07.899+0000',
      },
    };
    expect(validatePaymentOrderStatusNotification(notification)).toBe(true);
  });
});
