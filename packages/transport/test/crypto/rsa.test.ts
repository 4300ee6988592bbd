import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey, loadPublicKey } from '../../src/crypto/keys.js';
import { signRsaSha256, verifyRsaSha256 } from '../../src/crypto/rsa.js';
import { CodePayError } from '../../src/errors.js';
import { keyTexts, vectors, type Party } from './vectors.js';

function privateKeyFormats(party: Party): Array<[string, Parameters<typeof loadPrivateKey>[0]]> {
  const texts = keyTexts(party);
  return [
    ['PKCS#1 PEM', texts.privatePkcs1Pem],
    ['PKCS#8 PEM', texts.privatePkcs8Pem],
    ['PKCS#8 Base64 DER', texts.privatePkcs8Base64Der],
    ['PKCS#8 DER Buffer', Buffer.from(texts.privatePkcs8Base64Der, 'base64')],
    ['KeyObject', createPrivateKey(texts.privatePkcs8Pem)],
  ];
}

function publicKeyFormats(party: Party): Array<[string, Parameters<typeof loadPublicKey>[0]]> {
  const texts = keyTexts(party);
  const der = Buffer.from(texts.publicSpkiBase64Der, 'base64');
  return [
    ['SPKI PEM', texts.publicSpkiPem],
    ['SPKI Base64 DER', texts.publicSpkiBase64Der],
    ['SPKI DER bytes (plain Uint8Array)', new Uint8Array(der)],
    ['KeyObject', createPublicKey(texts.publicSpkiPem)],
  ];
}

const otherParty = (party: Party): Party => (party === 'merchant' ? 'platform' : 'merchant');

describe('signRsaSha256 reproduces the OpenSSL signatures', () => {
  describe.each(vectors)('$name', (vector) => {
    it.each(privateKeyFormats(vector.signer))(`with the ${vector.signer} key as %s`, async (_format, input) => {
      expect(await signRsaSha256(vector.plaintext, loadPrivateKey(input))).toBe(vector.sign);
    });
  });
});

describe('verifyRsaSha256 accepts the OpenSSL signatures', () => {
  describe.each(vectors)('$name', (vector) => {
    it.each(publicKeyFormats(vector.signer))(`with the ${vector.signer} key as %s`, async (_format, input) => {
      expect(await verifyRsaSha256(vector.plaintext, vector.sign, loadPublicKey(input))).toBe(true);
    });
  });
});

describe('verifyRsaSha256 rejects', () => {
  const vector = vectors[0]!;
  const publicKey = loadPublicKey(keyTexts(vector.signer).publicSpkiPem);
  const signatureBytes = Buffer.from(vector.sign, 'base64');

  it('a signature with one flipped bit', async () => {
    for (const bit of [0, 7, 1000, signatureBytes.length * 8 - 1]) {
      const tampered = Buffer.from(signatureBytes);
      tampered[bit >> 3]! ^= 1 << (bit & 7);
      expect(await verifyRsaSha256(vector.plaintext, tampered.toString('base64'), publicKey)).toBe(false);
    }
  });

  it("a signature made with the other party's private key", async () => {
    const otherKey = loadPrivateKey(keyTexts(otherParty(vector.signer)).privatePkcs8Pem);
    const foreign = await signRsaSha256(vector.plaintext, otherKey);
    expect(await verifyRsaSha256(vector.plaintext, foreign, publicKey)).toBe(false);
  });

  it("a correct signature checked with the other party's public key", async () => {
    const otherPublic = loadPublicKey(keyTexts(otherParty(vector.signer)).publicSpkiPem);
    expect(await verifyRsaSha256(vector.plaintext, vector.sign, otherPublic)).toBe(false);
  });

  it('a correct signature over a different text (one character changed)', async () => {
    expect(await verifyRsaSha256(vector.plaintext.replace('Peter', 'Petra'), vector.sign, publicKey)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['truncated by one byte', signatureBytes.subarray(1).toString('base64')],
    ['one byte too long', Buffer.concat([signatureBytes, Buffer.of(0)]).toString('base64')],
    ['padding removed', vector.sign.replace(/=+$/, '')],
    ['URL-safe alphabet', vector.sign.replaceAll('+', '-').replaceAll('/', '_')],
    ['a line break inside', `${vector.sign.slice(0, 64)}\n${vector.sign.slice(64)}`],
    ['a character outside the alphabet', `*${vector.sign.slice(1)}`],
    ['not Base64 at all', 'not a signature'],
  ])('a malformed signature (%s) with false, not an error', async (_case, sign) => {
    expect(await verifyRsaSha256(vector.plaintext, sign, publicKey)).toBe(false);
  });
});

describe('signRsaSha256 and verifyRsaSha256 with unusable keys', () => {
  const merchant = keyTexts('merchant');

  it('signing with a public key rejects with a CodePayError', async () => {
    const publicKey = loadPublicKey(merchant.publicSpkiPem);
    await expect(signRsaSha256('{}', publicKey as KeyObject)).rejects.toBeInstanceOf(CodePayError);
  });

  it('verifying with a non-RSA key rejects with a CodePayError', async () => {
    const notRsa = { asymmetricKeyDetails: undefined } as unknown as KeyObject;
    await expect(verifyRsaSha256('{}', 'AAAA', notRsa)).rejects.toBeInstanceOf(CodePayError);
  });
});

describe('round trip with freshly made signatures', () => {
  it('verifies its own signatures over text with 3-byte UTF-8 characters', async () => {
    const privateKey = loadPrivateKey(keyTexts('platform').privatePkcs8Base64Der);
    const publicKey = loadPublicKey(keyTexts('platform').publicSpkiBase64Der);
    const text = '{"city":"Montréal","name":"张三","note":"€"}';
    const signature = await signRsaSha256(text, privateKey);
    expect(await verifyRsaSha256(text, signature, publicKey)).toBe(true);
  });

  it('runs many signatures concurrently (threadpool form) and each is deterministic', async () => {
    const privateKey = loadPrivateKey(keyTexts('merchant').privatePkcs1Pem);
    const vector = vectors.find((candidate) => candidate.signer === 'merchant')!;
    const signatures = await Promise.all(Array.from({ length: 16 }, () => signRsaSha256(vector.plaintext, privateKey)));
    expect(new Set(signatures)).toEqual(new Set([vector.sign]));
  });
});
