// Issue 18: a remote signer (the merchant private key stays in another process: a KMS/HSM stand-in) and platform key
// rotation (platformPublicKey as an array), against the real mock gateway.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { generateKeyPairSync, sign as signSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKeys, startMockGateway, type MockGateway, type MockGatewayKeys } from '../../mock/src/index.js';
import { publicKeyFingerprint } from '../src/crypto/platform-keys.js';
import { aesEncrypt } from '../src/crypto/aes.js';
import { loadAesKey, loadPrivateKey, loadPublicKey } from '../src/crypto/keys.js';
import { signRsaSha256 } from '../src/crypto/rsa.js';
import type { Signer } from '../src/crypto/signer.js';
import { createEnvelopeClient } from '../src/envelope-client.js';
import { AuthenticationError, ConfigurationError, GatewayError, SignatureVerificationError } from '../src/errors.js';
import type { TransportOptions } from '../src/config.js';
import { capturingLogger, type CapturedLine } from './support/capture-logger.js';
import { vectors } from './crypto/vectors.js';
import { merchantKeys, merchantPrivateKey } from './support/test-keys.js';
import { clientOptions, orderParams } from './support/test-client.js';

// A signer process: holds the private key (given once on stdin), answers one line `<id> <base64 data>` with
// `<id> <base64 signature>`.
const CHILD = `
const { createPrivateKey, sign } = require('node:crypto');
const lines = require('node:readline').createInterface({ input: process.stdin });
let key;
lines.on('line', (line) => {
  if (!key) { key = createPrivateKey({ key: Buffer.from(line, 'base64'), format: 'der', type: 'pkcs8' }); return; }
  const [id, data] = line.split(' ');
  const signature = sign('sha256', Buffer.from(data, 'base64'), key);
  process.stdout.write(id + ' ' + signature.toString('base64') + '\\n');
});
`;

function startSignerProcess(privateKeyBase64Der: string): { signer: Signer; signed: () => number; stop: () => void } {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['-e', CHILD], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.write(`${privateKeyBase64Der}\n`);
  const waiting = new Map<number, (signature: Buffer) => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [id, signature] = line.split(' ');
    waiting.get(Number(id))?.(Buffer.from(signature ?? '', 'base64'));
    waiting.delete(Number(id));
  });
  let next = 0;
  let count = 0;
  return {
    signer: (plaintext) =>
      new Promise((resolve) => {
        const id = next++;
        count++;
        waiting.set(id, resolve);
        child.stdin.write(`${id} ${Buffer.from(plaintext).toString('base64')}\n`);
      }),
    signed: () => count,
    stop: () => {
      child.kill();
    },
  };
}

const mockClientOptions = (mock: MockGateway, overrides: Partial<TransportOptions>): TransportOptions => {
  const { merchantPrivateKey: _key, ...rest } = mock.clientKeys;
  return { baseUrl: mock.url, ...rest, logLevel: 'silent', ...overrides };
};

