// The card flow of contract §9 through the real envelope: checkoutOrder → device data collection → payOrder →
// an optional 3-D Secure challenge, each test value doing what the README's table says, every refusal a business
// failure with its documented code, every status change a notification.
import { describe, expect, it } from 'vitest';
import { LANGUAGES, startMockGateway } from '../src/index.js';
import { STATE_FAILURES } from '../src/merchant-state.js';
import { cardSessions, collectDeviceData, postJson } from './support/card-steps.js';
import { sampleParams } from './support/sample-params.js';
import { TestClient, useGatewayAndClient } from './support/test-client.js';

type Data = Record<string, unknown>;

const gateway = useGatewayAndClient();
let serial = 0;

async function call(service: string, params: unknown, headers: Record<string, string> = {}) {
  const answer = await gateway.client.pay(service, params, { headers });
  expect(answer.signatureValid).toBe(true);
  return answer.payload as { status: number; errorCode: string | null; errorMessage: string | null; data: Data };
}

async function newOrder(): Promise<{ order_sn: string; linkID: string }> {
  const order_sn = `CARD-${++serial}`;
  const created = await call('createOrder', { ...sampleParams.createOrder, order_sn });
  return { order_sn, linkID: String(created.data.linkID) };
}

async function checkout(
  order: { order_sn: string; linkID: string },
  cardHolderName = 'Peter Pan',
  cardNumber?: string,
) {
  const sessions = await cardSessions(gateway.mock.url, cardNumber);
  return call('checkoutOrder', { ...order, cardHolderName, relationship: 'CUSTOMER', ...sessions });
}

async function pay(order: { order_sn: string; linkID: string }, checkedOut: Data, sessionId?: string) {
  const ddc = checkedOut.deviceDataCollection as { jwt: string; bin: string };
  return call('payOrder', {
    ...order,
    transactionReference: checkedOut.transactionReference,
    sessionId: sessionId ?? (await collectDeviceData(gateway.mock.url, ddc)),
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0',
  });
}

const statusOf = async (order: { order_sn: string; linkID: string }) => (await call('queryOrder', order)).data.outcome;
const notifiedStatuses = (orderSn: string) =>
  gateway.mock.notifications.filter((n) => n.event.order_sn === orderSn).map((n) => n.event.status);

