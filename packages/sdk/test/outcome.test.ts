// Learning the outcome of a state-changing call whose answer was lost, against the mock gateway: orders.find by
// order_sn alone, and resolveOutcome's answer for each read-back, including the cases it cannot decide.
import { describe, expect, it } from 'vitest';
import { isCodePayError, ValidationError, type CodePay } from '../src/index.js';
import { useMockClient } from './support/mock-client.js';
import { payerFields } from './support/params.js';

const env = useMockClient();
let serial = 0;

const payerParams = () => ({
  ...payerFields,
  email: `outcome-${process.pid}-${++serial}@example.com`,
  phone: '98765432',
});

const orderParams = () => ({
  order_sn: `OUTCOME-${process.pid}-${++serial}`,
  currency: 'USD' as const,
  amount: 12.5,
  payerID: 157774,
  purposeOfTransaction: 'PAY_FOR_GOODS' as const,
  description: 'Goods Payment',
  domain: 'www.example.com',
  product: 'Apple iPhone 14',
});

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** A createOrder whose answer the mock loses after storing the order. */
async function lostCreate(codepay: CodePay, params = orderParams()) {
  env.mock.queueScenario('commit-drop', { service: 'createOrder' });
  const error = await failureOf(() => codepay.orders.create(params));
  return { params, error };
}

describe('orders.find', () => {
  it('finds an order by order_sn alone, with the linkID queryOrder and refundOrder need; undefined when there is none', async () => {
    const params = orderParams();
    const created = await env.codepay.orders.create(params);
    const found = await env.codepay.orders.find({ order_sn: params.order_sn });
    expect(found).toMatchObject({ order_sn: params.order_sn, linkID: created.linkID, status: 'New' });
    expect(await env.codepay.orders.find({ order_sn: 'NO-SUCH-ORDER' })).toBeUndefined();
    // Outside the window: not found.
    expect(
      await env.codepay.orders.find({
        order_sn: params.order_sn,
        from: new Date('2020-01-01'),
        to: new Date('2020-01-02'),
      }),
    ).toBeUndefined();
  });
});

