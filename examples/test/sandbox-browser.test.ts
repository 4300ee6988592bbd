// The sandbox clicked through in a real headless Chromium: an order created through the SDK, its payment link
// opened, the test card paid (or declined, or challenged), then (a) the order's status read back through the SDK,
// (b) the signed notification received by a merchant server started here and verified by the SDK's
// `codepay.notifications`, and (c) the request and the delivery on the mock's dashboard. A failing test saves a
// screenshot (its path is printed).
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed, vi } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startMockGateway, type MockGateway } from '@codepay/mock';
import { createCodePay, type CodePay, type PaymentOrderStatusEvent } from '@codepay/sdk';
import { chromiumForTests, launchChromium } from './support/browser.js';

const executable = chromiumForTests('sandbox browser tests');
const screenshots = process.env.CODEPAY_SCREENSHOT_DIR ?? path.join(tmpdir(), 'codepay-browser-screenshots');

describe.skipIf(executable === undefined)('the sandbox in headless Chromium', () => {
  let mock: MockGateway;
  let codepay: CodePay;
  let merchant: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const received: PaymentOrderStatusEvent[] = [];
  let serial = 0;

  beforeAll(async () => {
    [mock, browser] = await Promise.all([startMockGateway({ notifyRetry: 'fast' }), launchChromium(executable!)]);
    codepay = createCodePay({ baseUrl: mock.url, ...mock.clientKeys, logLevel: 'silent' });
    // The merchant's notification endpoint: the SDK verifies the platform's signature and decrypts, then answers {"code":0}.
    merchant = createServer(codepay.notifications.handler((event) => void received.push(event)));
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    mock.setNotifyUrl(`http://127.0.0.1:${(merchant.address() as AddressInfo).port}/codepay/notifications`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => merchant?.close(resolve));
    await mock?.close();
  });

  beforeEach(async (test) => {
    // The previous test's context is closed here, not in afterEach: onTestFailed's screenshot runs after afterEach.
    await context?.close();
    context = await browser.newContext();
    page = await context.newPage();
    onTestFailed(async () => {
      mkdirSync(screenshots, { recursive: true });
      const file = path.join(screenshots, `${test.task.name.replace(/[^\w-]+/g, '-').slice(0, 80)}.png`);
      await page.screenshot({ path: file, fullPage: true }).then(
        () => console.error(`screenshot of the failing page: ${file} (at ${page.url()})`),
        (error: unknown) =>
          console.error(`no screenshot of the failing page: ${error instanceof Error ? error.message : String(error)}`),
      );
    });
  });

  async function createOrder(): Promise<{ order_sn: string; linkID: string; paymentUrl: string }> {
    const order_sn = `BROWSER-${process.pid}-${++serial}`;
    const payer = await codepay.payers.create({
      firstName: 'Peter',
      lastName: 'Pan',
      email: `peter.pan+${order_sn.toLowerCase()}@example.com`,
      areaCode: 852,
      phone: '98765432',
      address: 'Hong Kong',
      city: 'Hong Kong',
      province: 'Hong Kong',
      postcode: '95001',
      country: 'China',
    });
    const order = await codepay.orders.create({
      order_sn,
      currency: 'USD',
      amount: '25.50',
      payerID: payer.payerID,
      purposeOfTransaction: 'PAY_FOR_GOODS',
      description: 'Sandbox walk-through',
      domain: 'shop.example.com',
      product: 'Compass||Map of Neverland',
    });
    if (!order.linkID || !order.paymentUrl)
      throw new Error(`createOrder answered no linkID or paymentUrl: ${JSON.stringify(order)}`);
    return { order_sn, linkID: order.linkID, paymentUrl: order.paymentUrl };
  }

  async function expectOutcome(
    order: { order_sn: string; linkID: string },
    status: string,
    heading: string,
    notified: string[],
  ) {
    await page.waitForURL(/\/result\?/, { timeout: 20_000 });
    await expect.poll(() => page.locator('#result-title').textContent()).toBe(heading);
    // (a) the order, read back through the SDK
    expect((await codepay.orders.get({ order_sn: order.order_sn, linkID: order.linkID })).outcome).toBe(status);
    // (b) the notifications, received and verified by the merchant's server
    await vi.waitFor(
      () => expect(received.filter((e) => e.order_sn === order.order_sn).map((e) => e.status)).toEqual(notified),
      { timeout: 5000 },
    );
    // (c) the dashboard: the createOrder request and the acknowledged delivery of the last status
    await page.goto(`${mock.url}/`);
    await expect
      .poll(() =>
        page
          .locator('tr.request', { hasText: `order_sn=${order.order_sn}` })
          .filter({ hasText: 'createOrder' })
          .count(),
      )
      .toBe(1);
    const delivery = page
      .locator(`tr.notification[data-order-sn="${order.order_sn}"]`)
      .filter({ hasText: status })
      .first();
    await expect.poll(() => delivery.textContent()).toMatch(/delivered[\s\S]*HTTP 200 \{"code":0\}[\s\S]*acknowledged/);
    await expect
      .poll(() => page.locator(`tr.order[data-order-sn="${order.order_sn}"]`).textContent())
      .toContain(status);
  }

  it('Pay with the pre-filled test card: the order is Paid', async () => {
    const order = await createOrder();
    await page.goto(order.paymentUrl);
    await expect.poll(() => page.locator('#amount').textContent()).toBe('USD 25.50');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    await expectOutcome(order, 'Paid', 'Payment complete', ['Paid']);
  });

  it('Decline: the order is Failed', async () => {
    const order = await createOrder();
    await page.goto(order.paymentUrl);
    await page.getByRole('button', { name: 'Decline', exact: true }).click();
    await expectOutcome(order, 'Failed', 'Payment declined', ['Failed']);
  });

  it('a 3-D Secure challenge, passed in its iframe: Processing, then Paid', async () => {
    const order = await createOrder();
    await page.goto(order.paymentUrl);
    await page.getByLabel('Card number').fill('4000 0000 0000 3220');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    const challenge = page.frameLocator('#challenge-frame');
    await challenge.getByRole('button', { name: 'Pay', exact: true }).click({ timeout: 15_000 });
    await expectOutcome(order, 'Paid', 'Payment complete', ['Processing', 'Paid']);
  });

  it('an unknown payment link is a page that says so', async () => {
    const response = await page.goto(`${mock.url}/pay/00000000-0000-0000-0000-000000000000`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Payment link not found');
  });
});
