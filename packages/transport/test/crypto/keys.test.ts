import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertKeyPair, loadAesKey, loadPrivateKey, loadPublicKey } from '../../src/crypto/keys.js';
import { ConfigurationError } from '../../src/errors.js';
import { aesKeyBase64, keyTexts, leaksKeyText } from './vectors.js';

const merchant = keyTexts('merchant');
const platform = keyTexts('platform');

/** Runs `load`, asserts a ConfigurationError naming `option`, and returns it for message checks. */
function configurationFailure(load: () => unknown, option: string): ConfigurationError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    const failure = error as ConfigurationError;
    expect(failure.option).toBe(option);
    expect(failure.message.startsWith(`${option}: `)).toBe(true);
    return failure;
  }
  throw new Error('expected a ConfigurationError');
}

const modulusOf = (key: KeyObject) => key.export({ format: 'jwk' }).n;
const merchantModulus = modulusOf(createPublicKey(merchant.publicSpkiPem));

describe('loadPrivateKey', () => {
  const pkcs8Der = Buffer.from(merchant.privatePkcs8Base64Der, 'base64');
  const pkcs1Der = createPrivateKey(merchant.privatePkcs1Pem).export({ format: 'der', type: 'pkcs1' });

  it.each([
    ['PKCS#1 PEM', merchant.privatePkcs1Pem],
    ['PKCS#8 PEM', merchant.privatePkcs8Pem],
    ['PKCS#8 Base64 DER', merchant.privatePkcs8Base64Der],
    ['PKCS#1 Base64 DER', pkcs1Der.toString('base64')],
    ['PKCS#8 Base64 DER wrapped at 64 columns with CRLF', merchant.privatePkcs8Base64Der.replace(/(.{64})/g, '$1\r\n')],
    ['PKCS#8 Base64 DER with surrounding whitespace', `\n\t  ${merchant.privatePkcs8Base64Der.trim()}  \n`],
    [
      'PKCS#8 PEM with literal \\n sequences (as in .env files)',
      merchant.privatePkcs8Pem.trim().replaceAll('\n', '\\n'),
    ],
    ['PKCS#8 DER Buffer', pkcs8Der],
    ['PKCS#1 DER plain Uint8Array', new Uint8Array(pkcs1Der)],
    ['PEM file read as bytes', Buffer.from(merchant.privatePkcs1Pem, 'utf8')],
    ['KeyObject', createPrivateKey(merchant.privatePkcs8Pem)],
  ])('reads %s', (_format, input) => {
    const key = loadPrivateKey(input, 'merchantPrivateKey');
    expect(key.type).toBe('private');
    expect(modulusOf(key)).toBe(merchantModulus);
  });

  it('rejects a public key, saying so', () => {
    for (const input of [
      merchant.publicSpkiPem,
      merchant.publicSpkiBase64Der,
      createPublicKey(merchant.publicSpkiPem),
    ]) {
      const failure = configurationFailure(() => loadPrivateKey(input, 'merchantPrivateKey'), 'merchantPrivateKey');
      expect(failure.message).toMatch(
        /received a public key \((SPKI PEM|SPKI Base64 DER|KeyObject)\); expected the RSA private key/,
      );
      if (typeof input === 'string') expect(leaksKeyText(failure.message, input)).toBe(false);
    }
  });

  it('rejects a PKCS#1 public key PEM', () => {
    const pkcs1Pem = createPublicKey(merchant.publicSpkiPem).export({ format: 'pem', type: 'pkcs1' }).toString();
    const failure = configurationFailure(() => loadPrivateKey(pkcs1Pem, 'merchantPrivateKey'), 'merchantPrivateKey');
    expect(failure.message).toContain('received a public key (PKCS#1 PEM)');
  });

  it('rejects an EC key in every form, naming its type', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const sec1Pem = privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const base64 = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const sec1Base64 = privateKey.export({ format: 'der', type: 'sec1' }).toString('base64');
    for (const input of [pem, sec1Pem, base64, sec1Base64, privateKey]) {
      const failure = configurationFailure(() => loadPrivateKey(input, 'merchantPrivateKey'), 'merchantPrivateKey');
      expect(failure.message).toContain('received an EC (prime256v1) private key');
      if (typeof input === 'string') expect(leaksKeyText(failure.message, input)).toBe(false);
    }
  });

  it('rejects an Ed25519 key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const failure = configurationFailure(() => loadPrivateKey(privateKey), 'privateKey');
    expect(failure.message).toContain('received an Ed25519 private key (KeyObject)');
  });

  it('rejects an RSA-1024 key, reporting its size', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const text = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const failure = configurationFailure(() => loadPrivateKey(text, 'merchantPrivateKey'), 'merchantPrivateKey');
    expect(failure.message).toContain('received a 1024-bit RSA private key (PKCS#8 Base64 DER)');
    expect(failure.message).toContain('at least 2048 bits');
    expect(leaksKeyText(failure.message, text)).toBe(false);
  });

  it('rejects an encrypted private key, telling how to decrypt it', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs8 = privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-128-cbc', passphrase: 'secret' })
      .toString();
    const pkcs1 = privateKey
      .export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: 'secret' })
      .toString();
    for (const input of [pkcs8, pkcs1]) {
      const failure = configurationFailure(() => loadPrivateKey(input), 'privateKey');
      expect(failure.message).toContain('encrypted (passphrase-protected)');
      expect(leaksKeyText(failure.message, input)).toBe(false);
    }
  });

  it('rejects garbage text, describing it without echoing it', () => {
    const garbage = 'this is not a key, it is 57 characters of plain text!!!!';
    const failure = configurationFailure(() => loadPrivateKey(garbage, 'merchantPrivateKey'), 'merchantPrivateKey');
    expect(failure.message).toContain(
      `received a ${garbage.length}-character string that is neither PEM nor Base64 DER`,
    );
    expect(failure.message).not.toContain('plain text');
  });

  it('rejects Base64 that is not a key', () => {
    const failure = configurationFailure(() => loadPrivateKey('AAAAAAAA'), 'privateKey');
    expect(failure.message).toContain('received a 8-character Base64 string whose 6 decoded bytes are not a PKCS#8');
  });

  it('rejects a truncated key (Base64 and PEM)', () => {
    const truncatedBase64 = merchant.privatePkcs8Base64Der.trim().slice(0, 800);
    const lines = merchant.privatePkcs8Pem.trim().split('\n');
    const truncatedPem = [...lines.slice(0, 10), lines.at(-1)].join('\n');
    for (const input of [truncatedBase64, truncatedPem]) {
      const failure = configurationFailure(() => loadPrivateKey(input), 'privateKey');
      expect(leaksKeyText(failure.message, input)).toBe(false);
    }
  });

  it('points at a file path given instead of the contents', () => {
    const failure = configurationFailure(() => loadPrivateKey('./keys/merchant.pem'), 'privateKey');
    expect(failure.message).toContain('looks like a file path');
  });

  it('rejects PEM text with two blocks', () => {
    const failure = configurationFailure(
      () => loadPrivateKey(merchant.privatePkcs8Pem + merchant.publicSpkiPem),
      'privateKey',
    );
    expect(failure.message).toContain('2 blocks (PRIVATE KEY, PUBLIC KEY)');
  });

  it.each([
    ['a number', 42, 'received a number'],
    ['null', null, 'received null'],
    ['undefined', undefined, 'received undefined'],
    ['an object', { key: 'value' }, 'received an object'],
    ['a Map', new Map(), 'received an object (Map)'],
    ['an object whose toString is not a function', { toString: {}, constructor: { name: {} } }, 'received an object'],
    ['an empty string', '  \n ', 'received an empty string'],
    ['an empty Buffer', Buffer.alloc(0), 'received an empty byte array'],
    ['an AES secret KeyObject', createSecretKey(randomBytes(16)), 'received a secret (symmetric) KeyObject'],
  ])('rejects %s', (_case, input, expected) => {
    const failure = configurationFailure(() => loadPrivateKey(input as never), 'privateKey');
    expect(failure.message).toContain(expected);
  });
});

