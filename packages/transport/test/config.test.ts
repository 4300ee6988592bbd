import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../src/errors.js';
import { createEnvelopeClient } from '../src/envelope-client.js';
import { isLoopbackHost } from '../src/config.js';
import { leaksKeyText } from './crypto/vectors.js';
import { clientOptions } from './support/test-client.js';
import { keySecrets, merchantKeys, platformKeys } from './support/test-keys.js';

const base = clientOptions({ url: 'https://gateway.example.com' });

function configError(overrides: Record<string, unknown>): ConfigurationError {
  try {
    createEnvelopeClient({ ...base, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    for (const secret of keySecrets) expect(leaksKeyText((error as Error).message, secret)).toBe(false);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('configuration is checked at construction', () => {
  it('accepts the dashboard formats', () => {
    expect(() => createEnvelopeClient(base)).not.toThrow();
  });

  it.each([
    ['an http URL to a public host', { baseUrl: 'http://gateway.example.com' }, 'baseUrl', /requires HTTPS/],
    ['a relative URL', { baseUrl: '/api' }, 'baseUrl', /not an absolute URL/],
    ['a URL with a query', { baseUrl: 'https://gateway.example.com/?x=1' }, 'baseUrl', /query or fragment/],
    ['no appId', { appId: '' }, 'appId', /dashboard/],
    ['an unknown language', { language: 'de-DE' }, 'language', /en-US, zh-CN, ja-JP, fr-FR/],
    ['a zero timeout', { timeout: 0 }, 'timeout', /positive number/],
    ['maxRetries 11', { maxRetries: 11 }, 'maxRetries', /0 to 10/],
    ['a public key as the private key', { merchantPrivateKey: merchantKeys.publicSpkiBase64Der }, 'merchantPrivateKey', /public key/],
    ['a private key as the platform public key', { platformPublicKey: platformKeys.privatePkcs8Pem }, 'platformPublicKey', /private key/],
    ['a 1024-bit key', { merchantPrivateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey }, 'merchantPrivateKey', /1024/],
    ['a wrong-length AES key', { aesKey: Buffer.alloc(15).toString('base64') }, 'aesKey', /15 bytes/],
    ['a malformed PEM', { merchantPrivateKey: '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----' }, 'merchantPrivateKey', /./],
    ['keys that do not pair', { merchantPublicKey: platformKeys.publicSpkiBase64Der }, 'merchantPublicKey', /pair/],
    ['a ca that is not PEM', { ca: 'hello' }, 'ca', /BEGIN CERTIFICATE/],
  ])('%s → ConfigurationError naming the option', (_label, overrides, option, message) => {
    const error = configError(overrides);
    expect(error.option).toBe(option);
    expect(error.message.startsWith(`${option}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('allows plain http only for loopback hosts', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', '127.8.9.10', 'api.localhost']) {
      expect(() => createEnvelopeClient({ ...base, baseUrl: `http://${host}:8080` }), host).not.toThrow();
    }
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });
});