describe('frictionless', () => {
  it('checkout answers a fresh transactionReference and the DDC data; pay pays the order with its 3-D Secure authentication', async () => {
    const order = await newOrder();
    const checkedOut = await checkout(order);
    expect(checkedOut).toMatchObject({
      status: 0,
      data: { outcome: 'New', transactionReference: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(checkedOut.data.deviceDataCollection).toEqual({
      jwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      url: `${gateway.mock.url}/sandbox/ddc`,
      bin: '444433',
    });
    expect(gateway.mock.requests.at(-1)).toMatchObject({
      service: 'checkoutOrder',
      outcome: 'ok',
      signature: 'valid',
      change: { kind: 'card-checkout', payment: { stage: 'checked-out', card: { brand: 'Visa', last4: '1111' } } },
    });
    expect(await statusOf(order)).toBe('New');

    const sessionId = await collectDeviceData(gateway.mock.url, checkedOut.data.deviceDataCollection as never);
    expect(sessionId).toMatch(/^0_[0-9a-f-]{36}$/);
    const paid = await pay(order, checkedOut.data, sessionId);
    expect(paid).toMatchObject({
      status: 0,
      data: { outcome: 'Paid', transactionReference: checkedOut.data.transactionReference },
    });
    expect(paid.data.authentication).toEqual({
      version: '2.2.0',
      authenticationValue: expect.stringMatching(/^[A-Za-z0-9+/]{27}=$/),
      eci: '05',
      transactionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(paid.data).not.toHaveProperty('challenge');
    expect(gateway.mock.requests.at(-1)).toMatchObject({
      service: 'payOrder',
      answer: { status: 0, data: { outcome: 'Paid' } },
      change: { kind: 'card-payment', order: { status: 'Paid' }, payment: { stage: 'paid', sessionId } },
    });
    expect(await statusOf(order)).toBe('Paid');
    expect(notifiedStatuses(order.order_sn)).toEqual(['Paid']);

    // The attempt is used up, and a paid order takes no new checkout.
    expect(await pay(order, checkedOut.data, sessionId)).toMatchObject({ status: -1, errorCode: 'P0424' });
    expect(await checkout(order)).toMatchObject({ status: -1, errorCode: 'P0423' });
  });

  it('a Mastercard authenticates with ECI 02; the magic name 3DS_V2_FRICTIONLESS_IDENTIFIED is frictionless', async () => {
    const order = await newOrder();
    const paid = await pay(
      order,
      (await checkout(order, '3DS_V2_FRICTIONLESS_IDENTIFIED', '5555 5555 5555 4444')).data,
    );
    expect(paid.data).toMatchObject({ outcome: 'Paid', authentication: { eci: '02' } });
  });
});

describe('3-D Secure challenge', () => {
  it('3DS_V2_CHALLENGE_IDENTIFIED: Processing with a challenge; passing it on the challenge page pays the order', async () => {
    const order = await newOrder();
    const checkedOut = await checkout(order, '3DS_V2_CHALLENGE_IDENTIFIED');
    const answered = await pay(order, checkedOut.data);
    const challenge = answered.data.challenge as { reference: string; url: string; jwt: string; payload: string };
    expect(answered.data).toMatchObject({
      outcome: 'Processing',
      transactionReference: checkedOut.data.transactionReference,
    });
    expect(answered.data).not.toHaveProperty('authentication');
    expect(challenge).toEqual({
      reference: expect.any(String),
      url: `${gateway.mock.url}/sandbox/challenge/${challenge.reference}`,
      jwt: expect.stringMatching(/\./),
      payload: expect.any(String),
    });
    expect(await statusOf(order)).toBe('Processing');

    // The page a merchant shows in an iframe (a form POST of the JWT), with the same button labels as the checkout page.
    const page = await fetch(challenge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ JWT: challenge.jwt }),
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toMatch(/<button[^>]*id="pass"[^>]*>Pay<\/button>/);
    expect(html).toMatch(/<button[^>]*id="fail"[^>]*>Decline<\/button>/);
    expect(html).toContain(`USD ${Number(sampleParams.createOrder.amount).toFixed(2)}`);

    const done = await postJson(`${challenge.url}/answer`, { result: 'pass' });
    expect(done).toMatchObject({ status: 200, body: { status: 'Paid', stage: 'paid' } });
    expect(await statusOf(order)).toBe('Paid');
    expect(notifiedStatuses(order.order_sn)).toEqual(['Processing', 'Paid']);
    expect(await postJson(`${challenge.url}/answer`, { result: 'pass' })).toMatchObject({
      status: 409,
      body: { error: expect.stringMatching(/already answered: the payment is paid/) },
    });
  });

  it('the challenge card 4000 0000 0000 3220 asks whatever the name; a payer who fails it leaves the order Failed', async () => {
    const order = await newOrder();
    const answered = await pay(order, (await checkout(order, 'Wendy Darling', '4000000000003220')).data);
    const { reference } = answered.data.challenge as { reference: string };
    expect(gateway.mock.answerChallenge(reference, 'fail')).toMatchObject({
      stage: 'failed',
      failure: 'the payer failed the 3-D Secure challenge',
    });
    expect(await statusOf(order)).toBe('Failed');
    expect(gateway.mock.notifications.at(-1)?.event).toMatchObject({
      order_sn: order.order_sn,
      status: 'Failed',
      failTimes: 1,
    });
    expect(() => gateway.mock.answerChallenge(reference, 'pass')).toThrow(/already answered/);
    expect(() => gateway.mock.answerChallenge('no-such-challenge', 'pass')).toThrow(
      /No 3-D Secure challenge no-such-challenge/,
    );
  });
});

describe('failures', () => {
  it.each([
    ['the declined card 4000 0000 0000 0002', 'Peter Pan', '4000000000000002', 'the card was declined by the issuer'],
    ['the magic name REFUSED', 'REFUSED', undefined, 'the card was declined by the issuer'],
    [
      'the magic name 3DS_V2_FRICTIONLESS_FAILED',
      '3DS_V2_FRICTIONLESS_FAILED',
      undefined,
      '3-D Secure authentication failed',
    ],
  ])('%s: payOrder answers outcome Failed and the order is Failed', async (_label, name, cardNumber, failure) => {
    const order = await newOrder();
    const paid = await pay(order, (await checkout(order, name, cardNumber)).data);
    expect(paid).toMatchObject({ status: 0, data: { outcome: 'Failed' } });
    expect(paid.data).not.toHaveProperty('challenge');
    expect(gateway.mock.requests.at(-1)?.change).toMatchObject({ payment: { stage: 'failed', failure } });
    expect(await statusOf(order)).toBe('Failed');
  });

  it('an unknown order is P0405 in the four languages; a wrong transactionReference P0407', async () => {
    const unknown = { order_sn: 'NO-SUCH-ORDER', linkID: 'FCA35CEB-E03C-4E36-8EA7-009FF613B1B1' };
    const sessions = await cardSessions(gateway.mock.url);
    for (const language of LANGUAGES) {
      const failed = await call(
        'checkoutOrder',
        { ...unknown, cardHolderName: 'Peter Pan', relationship: 'CUSTOMER', ...sessions },
        { 'accept-language': language },
      );
      expect(failed).toEqual({
        status: -1,
        errorCode: 'P0405',
        errorMessage: STATE_FAILURES.P0405[language],
        data: null,
      });
    }
    expect(await call('payOrder', { ...sampleParams.payOrder })).toMatchObject({ status: -1, errorCode: 'P0405' });

    const order = await newOrder();
    await checkout(order);
    for (const language of LANGUAGES) {
      const failed = await call('payOrder', { ...sampleParams.payOrder, ...order }, { 'accept-language': language });
      expect(failed).toEqual({
        status: -1,
        errorCode: 'P0407',
        errorMessage: STATE_FAILURES.P0407[language],
        data: null,
      });
    }
  });

  it('sessions the sandbox did not make are P0406; a sessionId not from this attempt’s DDC is P0408', async () => {
    const order = await newOrder();
    const { sessionCard, sessionCvc } = await cardSessions(gateway.mock.url);
    const base = { ...order, cardHolderName: 'Peter Pan', relationship: 'CUSTOMER' };
    expect(
      await call('checkoutOrder', { ...base, sessionCard: sampleParams.checkoutOrder.sessionCard, sessionCvc }),
    ).toMatchObject({ errorCode: 'P0406' });
    expect(
      await call('checkoutOrder', { ...base, sessionCard, sessionCvc: sampleParams.checkoutOrder.sessionCvc }),
    ).toMatchObject({ errorCode: 'P0406' });

    const first = (await checkout(order)).data;
    const second = (await checkout(order)).data;
    const otherSessionId = await collectDeviceData(gateway.mock.url, second.deviceDataCollection as never);
    expect(await pay(order, first, otherSessionId)).toMatchObject({ status: -1, errorCode: 'P0408' });
    expect(await pay(order, first, sampleParams.payOrder.sessionId)).toMatchObject({ status: -1, errorCode: 'P0408' });
    expect(await pay(order, first)).toMatchObject({ status: 0, data: { outcome: 'Paid' } }); // the refusals changed nothing
  });

  it('invalid parameters are P0400 before any lookup', async () => {
    const failed = await call('checkoutOrder', { ...sampleParams.checkoutOrder, relationship: 'NEIGHBOUR' });
    expect(failed).toMatchObject({
      status: -1,
      errorCode: 'P0400',
      errorMessage: expect.stringContaining('relationship'),
    });
  });
});

describe('commit then lose', () => {
  it('a payOrder whose answer is lost still paid the order, and the log says so', async () => {
    const order = await newOrder();
    const checkedOut = (await checkout(order)).data;
    gateway.mock.queueScenario('commit-html-504', { service: 'payOrder' });
    const lost = await gateway.client.pay('payOrder', {
      ...order,
      transactionReference: checkedOut.transactionReference,
      sessionId: await collectDeviceData(gateway.mock.url, checkedOut.deviceDataCollection as never),
      userAgent: 'Mozilla/5.0',
    });
    expect(lost.status).toBe(504);
    expect(gateway.mock.requests.at(-1)).toMatchObject({
      service: 'payOrder',
      outcome: 'commit-html-504',
      lostAnswer: { outcome: 'ok' },
      change: { kind: 'card-payment', order: { status: 'Paid' } },
      answer: { data: { outcome: 'Paid' } },
    });
    expect(await statusOf(order)).toBe('Paid');
  });
});

describe('the browser-side stand-ins', () => {
  it('card sessions take only the test cards, an expiry in the future, and answer any origin (CORS)', async () => {
    const refused = await postJson(`${gateway.mock.url}/sandbox/sessions/card`, {
      cardNumber: '4111 1111 1111 1111',
      expiryMonth: 1,
      expiryYear: 2099,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(
      /cardNumber must be one of the sandbox's test cards: 4444 3333 2222 1111 \(Visa: pays/,
    );
    const expired = await postJson(`${gateway.mock.url}/sandbox/sessions/card`, {
      cardNumber: '4444333322221111',
      expiryMonth: 1,
      expiryYear: 2001,
    });
    expect(expired).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/The card expired \(01\/2001\)/) },
    });
    expect(await postJson(`${gateway.mock.url}/sandbox/sessions/cvc`, { cvc: '12' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/three or four digits/) },
    });

    const made = await postJson(
      `${gateway.mock.url}/sandbox/sessions/card`,
      { cardNumber: '4444333322221111', expiryMonth: '12', expiryYear: '35' },
      { origin: 'http://shop.example' },
    );
    expect(made.status).toBe(201);
    expect(made.headers.get('access-control-allow-origin')).toBe('*');
    expect(made.body).toEqual({
      sessionCard: expect.stringMatching(
        new RegExp(`^${gateway.mock.url}/sandbox/verifiedTokens/sessions/[\\w-]{32}$`),
      ),
      brand: 'Visa',
      last4: '1111',
    });
    const cvc = await postJson(`${gateway.mock.url}/sandbox/sessions/cvc`, { cvc: '123' });
    expect(cvc.body.sessionCvc).toMatch(new RegExp(`^${gateway.mock.url}/sandbox/sessions/[\\w-]{32}$`));
    const preflight = await fetch(`${gateway.mock.url}/sandbox/sessions/card`, {
      method: 'OPTIONS',
      headers: { origin: 'http://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-type');
  });

  it('the DDC page yields a sessionId to its parent window, as Cardinal’s does; a JWT it did not make fails', async () => {
    const order = await newOrder();
    const { jwt, bin } = (await checkout(order)).data.deviceDataCollection as { jwt: string; bin: string };
    const page = await fetch(`${gateway.mock.url}/sandbox/ddc`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ JWT: jwt, Bin: bin }),
    });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors *');
    const message = /postMessage\((".*?"), '\*'\)/.exec(html)?.[1];
    expect(JSON.parse(JSON.parse(message!) as string)).toEqual({
      MessageType: 'profile.completed',
      SessionId: expect.stringMatching(/^0_[0-9a-f-]{36}$/),
      Status: true,
    });

    const forged = await fetch(`${gateway.mock.url}/sandbox/ddc`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ JWT: `${jwt.slice(0, -2)}xx` }),
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('\\"Status\\":false');
    expect(await postJson(`${gateway.mock.url}/sandbox/ddc/session`, { jwt: 'not.a.jwt' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/the JWT was not made by this gateway/) },
    });
  });
});

describe("unknownRecords: 'examples'", () => {
  it('an order the gateway never created is answered with the spec examples', async () => {
    const examples = await startMockGateway({ unknownRecords: 'examples', keys: gateway.mock.keys });
    const other = new TestClient(examples);
    try {
      const answer = await other.pay('checkoutOrder', sampleParams.checkoutOrder);
      expect(answer.payload).toMatchObject({
        status: 0,
        data: { outcome: 'initialized', transactionReference: '8e9dfeb7-7aa2-4da2-88d8-5e30ad4ef056' },
      });
      expect((await other.pay('payOrder', sampleParams.payOrder)).payload).toMatchObject({
        status: 0,
        data: { outcome: 'authenticated' },
      });
    } finally {
      other.close();
      await examples.close();
    }
  });
});
