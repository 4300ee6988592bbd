// Secrets stay secret: at the most verbose log level, through every kind of failure, no log line, error message,
// inspected error or inspected client shows a private key, the AES key, a token or a plaintext bizContent. The
// check itself (leak-guard.ts) runs after every file of the suite; this file proves the check can see a leak in
// each encoding, and drives every error class and the client's own surfaces through it.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockGatewayKeys } from '@codepay/mock';
import { createPrivateKey } from 'node:crypto';
import {
  AbortError,
  AuthenticationError,
  BusinessError,
  ConnectionError,
  DecryptionError,
  GatewayError,
  ResponseFormatError,
  SignatureVerificationError,
  TimeoutError,
  ValidationError,
  type CodePay,
} from '@codepay/sdk';
import { generateRegisteredKeys, startHostileGateway, type HostileGateway } from './support/hostile-gateway.js';
import {
  capturedLog,
  checkForLeaksAfterAll,
  exposeForLeakCheck,
  leaksIn,
  registeredSecretCount,
  registerPlaintext,
} from './support/leak-guard.js';
import { closedPortUrl } from './support/loopback-server.js';
import { expectTypedFailure, type ErrorClass } from './support/outcome.js';

checkForLeaksAfterAll();

/** Personal data a merchant sends: none of it may show up in a log line or an error. */
const WENDY = {
  firstName: 'Wendy-Moira-Angela',
  lastName: 'Darling-of-Bloomsbury',
  email: 'wendy.moira.angela.darling@neverland.example',
  areaCode: 44,
  phone: '2079460000',
  address: '14 Kensington Gardens',
  city: 'London-Town',
  province: 'Greater-London',
  postcode: 'W2-2UH-HOSTILE',
  country: 'United-Kingdom',
};
const personalValues = Object.values(WENDY).filter(
  (value): value is string => typeof value === 'string' && value.length >= 10,
);

let gateway: HostileGateway;
let codepay: CodePay;
let other: MockGatewayKeys;

beforeAll(async () => {
  other = await generateRegisteredKeys('other account');
  gateway = await startHostileGateway({ extraAesKeys: [other.aesKey] });
  codepay = gateway.client();
});
afterAll(() => gateway.close());

describe('the leak check sees a leak in every encoding (so it can fail)', () => {
  it('a run of a private key as Base64 DER, as hex, and as a JWK component; the AES key; a token; a plaintext', async () => {
    await codepay.payers.create(WENDY);
    const key = gateway.mock.keys.merchantPrivateKey;
    const jwk = createPrivateKey({ key: Buffer.from(key, 'base64'), format: 'der', type: 'pkcs8' }).export({
      format: 'jwk',
    });
    const token = JSON.parse(gateway.proxy.lastExchange.token!.body).data.accessToken as string;
    const plaintext = JSON.stringify(WENDY);
    for (const leaked of [
      key.slice(-600, -540),
      Buffer.from(key, 'base64').toString('hex').slice(-400, -340),
      jwk.d!.slice(10, 60),
      gateway.mock.keys.aesKey,
      Buffer.from(gateway.mock.keys.aesKey, 'base64').toString('hex'),
      token,
      plaintext,
    ]) {
      expect(leaksIn(`a log line ... ${leaked} ...`), leaked.slice(0, 4)).not.toEqual([]);
    }
    expect(registeredSecretCount('token')).toBeGreaterThan(0);
    expect(registeredSecretCount('plaintext')).toBeGreaterThan(0);
  });
});

/** Runs `call` with every pay answer passed through `alter` by the proxy. */
async function withPayAnswersAltered(
  alter: (body: Record<string, unknown>) => Record<string, unknown>,
  call: () => Promise<unknown>,
): Promise<unknown> {
  gateway.proxy.tamperWith((exchange) =>
    exchange.endpoint === 'pay'
      ? { body: JSON.stringify(alter(JSON.parse(exchange.body) as Record<string, unknown>)) }
      : undefined,
  );
  try {
    return await call();
  } finally {
    gateway.proxy.tamperWith(undefined);
  }
}

