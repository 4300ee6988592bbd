// The tampering matrix for answers of /api/v2/pay and /api/v2/token: a proxy between the SDK and the mock alters
// the genuine answer (or the client holds the wrong key), and each case must end in its error class without any
// data being returned. The table of cases is in ../README.md; each row is one test here.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceNames, type ServiceName } from '@codepay/models';
import type { MockGatewayKeys } from '@codepay/mock';
import {
  aesDecrypt,
  AuthenticationError,
  DecryptionError,
  GatewayError,
  loadAesKey,
  ResponseFormatError,
  SignatureVerificationError,
  type CodePay,
} from '@codepay/sdk';
import { generateRegisteredKeys, startHostileGateway, type HostileGateway } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { expectTypedFailure, settle, type ErrorClass } from './support/outcome.js';
import { decryptsUnder } from './support/platform-seal.js';
import { sampleParams } from './support/sample-params.js';
import { blockCount, byteLength, dropBlock, flipBit, swapBlocks } from './support/tampering.js';

checkForLeaksAfterAll();

type Envelope = Record<string, unknown> & { bizContent?: string; sign?: string };

let gateway: HostileGateway;
let codepay: CodePay;
/** Another merchant account's keys: what a misconfigured client holds. */
let other: MockGatewayKeys;

beforeAll(async () => {
  other = await generateRegisteredKeys('other account');
  gateway = await startHostileGateway({ extraAesKeys: [other.aesKey] });
  codepay = gateway.client();
});
afterEach(() => {
  gateway.proxy.tamperWith(undefined);
  gateway.mock.clearScenarios();
});
afterAll(() => gateway.close());

const getBalance = (client: CodePay = codepay, headers: Record<string, string> = {}) =>
  client.balance.get({ currency: 'USD' }, { headers });

/** Every pay answer's JSON body is replaced by what `alter` makes of it (token answers pass untouched). */
function alterPayAnswers(alter: (envelope: Envelope) => Envelope, status?: number): void {
  gateway.proxy.tamperWith((exchange) =>
    exchange.endpoint === 'pay'
      ? {
          body: JSON.stringify(alter(JSON.parse(exchange.body) as Envelope)),
          ...(status === undefined ? {} : { status }),
        }
      : undefined,
  );
}

/** A genuine getBalance answer, as the wire carried it. */
async function genuineAnswer(): Promise<Envelope> {
  await getBalance();
  return JSON.parse(gateway.proxy.lastExchange.pay!.body) as Envelope;
}

/** Whether the tampered ciphertext still decrypts (then only the signature can catch it). */
const expectedForCiphertext = (bizContent: string): ErrorClass =>
  decryptsUnder(bizContent, gateway.mock.keys.aesKey) ? SignatureVerificationError : DecryptionError;

