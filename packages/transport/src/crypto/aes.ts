// bizContent encryption: AES/ECB/PKCS5Padding (PKCS#7 on 16-byte blocks), Base64 text, no IV, as the API
// documents. ECB is the vendor's choice, not ours; authenticity comes from the RSA signature over the plaintext.
//
// Padding is done here rather than by OpenSSL so that each direction makes a single output buffer (no concat of
// update() and final()), and so a bad padding is reported as such instead of as a generic OpenSSL error.

import { type KeyObject, createCipheriv, createDecipheriv } from 'node:crypto';
import { ConfigurationError, DecryptionError } from '../errors.js';
import { decodeStrictBase64 } from './base64.js';

const BLOCK_BYTES = 16;

// Stateless (decode() without `stream`), so sharing one instance holds nothing between calls.
// ignoreBOM keeps a leading U+FEFF in the text: the signature is verified over the decrypted text, which must
// re-encode to exactly the decrypted bytes.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function cipherName(key: KeyObject): string {
  const size = key.symmetricKeySize;
  if (key.type !== 'secret' || (size !== 16 && size !== 24 && size !== 32)) {
    const message = 'the key given for AES is not a 16-, 24- or 32-byte secret KeyObject; load it with loadAesKey().';
    throw new ConfigurationError(message, { option: 'aesKey' });
  }
  return `aes-${size * 8}-ecb`;
}

/** Base64(AES-ECB(PKCS#7(UTF-8 plaintext))); the key size (16/24/32 bytes) picks AES-128/192/256. */
export function aesEncrypt(plaintext: string, key: KeyObject): string {
  const cipher = createCipheriv(cipherName(key), key, null).setAutoPadding(false);
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
  const decipher = createDecipheriv(cipherName(key), key, null).setAutoPadding(false);
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