describe('loadPublicKey', () => {
  const spkiDer = Buffer.from(merchant.publicSpkiBase64Der, 'base64');
  const pkcs1Der = createPublicKey(merchant.publicSpkiPem).export({ format: 'der', type: 'pkcs1' });

  it.each([
    ['SPKI PEM', merchant.publicSpkiPem],
    ['SPKI Base64 DER', merchant.publicSpkiBase64Der],
    ['PKCS#1 PEM', createPublicKey(merchant.publicSpkiPem).export({ format: 'pem', type: 'pkcs1' }).toString()],
    ['PKCS#1 Base64 DER', pkcs1Der.toString('base64')],
    ['SPKI DER Buffer', spkiDer],
    ['SPKI DER plain Uint8Array', new Uint8Array(spkiDer)],
    ['KeyObject', createPublicKey(merchant.publicSpkiPem)],
  ])('reads %s', (_format, input) => {
    const key = loadPublicKey(input, 'platformPublicKey');
    expect(key.type).toBe('public');
    expect(modulusOf(key)).toBe(merchantModulus);
  });

  it('rejects a private key in every form instead of deriving a public key from it', () => {
    const pkcs1Der = createPrivateKey(platform.privatePkcs1Pem).export({ format: 'der', type: 'pkcs1' });
    const inputs = [
      platform.privatePkcs1Pem,
      platform.privatePkcs8Pem,
      platform.privatePkcs8Base64Der,
      pkcs1Der.toString('base64'),
      pkcs1Der,
      createPrivateKey(platform.privatePkcs8Pem),
    ];
    for (const input of inputs) {
      const failure = configurationFailure(() => loadPublicKey(input, 'platformPublicKey'), 'platformPublicKey');
      expect(failure.message).toMatch(/received a private key \([^)]+\); expected the RSA public key/);
      expect(failure.message).toContain('does not derive a public key');
      if (typeof input === 'string') expect(leaksKeyText(failure.message, input)).toBe(false);
    }
  });

  it('rejects an EC public key and an RSA-1024 public key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .publicKey.export({ format: 'pem', type: 'spki' })
      .toString();
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      format: 'der',
      type: 'spki',
    });
    const ecFailure = configurationFailure(() => loadPublicKey(ec, 'platformPublicKey'), 'platformPublicKey');
    expect(ecFailure.message).toContain('received an EC (secp384r1) public key (SPKI PEM)');
    expect(leaksKeyText(ecFailure.message, ec)).toBe(false);
    const rsaFailure = configurationFailure(
      () => loadPublicKey(rsa1024.toString('base64'), 'platformPublicKey'),
      'platformPublicKey',
    );
    expect(rsaFailure.message).toContain('received a 1024-bit RSA public key (SPKI Base64 DER)');
  });

  it('rejects a certificate, telling how to extract its key', () => {
    const certificate = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const failure = configurationFailure(() => loadPublicKey(certificate), 'publicKey');
    expect(failure.message).toContain('received an X.509 certificate');
    expect(failure.message).toContain('openssl x509');
  });

  it('rejects garbage, naming the option given by the caller', () => {
    const failure = configurationFailure(
      () => loadPublicKey('-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----', 'platformPublicKey'),
      'platformPublicKey',
    );
    expect(failure.message).toContain('SPKI PEM block that could not be parsed');
    expect(failure.cause).toBeDefined();
  });
});