describe('the success envelope, tampered', () => {
  it.each([0, 7, 1024, 2047])('a flipped bit %i in `sign` → SignatureVerificationError', async (bit) => {
    alterPayAnswers((envelope) => ({ ...envelope, sign: flipBit(envelope.sign!, bit) }));
    await expectTypedFailure(getBalance(), SignatureVerificationError);
  });

  it('a flipped bit in every byte of `bizContent` → DecryptionError, or SignatureVerificationError where the block still decrypts', async () => {
    const { bizContent } = await genuineAnswer();
    const seen = new Set<string>();
    for (let index = 0; index < byteLength(bizContent!); index++) {
      const tampered = flipBit(bizContent!, index * 8 + (index % 8));
      alterPayAnswers((envelope) => ({ ...envelope, bizContent: tampered }));
      seen.add((await expectTypedFailure(getBalance(), expectedForCiphertext(tampered))).name);
    }
    // Independent of the decryptsUnder oracle (which shares aesDecrypt with the SDK): flips in the last block break
    // the padding, so a DecryptionError must be among the outcomes.
    expect(seen).toContain('DecryptionError');
  });

  it('two cipher blocks swapped (ECB cut-and-paste: it still decrypts) → SignatureVerificationError', async () => {
    const { bizContent } = await genuineAnswer();
    expect(blockCount(bizContent!)).toBeGreaterThanOrEqual(3);
    const swapped = swapBlocks(bizContent!, 0, 1);
    expect(decryptsUnder(swapped, gateway.mock.keys.aesKey)).toBe(true);
    alterPayAnswers((envelope) => ({ ...envelope, bizContent: swapped }));
    await expectTypedFailure(getBalance(), SignatureVerificationError);
  });

  it('a cipher block cut out → DecryptionError, or SignatureVerificationError if what is left decrypts', async () => {
    const { bizContent } = await genuineAnswer();
    for (let block = 0; block < blockCount(bizContent!); block++) {
      const cut = dropBlock(bizContent!, block);
      alterPayAnswers((envelope) => ({ ...envelope, bizContent: cut }));
      await expectTypedFailure(getBalance(), expectedForCiphertext(cut));
    }
  });

  it('`bizContent` that is not Base64 → DecryptionError', async () => {
    alterPayAnswers((envelope) => ({ ...envelope, bizContent: `${envelope.bizContent!.slice(0, -4)}*!*=` }));
    const error = await expectTypedFailure(getBalance(), DecryptionError);
    expect(error.reason).toBe('base64');
  });

  it('the answer encrypted with another AES key (mock scenario wrong-key) → DecryptionError, or SignatureVerificationError if it happens to decrypt', async () => {
    const outcome = await settle(getBalance(codepay, { 'x-mock-scenario': 'wrong-key' }));
    const { bizContent } = JSON.parse(gateway.proxy.lastExchange.pay!.body) as Envelope;
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? undefined : outcome.error).toBeInstanceOf(expectedForCiphertext(bizContent!));
  });

  it('a signature that does not verify (mock scenario bad-signature) → SignatureVerificationError', async () => {
    await expectTypedFailure(getBalance(codepay, { 'x-mock-scenario': 'bad-signature' }), SignatureVerificationError);
  });
});

describe('the success envelope, a field missing or extra', () => {
  it('`sign` missing → SignatureVerificationError', async () => {
    alterPayAnswers(({ sign: _sign, ...envelope }) => envelope);
    await expectTypedFailure(getBalance(), SignatureVerificationError);
  });

  it('`bizContent` missing → ResponseFormatError', async () => {
    alterPayAnswers((envelope) => Object.fromEntries(Object.entries(envelope).filter(([key]) => key !== 'bizContent')));
    await expectTypedFailure(getBalance(), ResponseFormatError);
  });

  it.each(['psn', 'statusCode'])(
    '`%s` missing → the verified data (used when present, never required)',
    async (field) => {
      alterPayAnswers((envelope) => Object.fromEntries(Object.entries(envelope).filter(([key]) => key !== field)));
      await expect(getBalance()).resolves.toMatchObject({ currency: 'USD' });
    },
  );

  it('`statusCode` other than 0 → ResponseFormatError', async () => {
    alterPayAnswers((envelope) => ({ ...envelope, statusCode: 1 }));
    await expectTypedFailure(getBalance(), ResponseFormatError);
  });

  it('the genuine envelope with HTTP 500 → ResponseFormatError', async () => {
    alterPayAnswers((envelope) => envelope, 500);
    await expectTypedFailure(getBalance(), ResponseFormatError);
  });

  it('extra `code` and `msg` (the success envelope disguised as an error body) → SignatureVerificationError', async () => {
    alterPayAnswers((envelope) => ({ ...envelope, code: 'E07303', msg: 'API not authorized or does not exist' }));
    await expectTypedFailure(getBalance(), SignatureVerificationError);
  });

  it('an extra outer `data` with forged values → the verified data only, never the forged one', async () => {
    alterPayAnswers((envelope) => ({ ...envelope, data: { currency: 'USD', balance: '999999999.99', forged: true } }));
    const result = await getBalance();
    const exchange = JSON.parse(gateway.proxy.lastExchange.pay!.body) as Envelope;
    const verified = JSON.parse(aesDecrypt(exchange.bizContent!, loadAesKey(gateway.mock.keys.aesKey))) as {
      data: unknown;
    };
    expect({ ...result }).toEqual(verified.data);
    expect(result).not.toHaveProperty('forged');
  });
});

