import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesDecrypt, aesEncrypt } from '../../src/crypto/aes.js';
import { loadAesKey, loadPublicKey } from '../../src/crypto/keys.js';
import { verifyRsaSha256 } from '../../src/crypto/rsa.js';
import { ConfigurationError, DecryptionError, isCodePayError } from '../../src/errors.js';
import { aesKeyBase64, keyTexts, vectors } from './vectors.js';

const key = loadAesKey(aesKeyBase64);
const rawKey = Buffer.from(aesKeyBase64, 'base64');

/** Encrypts raw bytes with OpenSSL's own PKCS#7 padding, to craft ciphertexts the SDK would never produce. */
function encryptBytes(bytes: Uint8Array, autoPadding = true): string {
  const cipher = createCipheriv('aes-128-ecb', rawKey, null).setAutoPadding(autoPadding);
  return Buffer.concat([cipher.update(bytes), cipher.final()]).toString('base64');
}

function decryptionFailure(bizContent: string): DecryptionError {
  try {
    aesDecrypt(bizContent, key);
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error('expected aesDecrypt to throw');
}

describe('aesEncrypt / aesDecrypt against the OpenSSL vectors', () => {
  it.each(vectors)('encrypt reproduces bizContent: $name', (vector) => {
    expect(aesEncrypt(vector.plaintext, key)).toBe(vector.bizContent);
  });

  it.each(vectors)('decrypt gives the plaintext: $name', (vector) => {
    expect(aesDecrypt(vector.bizContent, key)).toBe(vector.plaintext);
  });
});

describe('aesEncrypt / aesDecrypt round trips', () => {
  it.each([16, 24, 32])('with a %i-byte key, matching OpenSSL padding for every length 0..40', (size) => {
    const bytes = randomBytes(size);
    const sized = loadAesKey(bytes);
    for (let length = 0; length <= 40; length++) {
      const text = 'é'.repeat(length >> 1) + 'x'.repeat(length & 1);
      const cipher = createCipheriv(`aes-${size * 8}-ecb`, bytes, null);
      const expected = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
      expect(aesEncrypt(text, sized)).toBe(expected);
      expect(aesDecrypt(expected, sized)).toBe(text);
    }
  });

  it('keeps a leading byte order mark, so the text re-encodes to exactly the decrypted bytes', () => {
    expect(aesDecrypt(encryptBytes(Buffer.from('\ufeff{}', 'utf8')), key)).toBe('\ufeff{}');
  });

  it('refuses a key that did not come from loadAesKey', () => {
    expect(() => aesEncrypt('{}', createSecretKey(Buffer.alloc(20)))).toThrow(ConfigurationError);
    for (const notAKey of [null, undefined, 'c2VjcmV0c2VjcmV0c2VjcmV0', Buffer.alloc(16)]) {
      expect(() => aesEncrypt('{}', notAKey as never)).toThrow(ConfigurationError);
      expect(() => aesDecrypt('AAAAAAAAAAAAAAAAAAAAAA==', notAKey as never)).toThrow(ConfigurationError);
    }
  });

  it('one key serves any number of messages in any order: each result is what a fresh cipher gives', () => {
    // The ECB transforms are kept per key between calls; nothing of one message may carry into the next.
    const texts = [
      '{}',
      'x'.repeat(15),
      'y'.repeat(16),
      'z'.repeat(17),
      JSON.stringify({ amount: '10.00', note: 'é'.repeat(40) }),
      '',
    ];
    const fresh = (text: string) => encryptBytes(Buffer.from(text, 'utf8'));
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        const bizContent = aesEncrypt(text, key);
        expect(bizContent).toBe(fresh(text));
        expect(aesDecrypt(bizContent, key)).toBe(text);
      }
      // A failed decryption (bad padding) in between leaves nothing behind either.
      expect(() => aesDecrypt(Buffer.alloc(32, 7).toString('base64'), key)).toThrow(DecryptionError);
    }
  });
});

