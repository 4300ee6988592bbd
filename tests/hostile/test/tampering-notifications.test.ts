// The tampering matrix for notifications: a forged or malformed notification is answered 400 and never reaches the
// merchant's listener; `verifyAndDecrypt` names the reason with its error class. The table is in ../README.md.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockGatewayKeys } from '@codepay/mock';
import { DecryptionError, ResponseFormatError, SignatureVerificationError, type CodePay } from '@codepay/sdk';
import { generateRegisteredKeys, startHostileGateway, type HostileGateway } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll, exposeForLeakCheck } from './support/leak-guard.js';
import {
  catchNotificationBody,
  startNotificationEndpoint,
  type NotificationEndpoint,
} from './support/notification-endpoint.js';
import { expectTypedFailure, type ErrorClass } from './support/outcome.js';
import { decryptsUnder, seal } from './support/platform-seal.js';
import { flipBit } from './support/tampering.js';

checkForLeaksAfterAll();

type Notification = { noticeType: string; bizContent: string; sign: string };

let gateway: HostileGateway;
let codepay: CodePay;
let endpoint: NotificationEndpoint;
/** The same handler behind a body parser that read the body first, as `express.json()` does. */
let parsedEndpoint: NotificationEndpoint;
let other: MockGatewayKeys;
/** Two genuine notifications, as the platform (the mock) sends them. */
let paid: Notification;
let refunded: Notification;

beforeAll(async () => {
  other = await generateRegisteredKeys('other platform');
  gateway = await startHostileGateway({ extraAesKeys: [other.aesKey] });
  codepay = gateway.client();
  endpoint = await startNotificationEndpoint(codepay);
  parsedEndpoint = await startNotificationEndpoint(codepay, { bodyParser: 'json' });
  paid = JSON.parse(await catchNotificationBody(gateway.mock, { order_sn: 'N-PAID', status: 'Paid' })) as Notification;
  refunded = JSON.parse(
    await catchNotificationBody(gateway.mock, { order_sn: 'N-REFUNDED', status: 'RefundCompleted' }),
  ) as Notification;
});
afterEach(() => {
  endpoint.delivered.length = 0;
  parsedEndpoint.delivered.length = 0;
});
afterAll(async () => {
  await endpoint.close();
  await parsedEndpoint.close();
  await gateway.close();
});

/** The body is refused twice over: the handler answers 400 without calling the listener, and verifyAndDecrypt throws. */
async function expectRefused(body: string, errorClass: ErrorClass): Promise<void> {
  const answer = await endpoint.post(body);
  exposeForLeakCheck('handler answer', answer);
  expect(answer).toMatchObject({ status: 400, body: { code: 400 } });
  expect(endpoint.delivered).toEqual([]);
  await expectTypedFailure(codepay.notifications.verifyAndDecrypt(body), errorClass);
}

const asBody = (notification: Record<string, unknown>) => JSON.stringify(notification);

describe('genuine notifications', () => {
  it('one from the platform → {"code":0}, the listener called once with the event (the control)', async () => {
    const answer = await gateway.mock.sendNotification(endpoint.url, { order_sn: 'N-1', status: 'Paid' });
    expect(answer).toMatchObject({ status: 200, body: { code: 0 } });
    expect(endpoint.delivered).toEqual([expect.objectContaining({ order_sn: 'N-1', status: 'Paid' })]);
  });

  it('the same one delivered twice → accepted twice (by design: duplicates happen, listeners must be idempotent; README)', async () => {
    expect((await endpoint.post(asBody(paid))).status).toBe(200);
    expect((await endpoint.post(asBody(paid))).status).toBe(200);
    expect(endpoint.delivered.map((event) => event.order_sn)).toEqual(['N-PAID', 'N-PAID']);
  });
});