describe('every error class, inspected, serialized and printed, holds no secret', () => {
  const cases: Array<[string, () => Promise<unknown>, ErrorClass]> = [
    [
      'ValidationError (personal data in the params)',
      () => codepay.payers.create({ ...WENDY, address: `${WENDY.address}, Flat 2`, phone: `${WENDY.phone}-1` }),
      ValidationError,
    ],
    [
      'BusinessError',
      () => codepay.payers.get({ email: WENDY.email }, { headers: { 'x-mock-scenario': 'business-error' } }),
      BusinessError,
    ],
    [
      'GatewayError',
      () => codepay.payers.create(WENDY, { headers: { 'x-mock-scenario': 'gateway-error:E07303' } }),
      GatewayError,
    ],
    [
      'SignatureVerificationError',
      () => codepay.payers.create(WENDY, { headers: { 'x-mock-scenario': 'bad-signature' } }),
      SignatureVerificationError,
    ],
    [
      'DecryptionError (bizContent cut short)',
      () =>
        withPayAnswersAltered(
          (body) => ({ ...body, bizContent: String(body.bizContent).slice(0, -4) }),
          () => codepay.payers.get({ email: WENDY.email }),
        ),
      DecryptionError,
    ],
    [
      'ResponseFormatError (an HTML page)',
      () => codepay.payers.create(WENDY, { headers: { 'x-mock-scenario': 'html' } }),
      ResponseFormatError,
    ],
    [
      'AuthenticationError (another merchant key)',
      () => gateway.client({ merchantPrivateKey: other.merchantPrivateKey }).payers.create(WENDY),
      AuthenticationError,
    ],
    [
      'TimeoutError',
      () => codepay.payers.create(WENDY, { timeout: 50, headers: { 'x-mock-scenario': 'slow:500' } }),
      TimeoutError,
    ],
    ['AbortError', () => codepay.payers.create(WENDY, { signal: AbortSignal.abort() }), AbortError],
  ];

  it.each(cases)('%s', async (_name, run, errorClass) => {
    const error = await expectTypedFailure(run(), errorClass);
    const shown = [error.message, inspect(error, { depth: 8 }), JSON.stringify(error), String(error.stack)].join('\n');
    expect(leaksIn(shown)).toEqual([]);
    for (const value of personalValues) expect(shown, 'personal data in the error').not.toContain(value);
  });

  it('ConnectionError (connection refused): no secret and no personal data', async () => {
    const client = gateway.client({ baseUrl: await closedPortUrl(), maxRetries: 0 });
    const error = await expectTypedFailure(client.payers.create(WENDY), ConnectionError);
    const shown = `${error.message}\n${inspect(error, { depth: 8 })}`;
    expect(leaksIn(shown)).toEqual([]);
    for (const value of personalValues) expect(shown, 'personal data in the error').not.toContain(value);
  });
});

describe('the client and its logs', () => {
  it('the client, inspected after calls (a token cached), shows no secret; neither does a copy from withOptions', async () => {
    await codepay.payers.create(WENDY);
    const copy = codepay.withOptions({ timeout: 5_000 });
    await copy.balance.get({ currency: 'USD' });
    for (const client of [codepay, copy]) {
      exposeForLeakCheck('client', client);
      expect(leaksIn(inspect(client, { depth: 5, showHidden: true }))).toEqual([]);
    }
  });

  it('prepare() returns the plaintext to its caller and logs none of it', async () => {
    const since = capturedLog.length;
    const prepared = await codepay.prepare('createPayer', WENDY);
    registerPlaintext(prepared.plaintext, 'prepare()');
    expect(prepared.plaintext).toBe(JSON.stringify(WENDY));
    expect(leaksIn(JSON.stringify(capturedLog.slice(since)))).toEqual([]);
  });

  it('no log line at debug level carries a personal value the merchant sent', async () => {
    await codepay.payers.create(WENDY);
    await codepay.payers.get({ email: WENDY.email });
    const logged = JSON.stringify(capturedLog);
    expect(capturedLog.some((line) => line.level === 'debug')).toBe(true);
    for (const value of personalValues) expect(logged).not.toContain(value);
  });
});
