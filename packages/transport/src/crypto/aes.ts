// bizContent encryption: AES/ECB/PKCS5Padding (PKCS#7 on 16-byte blocks), Base64 text, no IV, as the API
// documents. ECB is the vendor's choice, not ours; authenticity comes from the RSA signature over the plaintext.
//
// Padding is done here rather than by OpenSSL so that each direction makes a single output buffer (no concat of
// update() and final()), and so a bad padding is reported as such instead of as a generic OpenSSL error.
//
// ECB has no chaining: each 16-byte block is transformed on its own, with no state carried from one block to the
// next. With OpenSSL's padding off and only whole blocks passed to update(), a cipher object therefore holds
// nothing between messages, so one encrypting and one decrypting object per key serve every call. That saves
// setting up an OpenSSL cipher context (a fetch of the algorithm and a key schedule) twice per API call.

import { type Cipher, type Decipher, type KeyObject, createCipheriv, createDecipheriv } from 'node:crypto';
import { ConfigurationError, DecryptionError } from '../errors.js';
import { decodeStrictBase64 } from './base64.js';

const BLOCK_BYTES = 16;

// Stateless (decode() without `stream`), so sharing one instance holds nothing between calls.
// ignoreBOM keeps a leading U+FEFF in the text: the signature is verified over the decrypted text, which must
// re-encode to exactly the decrypted bytes.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function cipherName(key: KeyObject): string {
  const size = (key as KeyObject | null)?.symmetricKeySize;
  if (key?.type !== 'secret' || (size !== 16 && size !== 24 && size !== 32)) {
    const message = 'the key given for AES is not a 16-, 24- or 32-byte secret KeyObject; load it with loadAesKey().';
    throw new ConfigurationError(message, { option: 'aesKey' });
  }
  return `aes-${size * 8}-ecb`;
}

interface BlockCiphers {
  encrypt: Cipher;
  decrypt: Decipher;
}

// Keyed by the KeyObject itself: dropped with it, and never shared between two keys.
const blockCiphersByKey = new WeakMap<KeyObject, BlockCiphers>();

/** The long-lived ECB transforms of `key`. Only ever given whole blocks, so they hold no state between calls. */
function blockCiphers(key: KeyObject): BlockCiphers {
  let ciphers = blockCiphersByKey.get(key);
  if (!ciphers) {
    const name = cipherName(key);
    ciphers = {
      encrypt: createCipheriv(name, key, null).setAutoPadding(false),
      decrypt: createDecipheriv(name, key, null).setAutoPadding(false),
    };
    blockCiphersByKey.set(key, ciphers);
  }
  return ciphers;
}

/** Base64(AES-ECB(PKCS#7(UTF-8 plaintext))); the key size (16/24/32 bytes) picks AES-128/192/256. */
export function aesEncrypt(plaintext: string, key: KeyObject): string {
  const cipher = blockCiphers(key).encrypt;
  const textBytes = Buffer.byteLength(plaintext, 'utf8');
  const padding = BLOCK_BYTES - (textBytes % BLOCK_BYTES);
  const padded = Buffer.allocUnsafe(textBytes + padding);
  padded.write(plaintext, 0, 'utf8');
  padded.fill(padding, textBytes);
  return cipher.update(padded).toString('base64');
}

/**
 * The UTF-8 text inside a bizContent. Throws DecryptionError (with `reason`) when the Base64 is not strict, the
 * length is not a whole number of blocks, the PKCS#7 padding is wrong (also the usual symptom of a wrong key), or
 * the bytes are not valid UTF-8. A tampered block that still decrypts to valid text is caught by the signature.
 */
export function aesDecrypt(bizContent: string, key: KeyObject): string {
  const decipher = blockCiphers(key).decrypt;
  const encrypted = decodeStrictBase64(bizContent);
  if (!encrypted) {
    throw new DecryptionError(
      `bizContent is not valid Base64 (${bizContent.length} characters; standard alphabet with padding expected).`,
      { reason: 'base64' },
    );
  }
  if (encrypted.length === 0 || encrypted.length % BLOCK_BYTES !== 0) {
    throw new DecryptionError(
      `bizContent decodes to ${encrypted.length} bytes, which is not a whole number of 16-byte AES blocks ` +
        '(empty or truncated response?).',
      { reason: 'block-length' },
    );
  }
  const padded = decipher.update(encrypted);
  const padding = padded[padded.length - 1] ?? 0;
  if (!hasValidPadding(padded, padding)) {
    throw new DecryptionError(
      'bizContent has invalid PKCS#7 padding after decryption; check that the AES key is the one registered ' +
        'with CodePay.',
      { reason: 'padding' },
    );
  }
  try {
    return utf8.decode(padded.subarray(0, padded.length - padding));
  } catch (cause) {
    throw new DecryptionError('decrypted bizContent is not valid UTF-8 text; check the AES key.', {
      reason: 'utf8',
      cause,
    });
  }
}

function hasValidPadding(padded: Buffer, padding: number): boolean {
  if (padding < 1 || padding > BLOCK_BYTES) return false;
  for (let index = padded.length - padding; index < padded.length - 1; index++) {
    if (padded[index] !== padding) return false;
  }
  return true;
}