describe('aesDecrypt raises DecryptionError', () => {
  const vector = vectors[0]!;

  it.each([
    ['a character outside the alphabet', `${vector.bizContent.slice(0, -4)}AA$=`],
    ['missing padding', 'x1sUDj7mw1LqGHm5aJgWTg'],
    ['URL-safe alphabet', vector.bizContent.replaceAll('+', '-').replaceAll('/', '_')],
    ['a line break inside', `${vector.bizContent.slice(0, 16)}\n${vector.bizContent.slice(16)}`],
    ['surrounding whitespace', ` ${vector.bizContent} `],
    ['non-zero unused bits before the padding', 'x1sUDj7mw1LqGHm5aJgWTh=='],
  ])('for bad Base64: %s', (_case, bizContent) => {
    expect(decryptionFailure(bizContent).reason).toBe('base64');
  });

  it.each([
    ['empty', ''],
    ['15 bytes', Buffer.alloc(15).toString('base64')],
    ['17 bytes', Buffer.alloc(17).toString('base64')],
    ['one block missing its last byte', Buffer.from(vector.bizContent, 'base64').subarray(0, -1).toString('base64')],
  ])('for a length that is not whole blocks: %s', (_case, bizContent) => {
    expect(decryptionFailure(bizContent).reason).toBe('block-length');
  });

  it.each([
    ['a zero padding byte', Buffer.from('0123456789abcde\u0000')],
    ['a padding byte above 16', Buffer.from('0123456789abcde\u0011')],
    ['inconsistent padding bytes', Buffer.from('0123456789abc\u0001\u0003\u0003')],
  ])('for bad PKCS#7 padding: %s', (_case, block) => {
    expect(decryptionFailure(encryptBytes(block, false)).reason).toBe('padding');
  });

  it.each([
    ['0xff 0xfe', [0xff, 0xfe]],
    ['a truncated 3-byte sequence', [0x7b, 0xe5, 0xbc]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['an encoded lone surrogate', [0xed, 0xa0, 0x80]],
  ])('for bytes that are not UTF-8: %s', (_case, bytes) => {
    expect(decryptionFailure(encryptBytes(Uint8Array.from(bytes))).reason).toBe('utf8');
  });

  it('with a different AES key (the padding check is the usual symptom)', () => {
    const otherKey = loadAesKey(Buffer.alloc(16, 7));
    expect(() => aesDecrypt(vector.bizContent, otherKey)).toThrow(DecryptionError);
  });

  it('messages never contain the plaintext or the key', () => {
    const failures = [
      decryptionFailure('%%%%'),
      decryptionFailure(encryptBytes(Buffer.from('0123456789abcde\u0000'), false)),
      decryptionFailure(encryptBytes(Buffer.from([0x7b, 0xff]))),
    ];
    for (const failure of failures) {
      expect(isCodePayError(failure, 'DecryptionError')).toBe(true);
      expect(failure.message).not.toContain('0123456789');
      expect(failure.message).not.toContain(aesKeyBase64);
    }
  });
});

describe('a tampered bizContent', () => {
  const vector = vectors[0]!;
  const signerPublicKey = loadPublicKey(keyTexts(vector.signer).publicSpkiPem);

  // ECB has no integrity: flipping a ciphertext byte garbles only that 16-byte block. Decryption catches it when
  // the garbled block breaks the padding or the UTF-8; otherwise the signature over the plaintext must catch it.
  it('with any single byte flipped is rejected by decryption or, failing that, by the signature', async () => {
    const outcomes = { decryption: 0, signature: 0 };
    const encrypted = Buffer.from(vector.bizContent, 'base64');
    for (let index = 0; index < encrypted.length; index++) {
      const tampered = Buffer.from(encrypted);
      tampered[index]! ^= 0xff;
      let plaintext: string;
      try {
        plaintext = aesDecrypt(tampered.toString('base64'), key);
      } catch (error) {
        expect(error).toBeInstanceOf(DecryptionError);
        outcomes.decryption++;
        continue;
      }
      expect(plaintext).not.toBe(vector.plaintext);
      expect(await verifyRsaSha256(plaintext, vector.sign, signerPublicKey)).toBe(false);
      outcomes.signature++;
    }
    // Deterministic for this vector and key: every garbled block happens to be invalid UTF-8 or bad padding.
    // The signature branch above is still needed in general; the block swap below exercises it.
    expect(outcomes).toEqual({ decryption: encrypted.length, signature: 0 });
  });

  it('with two blocks swapped decrypts to valid text, and only the signature catches it', async () => {
    const encrypted = Buffer.from(vector.bizContent, 'base64');
    const swapped = Buffer.concat([encrypted.subarray(16, 32), encrypted.subarray(0, 16), encrypted.subarray(32)]);
    const plaintext = aesDecrypt(swapped.toString('base64'), key);
    expect(plaintext).toBe(vector.plaintext.slice(16, 32) + vector.plaintext.slice(0, 16) + vector.plaintext.slice(32));
    expect(await verifyRsaSha256(plaintext, vector.sign, signerPublicKey)).toBe(false);
  });

  it('in the last block fails the padding check', () => {
    const tampered = Buffer.from(vector.bizContent, 'base64');
    tampered[tampered.length - 1]! ^= 0xff;
    expect(decryptionFailure(tampered.toString('base64')).reason).toBe('padding');
  });
});
