// Sealing content the way the platform does (AES-ECB over the JSON text, SHA256withRSA over the same text with the
// platform private key), for hostile servers that must produce genuine envelopes to truncate, replay or mix up.
import { aesDecrypt, aesEncrypt, loadAesKey, loadPrivateKey, signRsaSha256 } from '@codepay/transport';
import type { MockGatewayKeys } from '@codepay/mock';
import { registerPlaintext } from './leak-guard.js';

export interface Sealed {
  plaintext: string;
  bizContent: string;
  sign: string;
}

type SealingKeys = Pick<MockGatewayKeys, 'aesKey' | 'platformPrivateKey'>;

/**
 * Texts shorter than this that a test seals are not registered as secrets. Property tests seal arbitrary strings, and
 * fast-check draws short ones from a small dictionary (`__proto__`, `toString`, …) that it also draws for the psn,
 * code or msg of other answers — values the gateway sent in the clear and the SDK rightly shows in its errors. A
 * longer text recurs only if it leaked.
 */
const DISTINCTIVE_LENGTH = 24;

/** Seals exact `plaintext` text (registered as a secret when distinctive: the SDK must never show it). */
export async function sealText(plaintext: string, keys: SealingKeys): Promise<Sealed> {
  registerPlaintext(plaintext, 'sealed by a test', DISTINCTIVE_LENGTH);
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
