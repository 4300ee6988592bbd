import { beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/index.js';
import { useMockClient } from './support/mock-client.js';

describe('orders.list pagination against the mock', () => {
  const env = useMockClient();
  const created: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      const order = await env.codepay.orders.create({
        order_sn: `PAGE-${String(i).padStart(2, '0')}`,
        currency: 'USD',
        amount: 10 + i,
        payerID: 157774,
        purposeOfTransaction: 'PAY_FOR_GOODS',
        description: 'Goods',
        domain: 'www.example.com',
        product: 'Book',
      });
      created.push(order.order_sn!);
    }
  });

  const range = () => ({
    startTime: new Date(Date.now() - 3_600_000),
    endTime: new Date(Date.now() + 3_600_000),
    pageSize: 10,
  });

  it('iterates every order across three pages, fetching each page once', async () => {
    env.mock.clearRequests();
    const seen: Order[] = [];
    for await (const order of env.codepay.orders.list(range())) seen.push(order);
    expect(seen.map((o) => o.order_sn)).toEqual(created);
    const pages = env.mock.requests
      .filter((r) => r.service === 'queryOrders')
      .map((r) => (r.params as { pageNo: number }).pageNo);
    expect(pages).toEqual([1, 2, 3]);
  });

  it('fetches one page on its own, with its psn and counters', async () => {
    const page = await env.codepay.orders.list(range()).page(3);
    expect(page).toMatchObject({ total: 25, current_page: 3, per_page: 10, last_page: 3, from: 21, to: 25 });
    expect(page.orders).toHaveLength(5);
    expect(page.psn).toMatch(/\S/);
  });

  it('iterates page by page, starting from the pageNo in the params', async () => {
    const numbers: number[] = [];
    for await (const page of env.codepay.orders.list({ ...range(), pageNo: 2 }).pages())
      numbers.push(page.current_page);
    expect(numbers).toEqual([2, 3]);
  });

  it('filters by status and stops on an empty range', async () => {
    env.mock.setOrderStatus('PAGE-03', 'Paid');
    const paid: string[] = [];
    for await (const order of env.codepay.orders.list({ ...range(), status: 'Paid' })) paid.push(order.order_sn);
    expect(paid).toEqual(['PAGE-03']);
    const none: Order[] = [];
    for await (const order of env.codepay.orders.list({
      startTime: '2000-01-01 00:00:00',
      endTime: '2000-01-02 00:00:00',
    }))
      none.push(order);
    expect(none).toEqual([]);
  });
});
