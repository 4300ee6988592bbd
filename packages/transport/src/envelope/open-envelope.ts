// Decrypt, then verify the platform's signature over exactly the decrypted text. Shared by responses and
// notifications: nothing is parsed, returned or dispatched before the signature holds.
import type { KeyObject } from 'node:crypto';
import { aesDecrypt } from '../crypto/aes.js';
import { verifyPlatformSignature, type PlatformKeys } from '../crypto/platform-keys.js';
import { SignatureVerificationError, isCodePayError } from '../errors.js';

export interface OpeningKeys {
  aesKey: KeyObject;
  platformPublicKey: PlatformKeys;
}

export interface OpenContext {
  /** What is being opened, for messages: `response` (after the service's name) or `notification`. */
  what: string;
  service?: string;
  psn?: string;
  /** When given, the milliseconds spent decrypting and verifying are added to it (a traced call). */
  timings?: { decryptMs: number; verifyMs: number } | undefined;
}

export async function openSignedEnvelope(
  bizContent: string,
  sign: string,
  keys: OpeningKeys,
  context: OpenContext,
): Promise<string> {
  const timings = context.timings;
  const started = timings ? performance.now() : 0;
  let plaintext: string;
  try {
    plaintext = aesDecrypt(bizContent, keys.aesKey);
  } catch (error) {
    if (isCodePayError(error) && context.psn !== undefined) error.psn = context.psn;
    if (isCodePayError(error, 'DecryptionError') && context.service !== undefined)
      Object.assign(error, { service: context.service });
    throw error;
  } finally {
    if (timings) timings.decryptMs += performance.now() - started;
  }
  const verifying = timings ? performance.now() : 0;
  const verified = await verifyPlatformSignature(plaintext, sign, keys.platformPublicKey);
  if (timings) timings.verifyMs += performance.now() - verifying;
  if (!verified) {
    const known = {
      ...(context.service === undefined ? {} : { service: context.service }),
      ...(context.psn === undefined ? {} : { psn: context.psn }),
    };
    throw new SignatureVerificationError(
      `The ${context.service === undefined ? '' : `${context.service} `}${context.what} signature does not verify with the platform public key; its content was discarded. ` +
        'Check `platformPublicKey`, or the body was altered on the way.',
      known,
    );
  }
  return plaintext;
}
