// What the platform sends the merchant: a business payload (or a notification) serialized once, AES-encrypted, and
// signed over exactly those bytes with the platform private key. The same function seals /api/v2/pay answers and
// notifications, because the API says they are sealed alike. The two tampering modes exist for fault injection.

import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { ServicePayload } from '@codepay/models';
import { aesEncrypt, signRsaSha256 } from '@codepay/transport';

/** The decrypted answer of /api/v2/pay (the spec's): status 0 with data, or -1 with errorCode and errorMessage. */
export type BusinessPayload = ServicePayload;

export interface SealedContent {
  bizContent: string;
  sign: string;
}

/** `bad-signature`: sign verifies over nothing; `wrong-key`: bizContent is under an AES key the merchant lacks. */
export type SealTampering = 'bad-signature' | 'wrong-key';

export interface PlatformSealingKeys {
  aesKey: KeyObject;
  platformPrivateKey: KeyObject;
}

/** `data` is a result Prism made (and validated) from the service's result schema, or the mock's stored record. */
export function businessSuccess(data: unknown): BusinessPayload {
  return { status: 0, errorCode: null, errorMessage: null, data } as BusinessPayload;
}

export function businessFailure(errorCode: string, errorMessage: string): BusinessPayload {
  return { status: -1, errorCode, errorMessage, data: null };
}

function flipOneBit(signatureBase64: string): string {
  const bytes = Buffer.from(signatureBase64, 'base64');
  const middle = bytes.length >> 1;
  bytes[middle] = (bytes[middle] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

/** Serializes `content` once and seals exactly that text. */
export async function sealForMerchant(
  content: unknown,
  keys: PlatformSealingKeys,
  tampering?: SealTampering,
): Promise<SealedContent> {
  const plaintext = JSON.stringify(content);
  const encryptionKey = tampering === 'wrong-key' ? createSecretKey(randomBytes(16)) : keys.aesKey;
  const bizContent = aesEncrypt(plaintext, encryptionKey);
  const sign = await signRsaSha256(plaintext, keys.platformPrivateKey);
  return { bizContent, sign: tampering === 'bad-signature' ? flipOneBit(sign) : sign };
}
