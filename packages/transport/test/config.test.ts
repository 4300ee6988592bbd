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
    [
      'a public key as the private key',
      { merchantPrivateKey: merchantKeys.publicSpkiBase64Der },
      'merchantPrivateKey',
      /public key/,
    ],
    [
      'a private key as the platform public key',
      { platformPublicKey: platformKeys.privatePkcs8Pem },
      'platformPublicKey',
      /private key/,
    ],
    [
      'a 1024-bit key',
      { merchantPrivateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey },
      'merchantPrivateKey',
      /1024/,
    ],
    ['a wrong-length AES key', { aesKey: Buffer.alloc(15).toString('base64') }, 'aesKey', /15 bytes/],
    [
      'a malformed PEM',
      { merchantPrivateKey: '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----' },
      'merchantPrivateKey',
      /./,
    ],
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

// Issue 15, findings 8 and 10, and the lifecycle options: unknown options are refused (naming the closest known
// one), a base URL that already holds the API path is refused with the fix, enumerated options never echo text
// that may be a secret, and per-call headers cannot frame the request.
describe('unknown options and the base URL path', () => {
  it.each([
    ['timeoutMs', 500, /timeoutMs: is not an option of the client; did you mean timeout\?/],
    ['agent', {}, /agent: is not an option of the client; did you mean proxy\?/],
    ['httpsAgent', {}, /did you mean proxy\?/],
    ['proxyUrl', 'http://proxy:3128', /did you mean proxy\?/],
    ['maxRetry', 3, /did you mean maxRetries\?/],
    ['baseURL', 'https://gateway.example.com', /did you mean baseUrl\?/],
    ['retries', 3, /did you mean maxRetries\?/],
    ['signal', AbortSignal.abort(), /the options are baseUrl, appId/],
  ])('%s → ConfigurationError naming it and the closest known option', (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error.option).toBe(name);
    expect(error.message).toMatch(message);
  });

  it.each([['/api/v2'], ['/api/v2/'], ['/api/v2/pay'], ['/api/v2/token'], ['/prefix/api/v2/pay']])(
    'a baseUrl ending in %s is refused with the URL to pass instead',
    (path) => {
      const error = configError({ baseUrl: `https://gateway.example.com${path}` });
      expect(error.option).toBe('baseUrl');
      expect(error.message).toMatch(
        /which the client adds itself; pass https:\/\/gateway\.example\.com(\/prefix)? instead/,
      );
    },
  );

  it('a path prefix that is not the API path is still accepted', () => {
    expect(() => createEnvelopeClient({ ...base, baseUrl: 'https://gateway.example.com/codepay' })).not.toThrow();
  });

  it.each([
    ['language', 'q83vEjRWeJq83vEjRWeJqw=='],
    ['language', 'sk_live_51HxYzAbCdEf'],
    ['logLevel', 'pk_live_0123456789abcdef'],
  ])('a secret pasted into %s is not echoed in the message', (option, secret) => {
    const error = configError({ [option]: secret });
    expect(error.option).toBe(option);
    expect(error.message).not.toContain(secret);
    expect(error.message).toMatch(new RegExp(`a ${secret.length}-character string that is none of them`));
  });

  it('a near miss of an enumerated value is named, with the value meant', () => {
    expect(configError({ language: 'en-us' }).message).toMatch(/received "en-us" \(did you mean "en-US"\?\)/);
    expect(configError({ logLevel: 'warning' }).message).toMatch(/received "warning" \(did you mean "warn"\?\)/);
  });

  it.each([
    ['maxSockets', 0, /integer from 1 to 65535/],
    ['maxSockets', 1.5, /integer from 1 to 65535/],
    ['idleSocketTimeout', -1, /positive number of milliseconds/],
    ['tracerProvider', {}, /OpenTelemetry TracerProvider/],
  ])('%s: %s → ConfigurationError', (option, value, message) => {
    const error = configError({ [option]: value });
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });
});