describe('loadAesKey', () => {
  it.each([
    ['Base64 text', aesKeyBase64],
    ['Base64 text with a trailing newline', `${aesKeyBase64}\n`],
    ['raw bytes', Buffer.from(aesKeyBase64, 'base64')],
    ['a secret KeyObject', createSecretKey(Buffer.from(aesKeyBase64, 'base64'))],
  ])('reads the 16-byte key as %s', (_case, input) => {
    const key = loadAesKey(input);
    expect(key.type).toBe('secret');
    expect(key.export().toString('base64')).toBe(aesKeyBase64);
  });

  it.each([24, 32])('also accepts a %i-byte key', (size) => {
    expect(loadAesKey(randomBytes(size).toString('base64')).symmetricKeySize).toBe(size);
  });

  it.each([15, 17, 0, 64])('rejects %i bytes, stating the decoded length', (size) => {
    const text = randomBytes(size).toString('base64');
    const failure = configurationFailure(() => loadAesKey(text), 'aesKey');
    expect(failure.message).toContain(`received Base64 text that decodes to ${size} bytes`);
    if (text) expect(failure.message).not.toContain(text);
  });

  it('rejects raw bytes of the wrong length', () => {
    expect(configurationFailure(() => loadAesKey(Buffer.of(1, 2, 3)), 'aesKey').message).toContain('received 3 bytes');
  });

  it.each([
    ['invalid characters', 't4LZo4UsB4GtM4Jz/Vwcp*==', 'not valid Base64'],
    ['missing padding', 't4LZo4UsB4GtM4Jz/Vwcpw', 'not valid Base64'],
    ['URL-safe alphabet', 't4LZo4UsB4GtM4Jz_Vwcpw==', 'not valid Base64'],
    ['hexadecimal text', randomBytes(16).toString('hex'), '32 hexadecimal digits'],
  ])('rejects %s instead of decoding leniently', (_case, text, expected) => {
    const failure = configurationFailure(() => loadAesKey(text, 'aesKey'), 'aesKey');
    expect(failure.message).toContain(expected);
    expect(failure.message).not.toContain(text);
  });

  it('rejects Base64 text passed as bytes (a key file read without an encoding)', () => {
    const failure = configurationFailure(() => loadAesKey(Buffer.from(aesKeyBase64, 'utf8')), 'aesKey');
    expect(failure.message).toContain('look like Base64 text');
  });

  it('rejects RSA KeyObjects and wrong types', () => {
    const rsa = createPublicKey(merchant.publicSpkiPem);
    expect(configurationFailure(() => loadAesKey(rsa), 'aesKey').message).toContain('a public KeyObject');
    expect(configurationFailure(() => loadAesKey(16 as never), 'aesKey').message).toContain('a number');
  });

  it('does not show the key bytes when logged', () => {
    const key = loadAesKey(aesKeyBase64);
    expect(JSON.stringify(key)).not.toContain(aesKeyBase64);
    expect(String(key)).not.toContain(aesKeyBase64);
  });
});

describe('assertKeyPair', () => {
  it('passes for the merchant key pair, whatever the formats', () => {
    expect(() =>
      assertKeyPair(
        loadPrivateKey(merchant.privatePkcs1Pem),
        loadPublicKey(merchant.publicSpkiBase64Der),
        'merchantPublicKey',
      ),
    ).not.toThrow();
  });

  it('fails for the merchant private key with the platform public key', () => {
    const failure = configurationFailure(
      () =>
        assertKeyPair(
          loadPrivateKey(merchant.privatePkcs8Pem),
          loadPublicKey(platform.publicSpkiPem),
          'merchantPublicKey',
        ),
      'merchantPublicKey',
    );
    expect(failure.message).toContain('do not form a pair');
  });

  it('reports unusable keys as a configuration problem', () => {
    const publicKey = loadPublicKey(merchant.publicSpkiPem);
    expect(() => assertKeyPair(publicKey, publicKey)).toThrow(ConfigurationError);
  });
});
