// The gateway's key material. A mock needs both halves of both RSA pairs: it verifies what the merchant signs and
// signs what the platform would sign, and it hands the merchant's half to the test so a client can be configured.
// Keys travel in the dashboard's text form (Base64 DER: PKCS#8 private, SPKI public; Base64 AES key), which is what
// a merchant copies into their configuration, so a keys.json written by the CLI can be pasted straight into a client.

import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { loadAesKey, loadPrivateKey, loadPublicKey } from '@codepay/transport';
import { assertKeyPair } from '@codepay/transport/internal';

const generateRsaKeyPair = promisify(generateKeyPair);

/** Every key of a merchant account in the dashboard's text format; what `--keys-out` writes. */
export interface MockGatewayKeys {
  appId: string;
  /** Base64 DER, PKCS#8. */
  merchantPrivateKey: string;
  /** Base64 DER, SPKI. */
  merchantPublicKey: string;
  /** Base64 DER, PKCS#8. The platform's secret half: only the mock has it. */
  platformPrivateKey: string;
  /** Base64 DER, SPKI. */
  platformPublicKey: string;
  /** Base64 of the 16 raw AES-128 key bytes. */
  aesKey: string;
}

/** The subset a merchant's client is configured with (the names the SDK's options use). */
export interface MockClientKeys {
  appId: string;
  merchantPrivateKey: string;
  platformPublicKey: string;
  aesKey: string;
}

/** The same keys as KeyObjects, loaded once at start-up. */
export interface LoadedGatewayKeys {
  appId: string;
  merchantPublicKey: KeyObject;
  platformPrivateKey: KeyObject;
  platformPublicKey: KeyObject;
  aesKey: KeyObject;
}

const RSA_BITS = 2048;
const AES_KEY_BYTES = 16;

async function generateRsaPairText(): Promise<{ privateKey: string; publicKey: string }> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: 'spki', format: 'der' },
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
  });
  return { privateKey: privateKey.toString('base64'), publicKey: publicKey.toString('base64') };
}

/** A fresh merchant account: two RSA-2048 pairs, an AES-128 key and an appId (both pairs generated in parallel). */
export async function generateGatewayKeys(): Promise<MockGatewayKeys> {
  const [merchant, platform] = await Promise.all([generateRsaPairText(), generateRsaPairText()]);
  return {
    appId: `app_${randomBytes(4).toString('hex')}`,
    merchantPrivateKey: merchant.privateKey,
    merchantPublicKey: merchant.publicKey,
    platformPrivateKey: platform.privateKey,
    platformPublicKey: platform.publicKey,
    aesKey: randomBytes(AES_KEY_BYTES).toString('base64'),
  };
}

/**
 * Loads and cross-checks the keys, and rewrites them in the dashboard's Base64 DER form (so keys given as PEM are
 * exposed and written in the same form as generated ones). A mismatched pair fails here, at start-up, with the
 * transport's precise message instead of as E02001 on every call.
 */
export function prepareGatewayKeys(given: MockGatewayKeys): { keys: MockGatewayKeys; loaded: LoadedGatewayKeys } {
  if (typeof given.appId !== 'string' || given.appId === '') {
    throw new TypeError('keys.appId must be a non-empty string.');
  }
  const merchantPrivateKey = loadPrivateKey(given.merchantPrivateKey, 'keys.merchantPrivateKey');
  const merchantPublicKey = loadPublicKey(given.merchantPublicKey, 'keys.merchantPublicKey');
  const platformPrivateKey = loadPrivateKey(given.platformPrivateKey, 'keys.platformPrivateKey');
  const platformPublicKey = loadPublicKey(given.platformPublicKey, 'keys.platformPublicKey');
  assertKeyPair(merchantPrivateKey, merchantPublicKey, 'keys.merchantPublicKey');
  assertKeyPair(platformPrivateKey, platformPublicKey, 'keys.platformPublicKey');
  const aesKey = loadAesKey(given.aesKey, 'keys.aesKey');
  const keys: MockGatewayKeys = {
    appId: given.appId,
    merchantPrivateKey: privateKeyText(merchantPrivateKey),
    merchantPublicKey: publicKeyText(merchantPublicKey),
    platformPrivateKey: privateKeyText(platformPrivateKey),
    platformPublicKey: publicKeyText(platformPublicKey),
    aesKey: aesKey.export().toString('base64'),
  };
  return { keys, loaded: { appId: given.appId, merchantPublicKey, platformPrivateKey, platformPublicKey, aesKey } };
}

function privateKeyText(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
}

function publicKeyText(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

export function toClientKeys(keys: MockGatewayKeys): MockClientKeys {
  const { appId, merchantPrivateKey, platformPublicKey, aesKey } = keys;
  return { appId, merchantPrivateKey, platformPublicKey, aesKey };
}