describe('signer option', () => {
  let mock: MockGateway;
  let remote: ReturnType<typeof startSignerProcess>;
  beforeAll(async () => {
    mock = await startMockGateway({ port: 0 });
    remote = startSignerProcess(mock.keys.merchantPrivateKey);
  });
  afterAll(async () => {
    remote?.stop();
    await mock?.close();
  });

  it('signs the token request and createOrder in another process; both verify at the mock', async () => {
    const client = createEnvelopeClient(
      mockClientOptions(mock, { signer: remote.signer, merchantPublicKey: mock.keys.merchantPublicKey }),
    );
    const { data } = await client.call('createOrder', { ...orderParams, order_sn: 'SIGNER0000001' });
    expect(data).toMatchObject({ order_sn: 'SIGNER0000001' });
    expect(remote.signed()).toBe(2); // token request + createOrder
    const token = mock.requests.filter((r) => r.endpoint === 'token');
    const pay = mock.requests.filter((r) => r.endpoint === 'pay');
    expect(token.at(-1)?.httpStatus).toBe(200);
    expect(pay.at(-1)).toMatchObject({ service: 'createOrder', httpStatus: 200, signature: 'valid' });
    await client.close();
  });

  it('a signer that throws: AuthenticationError, outcomeUnknown false, nothing sent', async () => {
    const before = mock.requests.length;
    const failing: Signer = async () => {
      throw new Error('KMS unavailable');
    };
    const client = createEnvelopeClient(mockClientOptions(mock, { signer: failing }));
    const error = await client
      .call('createOrder', { ...orderParams, order_sn: 'SIGNER0000002' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(mock.requests.slice(before)).toEqual([]); // neither the token request nor /api/v2/pay
    expect(
      mock.requests.filter(
        (r) =>
          r.endpoint === 'pay' &&
          r.service === 'createOrder' &&
          (r.params as { order_sn?: string })?.order_sn === 'SIGNER0000002',
      ),
    ).toEqual([]);
    await client.close();
  });

  it('a signer that throws only for the request (token already held): nothing sent to /api/v2/pay', async () => {
    let calls = 0;
    const flaky: Signer = async (plaintext) => {
      if (calls++ === 0)
        return signSync('sha256', plaintext, {
          key: Buffer.from(mock.keys.merchantPrivateKey, 'base64'),
          format: 'der',
          type: 'pkcs8',
        });
      throw new Error('HSM busy');
    };
    const client = createEnvelopeClient(mockClientOptions(mock, { signer: flaky, maxRetries: 0 }));
    const payBefore = mock.requests.filter((r) => r.endpoint === 'pay').length;
    const error = await client.call('getBalance', { currency: 'USD' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ outcomeUnknown: false });
    expect(mock.requests.filter((r) => r.endpoint === 'pay').length).toBe(payBefore);
    await client.close();
  });
});

describe('signer option (no gateway)', () => {
  const localSigner: Signer = async (plaintext) => signSync('sha256', plaintext, merchantPrivateKey);
  const base = (overrides: Partial<TransportOptions>) => {
    const { merchantPrivateKey: _key, ...rest } = clientOptions({ url: 'http://127.0.0.1:9' });
    return { ...rest, ...overrides } as TransportOptions;
  };

  it('exactly one of merchantPrivateKey and signer', () => {
    expect(() => createEnvelopeClient(base({}))).toThrow(ConfigurationError);
    expect(() => createEnvelopeClient(base({}))).toThrow(/merchantPrivateKey.*signer/);
    expect(() =>
      createEnvelopeClient(base({ signer: localSigner, merchantPrivateKey: merchantKeys.privatePkcs8Base64Der })),
    ).toThrow(/merchantPrivateKey/);
    expect(() => createEnvelopeClient(base({ signer: 'kms://key' as unknown as Signer }))).toThrow(ConfigurationError);
  });

  it('prepare() with a signer gives the same envelope as the key (signature over exactly the encrypted plaintext)', async () => {
    const vector = vectors.find(
      (v) => v.signer === 'merchant' && v.name.startsWith('createOrder') && v.name.endsWith('request'),
    )!;
    const client = createEnvelopeClient(
      base({ signer: localSigner, merchantPublicKey: merchantKeys.publicSpkiBase64Der }),
    );
    const prepared = await client.prepare('createOrder', JSON.parse(vector.plaintext));
    expect(prepared.plaintext).toBe(vector.plaintext);
    expect(prepared.bizContent).toBe(vector.bizContent);
    expect(prepared.sign).toBe(vector.sign);
  });

  it('refuses a signature of the wrong size, Base64 text, or one not made with merchantPublicKey', async () => {
    const short = createEnvelopeClient(base({ signer: async () => new Uint8Array(255) }));
    await expect(short.prepare('getBalance', { currency: 'USD' })).rejects.toMatchObject({
      name: 'AuthenticationError',
      outcomeUnknown: false,
      message: /255 bytes/,
    });
    const text = createEnvelopeClient(base({ signer: (async () => 'c2ln') as unknown as Signer }));
    await expect(text.prepare('getBalance', { currency: 'USD' })).rejects.toBeInstanceOf(AuthenticationError);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongKey = createEnvelopeClient(
      base({
        signer: async (p) => signSync('sha256', p, other.privateKey),
        merchantPublicKey: merchantKeys.publicSpkiBase64Der,
      }),
    );
    await expect(wrongKey.prepare('getBalance', { currency: 'USD' })).rejects.toMatchObject({
      name: 'AuthenticationError',
      message: /merchantPublicKey/,
    });
  });

  it('withOptions({ signer }) replaces merchantPrivateKey', async () => {
    const client = createEnvelopeClient(clientOptions({ url: 'http://127.0.0.1:9' }));
    const copy = client.withOptions({ signer: async () => new Uint8Array(10) });
    await expect(copy.prepare('getBalance', { currency: 'USD' })).rejects.toBeInstanceOf(AuthenticationError);
  });
});

describe('platform key rotation', () => {
  let mock: MockGateway;
  let keys: MockGatewayKeys;
  let oldPlatformPublicKey: string;
  beforeAll(async () => {
    const [current, next] = await Promise.all([generateGatewayKeys(), generateGatewayKeys()]);
    oldPlatformPublicKey = current.platformPublicKey;
    // The platform has switched to its new key pair.
    keys = { ...current, platformPrivateKey: next.platformPrivateKey, platformPublicKey: next.platformPublicKey };
    mock = await startMockGateway({ port: 0, keys });
  });
  afterAll(() => mock?.close());

  const options = (
    platformPublicKey: TransportOptions['platformPublicKey'],
    lines?: CapturedLine[],
  ): TransportOptions => ({
    baseUrl: mock.url,
    appId: keys.appId,
    merchantPrivateKey: keys.merchantPrivateKey,
    aesKey: keys.aesKey,
    platformPublicKey,
    ...(lines ? { logger: capturingLogger(lines), logLevel: 'debug' as const } : { logLevel: 'silent' as const }),
  });

  it('[old, new] verifies answers signed with the new key, and logs which key (index and fingerprint, no key text)', async () => {
    const lines: CapturedLine[] = [];
    const client = createEnvelopeClient(options([oldPlatformPublicKey, keys.platformPublicKey], lines));
    const { data } = await client.call('getBalance', { currency: 'USD' });
    expect(data).toBeDefined();
    const verified = lines.filter((l) => l.message === 'platform signature verified');
    expect(verified.length).toBeGreaterThan(0);
    expect(verified[0]!.fields).toEqual({
      platformKeyIndex: 1,
      platformKeyFingerprint: publicKeyFingerprint(loadPublicKey(keys.platformPublicKey)),
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(keys.platformPublicKey.slice(40, 80));
    expect(text).not.toContain(oldPlatformPublicKey.slice(40, 80));
    // Gateway error bodies verify with the ring too.
    const refused = await client
      .call('getBalance', { currency: 'USD' }, { headers: { 'x-mock-scenario': 'gateway-error' } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatewayError);
    // A signed token refusal (401) verifies with the ring: the call is replayed once with a fresh token (which the
    // scenario header refuses again), and the signed refusal is reported as such, not as a bad signature.
    const tokensBefore = client.tokenRequests;
    const expired = await client
      .call('getBalance', { currency: 'USD' }, { headers: { 'x-mock-scenario': 'expired-token' } })
      .catch((e: unknown) => e);
    expect(expired).toMatchObject({ name: 'AuthenticationError', code: 'E01003', outcomeUnknown: false });
    expect(client.tokenRequests).toBe(tokensBefore + 1);
    await client.close();
  });

  it('notifications verify with any key of the ring', async () => {
    const plaintext = JSON.stringify({ order_sn: 'ROTATE0000001', status: 'Paid' });
    const aesKey = loadAesKey(keys.aesKey);
    const bizContent = aesEncrypt(plaintext, aesKey);
    const sign = await signRsaSha256(plaintext, loadPrivateKey(keys.platformPrivateKey));
    const ring = createEnvelopeClient(options([oldPlatformPublicKey, keys.platformPublicKey]));
    await expect(ring.openNotification(bizContent, sign)).resolves.toBe(plaintext);
    const old = createEnvelopeClient(options([oldPlatformPublicKey]));
    await expect(old.openNotification(bizContent, sign)).rejects.toBeInstanceOf(SignatureVerificationError);
  });

  it('[new, old] and any key format work too', async () => {
    const pem = loadPublicKey(keys.platformPublicKey).export({ type: 'spki', format: 'pem' }) as string;
    const client = createEnvelopeClient(options([pem, oldPlatformPublicKey]));
    await expect(client.call('getBalance', { currency: 'USD' })).resolves.toBeDefined();
    await client.close();
  });

  it('only [old]: SignatureVerificationError', async () => {
    const client = createEnvelopeClient(options([oldPlatformPublicKey]));
    await expect(client.call('getBalance', { currency: 'USD' })).rejects.toBeInstanceOf(SignatureVerificationError);
    await client.close();
    const single = createEnvelopeClient(options(oldPlatformPublicKey));
    await expect(single.call('getBalance', { currency: 'USD' })).rejects.toBeInstanceOf(SignatureVerificationError);
    await single.close();
  });

  it('an empty array is a ConfigurationError; a bad key names its index', () => {
    expect(() => createEnvelopeClient(options([]))).toThrow(ConfigurationError);
    expect(() => createEnvelopeClient(options([oldPlatformPublicKey, 'not a key']))).toThrow(
      expect.objectContaining({
        option: 'platformPublicKey',
        message: expect.stringMatching(/^platformPublicKey: entry 1: /),
      }),
    );
  });
});