describe('forged notifications', () => {
  it('a signature that does not verify (mock tampering bad-signature) → 400, SignatureVerificationError', async () => {
    await expectRefused(await catchNotificationBody(gateway.mock, {}, 'bad-signature'), SignatureVerificationError);
  });

  it('encrypted with another AES key (mock tampering wrong-key) → 400, DecryptionError (or SignatureVerificationError if it decrypts)', async () => {
    const body = await catchNotificationBody(gateway.mock, {}, 'wrong-key');
    const { bizContent } = JSON.parse(body) as Notification;
    await expectRefused(
      body,
      decryptsUnder(bizContent, gateway.mock.keys.aesKey) ? SignatureVerificationError : DecryptionError,
    );
  });

  it('signed with another platform key → 400, SignatureVerificationError', async () => {
    const content = { PaymentOrderStatus: { order_sn: 'N-FORGED', platform_order_sn: 'SS-FORGED', status: 'Paid' } };
    const forged = await seal(content, {
      aesKey: gateway.mock.keys.aesKey,
      platformPrivateKey: other.platformPrivateKey,
    });
    await expectRefused(
      asBody({ noticeType: 'PaymentOrderStatus', bizContent: forged.bizContent, sign: forged.sign }),
      SignatureVerificationError,
    );
  });

  it("one notification's bizContent with another's sign (a replayed bizContent) → 400, SignatureVerificationError", async () => {
    await expectRefused(asBody({ ...paid, sign: refunded.sign }), SignatureVerificationError);
    await expectRefused(asBody({ ...refunded, bizContent: paid.bizContent }), SignatureVerificationError);
  });

  it('a flipped bit in bizContent → 400, DecryptionError or SignatureVerificationError (whichever applies)', async () => {
    for (const bit of [0, 77, 300, 8 * 16 * 3 + 5]) {
      const bizContent = flipBit(paid.bizContent, bit);
      await expectRefused(
        asBody({ ...paid, bizContent }),
        decryptsUnder(bizContent, gateway.mock.keys.aesKey) ? SignatureVerificationError : DecryptionError,
      );
    }
  });

  it('a genuine /api/v2/pay answer (validly signed by the platform) posted as a notification → 400, ResponseFormatError', async () => {
    await codepay.balance.get({ currency: 'USD' });
    const payAnswer = JSON.parse(gateway.proxy.lastExchange.pay!.body) as Record<string, unknown>;
    await expectRefused(
      asBody({ noticeType: 'PaymentOrderStatus', bizContent: payAnswer.bizContent, sign: payAnswer.sign }),
      ResponseFormatError,
    );
  });

  it('validly sealed content that is not a PaymentOrderStatus event at all → 400, ResponseFormatError', async () => {
    const sealed = await seal({ RefundStatus: { order_sn: 'N-X' } }, gateway.mock.keys);
    await expectRefused(
      asBody({ noticeType: 'PaymentOrderStatus', bizContent: sealed.bizContent, sign: sealed.sign }),
      ResponseFormatError,
    );
  });

  it('a verified event that departs from the contract (mistyped field, unknown status) → {"code":0}, the listener gets it with its drift', async () => {
    // Refusing it would make the platform retry ten times and then drop the notification for good.
    const sealed = await seal({ PaymentOrderStatus: { order_sn: 42, status: 'PartiallyRefunded' } }, gateway.mock.keys);
    const before = endpoint.delivered.length;
    const answer = await endpoint.post(
      asBody({ noticeType: 'PaymentOrderStatus', bizContent: sealed.bizContent, sign: sealed.sign }),
    );
    expect(answer).toMatchObject({ status: 200, body: { code: 0 } });
    const event = endpoint.delivered.at(-1) as unknown as { order_sn: unknown; drift: Array<{ path: string }> };
    expect(endpoint.delivered.length).toBe(before + 1);
    expect(event.order_sn).toBe(42);
    expect(event.drift.map((d) => d.path)).toEqual(expect.arrayContaining(['/order_sn', '/status']));
  });
});

describe('not a notification at all → 400, ResponseFormatError', () => {
  it.each([
    ['another noticeType', () => asBody({ ...paid, noticeType: 'RefundStatus' })],
    ['no noticeType', () => asBody({ bizContent: paid.bizContent, sign: paid.sign })],
    ['no bizContent', () => asBody({ noticeType: paid.noticeType, sign: paid.sign })],
    ['no sign', () => asBody({ noticeType: paid.noticeType, bizContent: paid.bizContent })],
    ['sign of the wrong type', () => asBody({ ...paid, sign: 42 })],
    ['a JSON array', () => JSON.stringify([paid])],
    ['JSON null', () => 'null'],
    ['not JSON', () => `${asBody(paid)}}`],
    ['an empty body', () => ''],
  ])('%s', async (_name, body) => {
    await expectRefused(body(), ResponseFormatError);
  });

  it('a body over 1 MB → answered 400, the listener never called', async () => {
    const body = asBody({ ...paid, padding: 'x'.repeat(2 * 1024 * 1024) });
    const answer = await endpoint.post(body);
    expect(answer.status).toBe(400);
    expect(endpoint.delivered).toEqual([]);
    await expectTypedFailure(codepay.notifications.verifyAndDecrypt(body), ResponseFormatError);
  });
});

describe('behind a JSON body parser that already read the body (express.json())', () => {
  it('a genuine notification → {"code":0}, the listener called once (the control)', async () => {
    expect(await parsedEndpoint.post(asBody(paid))).toMatchObject({ status: 200, body: { code: 0 } });
    expect(parsedEndpoint.delivered).toHaveLength(1);
  });

  async function expectRefusedBehindParser(body: string): Promise<void> {
    expect(await parsedEndpoint.post(body)).toMatchObject({ status: 400, body: { code: 400 } });
    expect(parsedEndpoint.delivered).toEqual([]);
  }

  it('another noticeType → 400, the listener never called', () =>
    expectRefusedBehindParser(asBody({ ...paid, noticeType: 'RefundStatus' })));

  it.each([
    ['`{}` (parsed to an empty object)', '{}'],
    ['an empty body (parsed to an empty object)', ''],
  ])('%s → 400, the listener never called', (_name, body) => expectRefusedBehindParser(body));
});