describe('resolveOutcome', () => {
  it('a createOrder stored by the gateway but whose answer was lost → happened, with the order and its linkID', async () => {
    const { params, error } = await lostCreate(env.codepay);
    expect(error).toMatchObject({ name: 'ConnectionError', outcomeUnknown: true, service: 'createOrder' });
    const resolution = await env.codepay.resolveOutcome(error, { settleMs: 0 });
    expect(resolution).toMatchObject({
      outcome: 'happened',
      service: 'createOrder',
      data: { order_sn: params.order_sn, amount: 12.5 },
    });
    expect((resolution as { data: { linkID?: string } }).data.linkID).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('waits settleMs after the request was sent before trusting a read-back', async () => {
    const { error } = await lostCreate(env.codepay);
    const sentAt = (error as { sentAt: Date }).sentAt.getTime();
    await env.codepay.resolveOutcome(error, { settleMs: 300 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(300);
  });

  it('an order_sn taken by an order with another amount → unknown, with the reason', async () => {
    const params = orderParams();
    await env.codepay.orders.create(params);
    // The same order_sn sent again with another amount, its answer lost: the mock refuses the duplicate (P0409) but
    // the answer never arrives, so the SDK cannot know; the read-back finds an order that is not this call's.
    const { error } = await lostCreate(env.codepay, { ...params, amount: 99 });
    const resolution = await env.codepay.resolveOutcome(error, { settleMs: 0 });
    expect(resolution).toMatchObject({ outcome: 'unknown', service: 'createOrder' });
    expect((resolution as { reason: string }).reason).toMatch(/another amount, currency or payer/);
  });

  it('a refund read back from the order status: Refund… → happened; still Paid → not-happened; otherwise unknown', async () => {
    const order = await env.codepay.orders.create(orderParams());
    const refund = { order_sn: order.order_sn!, linkID: order.linkID! };
    env.mock.setOrderStatus(refund.order_sn, 'Paid');
    env.mock.queueScenario('commit-html-504', { service: 'refundOrder' });
    const taken = await failureOf(() => env.codepay.orders.refund(refund));
    expect(await env.codepay.resolveOutcome(taken, { settleMs: 0 })).toMatchObject({
      outcome: 'happened',
      data: { outcome: 'RefundSubmitted' },
    });

    env.mock.setOrderStatus(refund.order_sn, 'Paid');
    const lost = await failureOf(() =>
      env.codepay.orders.refund(refund, { headers: { 'x-mock-scenario': 'slow:2000' }, timeout: 100, deadline: 150 }),
    );
    expect(lost).toMatchObject({ name: 'TimeoutError', outcomeUnknown: true });
    // The mock answers the timed-out request only after 2 s: before that the order is still Paid.
    expect(await env.codepay.resolveOutcome(lost, { settleMs: 0 })).toMatchObject({
      outcome: 'not-happened',
      service: 'refundOrder',
    });

    env.mock.setOrderStatus(refund.order_sn, 'Chargeback');
    env.mock.queueScenario('commit-drop', { service: 'refundOrder' });
    const odd = await failureOf(() => env.codepay.orders.refund(refund));
    expect(await env.codepay.resolveOutcome(odd, { settleMs: 0 })).toMatchObject({ outcome: 'unknown' });
  });

  it('createPayer: found with the details sent → happened; no such payer → not-happened', async () => {
    const payer = payerParams();
    env.mock.queueScenario('commit-unsigned-503', { service: 'createPayer' });
    const stored = await failureOf(() => env.codepay.payers.create(payer));
    expect(stored).toMatchObject({ outcomeUnknown: true });
    expect(await env.codepay.resolveOutcome(stored, { settleMs: 0 })).toMatchObject({
      outcome: 'happened',
      data: { email: payer.email },
    });

    const other = payerParams();
    const lost = await failureOf(() =>
      env.codepay.payers.create(other, { headers: { 'x-mock-scenario': 'slow:2000' }, timeout: 100, deadline: 150 }),
    );
    expect(await env.codepay.resolveOutcome(lost, { settleMs: 0 })).toMatchObject({
      outcome: 'not-happened',
      service: 'createPayer',
    });
  });

  it('updatePayer: the payer has every detail sent → happened; other details → not-happened', async () => {
    const payer = payerParams();
    const created = await env.codepay.payers.create(payer);
    const update = { ...payer, phone: 98765432, payerID: created.payerID, city: 'Kowloon' };
    env.mock.queueScenario('commit-truncated', { service: 'updatePayer' });
    const applied = await failureOf(() => env.codepay.payers.update(update));
    expect(await env.codepay.resolveOutcome(applied, { settleMs: 0 })).toMatchObject({
      outcome: 'happened',
      data: { city: 'Kowloon' },
    });

    const lost = await failureOf(() =>
      env.codepay.payers.update(
        { ...update, city: 'Lantau' },
        { headers: { 'x-mock-scenario': 'slow:2000' }, timeout: 100, deadline: 150 },
      ),
    );
    const resolution = await env.codepay.resolveOutcome(lost, { settleMs: 0 });
    expect(resolution).toMatchObject({ outcome: 'not-happened', service: 'updatePayer' });
    expect((resolution as { detail: string }).detail).toMatch(/city/);
  });

  it("an error whose outcome is known, or that is not the SDK's, is answered without a read-back", async () => {
    const invalid = await failureOf(() => env.codepay.orders.create({ ...orderParams(), amount: 10.005 }));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid).toMatchObject({ outcomeUnknown: false });
    expect(await env.codepay.resolveOutcome(invalid)).toMatchObject({ outcome: 'not-happened' });
    expect(await env.codepay.resolveOutcome(new Error('boom'))).toMatchObject({
      outcome: 'unknown',
      reason: expect.stringMatching(/not an error of the CodePay SDK/),
    });
  });

  it('every error of a state-changing call carries a boolean outcomeUnknown, also those raised before the transport', async () => {
    const error = await failureOf(() =>
      env.codepay.call('queryOrders', { startTime: new Date(Number.NaN), endTime: new Date() }),
    );
    expect(isCodePayError(error) && error.outcomeUnknown).toBe(false);
  });
});

describe('amounts', () => {
  it('a decimal string goes into the signed JSON with exactly its digits', async () => {
    const prepared = await env.codepay.prepare('createOrder', { ...orderParams(), amount: '10.10' });
    expect(prepared.plaintext).toContain('"amount":10.10,');
  });

  it.each([
    [10.005, /at most 2 decimal places/],
    [0.1 + 0.2, /at most 2 decimal places/],
    [1e21, /must be at most 1000000000/],
    [1e-7, /exponent|at most/],
  ])('%s is refused before sending, naming /amount', async (amount, rule) => {
    const error = await failureOf(() => env.codepay.orders.create({ ...orderParams(), amount }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]).toMatchObject({
      path: '/amount',
      message: expect.stringMatching(rule),
    });
  });
});
