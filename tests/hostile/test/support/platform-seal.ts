// Sealing content the way the platform does (AES-ECB over the JSON text, SHA256withRSA over the same text with the
// platform private key), for hostile servers that must produce genuine envelopes to truncate, replay or mix up.
import { aesDecrypt, aesEncrypt, loadAesKey, loadPrivateKey, signRsaSha256 } from '@codepay/sdk';
import type { MockGatewayKeys } from '@codepay/mock';
import { registerPlaintext } from './leak-guard.js';

export interface Sealed {
  plaintext: string;
  bizContent: string;
  sign: string;
}

type SealingKeys = Pick<MockGatewayKeys, 'aesKey' | 'platformPrivateKey'>;

/** Seals exact `plaintext` text (registered as a secret: the SDK must never show it). */
export async function sealText(plaintext: string, keys: SealingKeys): Promise<Sealed> {
  registerPlaintext(plaintext, 'sealed by a test');
  return {
    plaintext,
    bizContent: aesEncrypt(plaintext, loadAesKey(keys.aesKey)),
    sign: await signRsaSha256(plaintext, loadPrivateKey(keys.platformPrivateKey)),
  };
}

export function seal(content: unknown, keys: SealingKeys): Promise<Sealed> {
  return sealText(JSON.stringify(content), keys);
}

/** The wire text of a `/api/v2/pay` success answer carrying `payload`. */
export async function successEnvelopeText(payload: unknown, keys: SealingKeys, psn = 'PSN-HOSTILE-1'): Promise<string> {
  const { bizContent, sign } = await seal(payload, keys);
  return JSON.stringify({ statusCode: 0, psn, bizContent, sign });
}

/** The business payload of a success, as the platform encrypts it. */
export function businessSuccess(data: unknown): Record<string, unknown> {
  return { status: 0, errorCode: null, errorMessage: null, data };
}

/** Whether `bizContent` decrypts under `aesKey` (an oracle for which error a tampered ciphertext must give). */
export function decryptsUnder(bizContent: string, aesKey: string): boolean {
  try {
    aesDecrypt(bizContent, loadAesKey(aesKey));
    return true;
  } catch {
    return false;
  }
}
