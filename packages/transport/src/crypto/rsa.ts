// SHA256withRSA (RSASSA-PKCS1-v1_5, SHA-256) over the UTF-8 bytes of the exact text, Base64 encoded.
// Both functions use the callback form of crypto.sign/verify, which runs on the libuv threadpool: an RSA-2048
// private-key operation costs about a millisecond, too much to spend on the event loop for every call.

import { type KeyObject, constants, sign, verify } from 'node:crypto';
import { CodePayError } from '../errors.js';
import { decodeStrictBase64 } from './base64.js';

// Explicit, so the scheme does not depend on defaults tied to the key object.
const PKCS1_V1_5 = constants.RSA_PKCS1_PADDING;

function cryptoFailure(operation: string, cause: unknown): CodePayError {
  return new CodePayError(
    `RSA-SHA256 ${operation} failed; check that the key is an RSA key loaded with ` +
      `${operation === 'signing' ? 'loadPrivateKey()' : 'loadPublicKey()'}.`,
    { cause },
  );
}

/** Base64 signature of `plaintext` with `privateKey`. */
export function signRsaSha256(plaintext: string, privateKey: KeyObject): Promise<string> {
  return new Promise((resolve, reject) => {
    try {
      sign('sha256', Buffer.from(plaintext, 'utf8'), { key: privateKey, padding: PKCS1_V1_5 }, (error, signature) => {
        if (error) reject(cryptoFailure('signing', error));
        else resolve(signature.toString('base64'));
      });
    } catch (error) {
      // Argument errors (e.g. a public KeyObject) are thrown synchronously, before any work is queued.
      reject(cryptoFailure('signing', error));
    }
  });
}

/**
 * Whether `signature` (Base64, the envelope's `sign` field) is valid for `plaintext` under `publicKey`. Resolves
 * `false` (never rejects) for a signature that is wrong, not strict Base64, or not exactly the key's size; rejects
 * only for an unusable key.
 */
// `asymmetricKeyDetails` builds a new object on every access; a response verification should not pay for it.
const signatureBytesByKey = new WeakMap<KeyObject, number | undefined>();

function signatureLength(publicKey: KeyObject): number | undefined {
  if (!signatureBytesByKey.has(publicKey)) {
    const bits = publicKey.asymmetricKeyDetails?.modulusLength;
    signatureBytesByKey.set(publicKey, bits === undefined ? undefined : Math.ceil(bits / 8));
  }
  return signatureBytesByKey.get(publicKey);
}

export function verifyRsaSha256(plaintext: string, signature: string, publicKey: KeyObject): Promise<boolean> {
  const expectedBytes = signatureLength(publicKey);
  if (expectedBytes === undefined) {
    return Promise.reject(cryptoFailure('verification', new TypeError('the key has no RSA modulus')));
  }
  const signatureBytes = decodeStrictBase64(signature);
  // OpenSSL also refuses a wrong-length signature; checking first keeps that a plain `false` on every version.
  if (!signatureBytes || signatureBytes.length !== expectedBytes) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    try {
      const key = { key: publicKey, padding: PKCS1_V1_5 };
      verify('sha256', Buffer.from(plaintext, 'utf8'), key, signatureBytes, (error, valid) => {
        if (error) reject(cryptoFailure('verification', error));
        else resolve(valid);
      });
    } catch (error) {
      reject(cryptoFailure('verification', error));
    }
  });
}
