import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesEncrypt } from '../../src/crypto/aes.js';
import { signRsaSha256 } from '../../src/crypto/rsa.js';
import {
  DecryptionError,
  GatewayError,
  ResponseFormatError,
  SignatureVerificationError,
  type CodePayError,
} from '../../src/errors.js';
import { errorBody, nextPsn, successBody, useLoopbackGateway, type Reply } from '../support/loopback-gateway.js';
import { aesKey, platformPrivateKey } from '../support/test-keys.js';
import { balanceParams, orderParams, testClient } from '../support/test-client.js';

const balancePayload = {
  status: 0,
  errorCode: null,
  errorMessage: null,
  data: { currency: 'USD', balance: '2024.12' },
};

function flipBit(base64: string, index: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index % bytes.length]! ^= 0x01;
  return bytes.toString('base64');
}

async function tampered(edit: (envelope: Record<string, unknown>) => void | Promise<void>): Promise<Reply> {
  const envelope = JSON.parse(await successBody(balancePayload)) as Record<string, unknown>;
  await edit(envelope);
  return { status: 200, body: JSON.stringify(envelope) };
}

describe('decryptAndVerify policy: tampering', () => {
  const gateway = useLoopbackGateway();

  const expectRejected = async (
    reply: Reply,
    errorClass: new (...args: never[]) => CodePayError,
    service: 'getBalance' | 'createOrder' = 'getBalance',
  ) => {
    gateway.handle(() => reply);
    const params = service === 'getBalance' ? balanceParams : orderParams;
    const outcome = await testClient(gateway, { maxRetries: 0 })
      .call(service, params as never)
      .then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
    expect(outcome).not.toHaveProperty('result');
    expect((outcome as { error: unknown }).error).toBeInstanceOf(errorClass);
    return (outcome as { error: CodePayError }).error;
  };

  it('accepts the untampered answer (control)', async () => {
    gateway.handle(async () => ({ status: 200, body: await successBody(balancePayload, 'PSN-CONTROL') }));
    await expect(testClient(gateway).call('getBalance', balanceParams)).resolves.toEqual({
      data: balancePayload.data,
      psn: 'PSN-CONTROL',
    });
  });

  it('one flipped bit in sign → SignatureVerificationError carrying psn', async () => {
    const error = await expectRejected(
      await tampered((e) => {
        e.sign = flipBit(e.sign as string, 100);
      }),
      SignatureVerificationError,
    );
    expect(error.psn).toMatch(/^PSN/);
  });

  it('one flipped bit in bizContent → DecryptionError or SignatureVerificationError, never data', async () => {
    for (const index of [0, 5, 17, 31]) {
      gateway.handle(async () =>
        tampered((e) => {
          e.bizContent = flipBit(e.bizContent as string, index);
        }),
      );
      const error = await testClient(gateway)
        .call('getBalance', balanceParams)
        .catch((e: unknown) => e);
      expect(
        [DecryptionError, SignatureVerificationError].some((c) => error instanceof c),
        String(error),
      ).toBe(true);
    }
  });

  it('a response signed with another key (wrong platform key) → SignatureVerificationError', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const plaintext = JSON.stringify(balancePayload);
    const body = JSON.stringify({
      statusCode: 0,
      psn: nextPsn(),
      bizContent: aesEncrypt(plaintext, aesKey),
      sign: await signRsaSha256(plaintext, privateKey),
    });
    await expectRejected({ status: 200, body }, SignatureVerificationError);
  });

  it("another service's valid response replayed → ResponseFormatError, no data, outcome unknown", async () => {
    const error = await expectRejected(await tampered(() => {}), ResponseFormatError, 'createOrder');
    expect(error.message).toMatch(/has none of the fields of a createOrder result/);
    expect(error.outcomeUnknown).toBe(true);
  });

  it('a missing sign → SignatureVerificationError', async () => {
    await expectRejected(await tampered((e) => void delete e.sign), SignatureVerificationError);
  });

  it('a missing bizContent → ResponseFormatError naming the field', async () => {
    expect(
      (await expectRejected(await tampered((e) => void delete e.bizContent), ResponseFormatError)).message,
    ).toMatch(/missing bizContent/);
  });

  it('psn and statusCode are used when present, never required: a verified answer without them is data', async () => {
    for (const alter of [
      (e: Record<string, unknown>) => void delete e.psn,
      (e: Record<string, unknown>) => void delete e.statusCode,
      (e: Record<string, unknown>) => {
        e.statusCode = '0';
      },
    ]) {
      gateway.handle(async () => tampered(alter));
      await expect(testClient(gateway).call('getBalance', balanceParams)).resolves.toMatchObject({
        data: balancePayload.data,
      });
    }
    gateway.handle(async () => tampered((e) => void delete e.psn));
    expect((await testClient(gateway).call('getBalance', balanceParams)).psn).toBeUndefined();
    await expectRejected(
      await tampered((e) => {
        e.statusCode = 1;
      }),
      ResponseFormatError,
    );
  });

  it('an extra envelope field is tolerated (responses may gain keys)', async () => {
    gateway.handle(async () =>
      tampered((e) => {
        e.traceId = 'abc';
      }),
    );
    await expect(testClient(gateway).call('getBalance', balanceParams)).resolves.toMatchObject({
      data: balancePayload.data,
    });
  });

  it('a gateway error body whose signature is forged → SignatureVerificationError', async () => {
    const body = JSON.parse(await errorBody('E07303', 'API not authorized or does not exist')) as Record<
      string,
      string
    >;
    body.msg = 'Something else';
    await expectRejected({ status: 200, body: JSON.stringify(body) }, SignatureVerificationError);
  });

  it('a signed gateway error body → GatewayError with code, msg, psn and HTTP status', async () => {
    const error = await expectRejected(
      { status: 200, body: await errorBody('E07303', 'API not authorized or does not exist', 'PSN-E') },
      GatewayError,
    );
    expect(error).toMatchObject({
      code: 'E07303',
      msg: 'API not authorized or does not exist',
      psn: 'PSN-E',
      httpStatus: 200,
      service: 'getBalance',
    });
  });

  it.each([
    ['an HTML error page', 502, '<html><body>Bad Gateway</body></html>', /HTML page/],
    ['an empty body', 200, '', /empty body/],
    ['truncated JSON', 200, '{"statusCode":0,"psn":"P1","bizCont', /cut off or malformed/],
    ['plain text', 500, 'Internal Server Error', /not JSON/],
    ['a JSON array', 200, '[1,2]', /not an object/],
  ])('%s → ResponseFormatError with the HTTP status', async (_label, status, body, message) => {
    const error = await expectRejected({ status, body }, ResponseFormatError);
    expect(error.httpStatus).toBe(status);
    expect(error.message).toMatch(message);
  });

  it('a body encrypted with another AES key → DecryptionError carrying psn', async () => {
    const { createSecretKey, randomBytes } = await import('node:crypto');
    const otherKey = createSecretKey(randomBytes(16));
    const plaintext = JSON.stringify(balancePayload);
    const body = JSON.stringify({
      statusCode: 0,
      psn: 'PSN-WRONG-KEY',
      bizContent: aesEncrypt(plaintext, otherKey),
      sign: await signRsaSha256(plaintext, platformPrivateKey),
    });
    const error = await expectRejected({ status: 200, body }, DecryptionError);
    expect(error.psn).toBe('PSN-WRONG-KEY');
  });
});