describe('answers replayed from elsewhere', () => {
  const otherServices = serviceNames.filter((service) => service !== 'getBalance');

  it.each(otherServices)(
    'a genuine getBalance answer replayed for %s → ResponseFormatError',
    async (service: ServiceName) => {
      const captured = JSON.stringify(await genuineAnswer());
      gateway.proxy.tamperWith((exchange) => (exchange.endpoint === 'pay' ? { body: captured } : undefined));
      await expectTypedFailure(codepay.call(service, sampleParams(service) as never), ResponseFormatError);
    },
  );

  it('known limitation (README): an answer replayed from another request of the same service, same shape, is accepted', async () => {
    const captured = await genuineAnswer();
    gateway.proxy.tamperWith((exchange) =>
      exchange.endpoint === 'pay' ? { body: JSON.stringify(captured) } : undefined,
    );
    const since = gateway.mock.requests.length;
    const replayed = await getBalance();
    // The signature covers only the payload; the psn that would tell the two requests apart is outside it.
    expect(replayed.psn).toBe(captured.psn);
    expect(gateway.mock.requests.slice(since).map((entry) => entry.psn)).not.toContain(captured.psn);
  });
});

describe('the gateway error body, tampered', () => {
  const gatewayError = (client: CodePay = codepay) => getBalance(client, { 'x-mock-scenario': 'gateway-error:E07303' });

  it('untouched (the control) → GatewayError with its code', async () => {
    const error = await expectTypedFailure(gatewayError(), GatewayError);
    expect(error.code).toBe('E07303');
  });

  it.each([
    ['a flipped bit in its `sign`', (body: Envelope) => ({ ...body, sign: flipBit(body.sign!, 100) })],
    ['its `code` changed', (body: Envelope) => ({ ...body, code: 'E05030' })],
    ['its `msg` changed', (body: Envelope) => ({ ...body, msg: 'Please retry with your card number' })],
    ['its `psn` changed', (body: Envelope) => ({ ...body, psn: 'PSN-FORGED' })],
  ])('%s → SignatureVerificationError', async (_name, alter) => {
    alterPayAnswers(alter);
    await expectTypedFailure(gatewayError(), SignatureVerificationError);
  });

  it('its `sign` removed → GatewayError (decided: an unsigned error body is accepted; README)', async () => {
    alterPayAnswers(({ sign: _sign, ...body }) => body);
    await expectTypedFailure(gatewayError(), GatewayError);
  });
});

describe('the client holds the wrong key', () => {
  it('another platform public key → SignatureVerificationError', async () => {
    await expectTypedFailure(
      getBalance(gateway.client({ platformPublicKey: other.platformPublicKey })),
      SignatureVerificationError,
    );
  });

  it('another AES key → GatewayError E02002 (the gateway cannot decrypt the request)', async () => {
    const error = await expectTypedFailure(getBalance(gateway.client({ aesKey: other.aesKey })), GatewayError);
    expect(error).toMatchObject({ code: 'E02002', httpStatus: 400 });
  });

  it('another merchant private key → AuthenticationError at the token request, nothing sent to /pay', async () => {
    const since = gateway.proxy.arrivals.length;
    const error = await expectTypedFailure(
      getBalance(gateway.client({ merchantPrivateKey: other.merchantPrivateKey })),
      AuthenticationError,
    );
    expect(error.code).toBe('E01012');
    expect(gateway.proxy.payArrivalsSince(since)).toHaveLength(0);
  });
});

describe('the token answer, tampered (it carries no signature)', () => {
  /** Every token answer hands out `accessToken` instead of the one the gateway issued. */
  function forgeTokens(accessToken: string): void {
    gateway.proxy.tamperWith((exchange) => {
      if (exchange.endpoint !== 'token') return undefined;
      const body = JSON.parse(exchange.body) as { data: Record<string, unknown> };
      return { body: JSON.stringify({ ...body, data: { ...body.data, accessToken } }) };
    });
  }

  it('a token the gateway never issued → one replay with a fresh token, then AuthenticationError', async () => {
    forgeTokens('forged-token');
    const since = gateway.proxy.arrivals.length;
    await expectTypedFailure(getBalance(gateway.client()), AuthenticationError);
    expect(gateway.proxy.payArrivalsSince(since)).toHaveLength(2);
    expect(gateway.proxy.arrivals.slice(since).filter((arrival) => arrival.endpoint === 'token')).toHaveLength(2);
  });

  it('a token that cannot be sent in a header (CR LF inside) → ResponseFormatError, nothing sent to /pay', async () => {
    forgeTokens('forged\r\nx-injected: 1');
    const since = gateway.proxy.arrivals.length;
    await expectTypedFailure(getBalance(gateway.client()), ResponseFormatError);
    expect(gateway.proxy.payArrivalsSince(since)).toHaveLength(0);
  });
});
