// Bad configuration fails at createCodePay with a ConfigurationError that names the option and says how to fix
// it, and never repeats key material. Per-call options are held to the same rule when the call is made: nothing is
// sent.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockGatewayKeys } from '@codepay/mock';
import { ConfigurationError, type CodePay, type CodePayOptions, type RequestOptions } from '@codepay/sdk';
import {
  createHostileClient,
  generateRegisteredKeys,
  startHostileGateway,
  validOptions,
  type HostileGateway,
} from './support/hostile-gateway.js';
import {
  capturedLog,
  checkForLeaksAfterAll,
  exposeForLeakCheck,
  leaksIn,
  registerPrivateKey,
} from './support/leak-guard.js';
import { startLoopbackServer, type LoopbackServer } from './support/loopback-server.js';
import { expectTypedFailure, settle } from './support/outcome.js';

// Every case here is refused before anything runs, so no log line is expected; the leak check still applies.
checkForLeaksAfterAll({ expectLogLines: false });

const der = (key: { export(options: { type: 'pkcs8' | 'spki'; format: 'der' }): Buffer }, type: 'pkcs8' | 'spki') =>
  key.export({ type, format: 'der' }).toString('base64');

let keys: MockGatewayKeys;
let other: MockGatewayKeys;
let weak: { privateKey: string; publicKey: string };
let ecPrivateKey: string;

beforeAll(async () => {
  keys = await generateRegisteredKeys('configured account');
  other = await generateRegisteredKeys('another account');
  const weakPair = generateKeyPairSync('rsa', { modulusLength: 1024 });
  weak = { privateKey: der(weakPair.privateKey, 'pkcs8'), publicKey: der(weakPair.publicKey, 'spki') };
  registerPrivateKey(weak.privateKey, '1024-bit private key');
  ecPrivateKey = der(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'pkcs8');
});

/** A PKCS#8 PEM whose Base64 body was damaged in transit (a line cut out). */
function truncatedPem(base64Der: string): string {
  const lines = base64Der.match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PRIVATE KEY-----', ...lines.slice(0, 3), ...lines.slice(5), '-----END PRIVATE KEY-----'].join(
    '\n',
  );
}

interface BadOption {
  name: string;
  /** Deliberately untyped: most wrong values are outside what the option types allow. */
  change: () => Record<string, unknown>;
  /** Keys to remove from the valid options. */
  remove?: Array<keyof CodePayOptions>;
  option: string;
  /** What the message must say to be actionable: the fix. */
  fix: RegExp;
}

const badOptions: BadOption[] = [
  {
    name: 'an http: URL to a public host',
    change: () => ({ baseUrl: 'http://gateway.example.com' }),
    option: 'baseUrl',
    fix: /HTTPS/,
  },
  {
    name: 'neither baseUrl nor environment',
    change: () => ({}),
    remove: ['baseUrl'],
    option: 'baseUrl',
    fix: /pass the gateway URL/,
  },
  {
    name: 'a baseUrl with credentials in it',
    change: () => ({ baseUrl: 'https://user:secret@gateway.example.com' }),
    option: 'baseUrl',
    fix: /remove them/,
  },
  {
    name: 'an unknown environment',
    change: () => ({ environment: 'production' }),
    remove: ['baseUrl'],
    option: 'environment',
    fix: /baseUrl/,
  },
  {
    name: 'both baseUrl and environment',
    change: () => ({ environment: 'local' }),
    option: 'environment',
    fix: /either baseUrl or environment/,
  },
  { name: 'no appId', change: () => ({}), remove: ['appId'], option: 'appId', fix: /dashboard/ },
  {
    name: 'a 1024-bit merchant private key',
    change: () => ({ merchantPrivateKey: weak.privateKey }),
    option: 'merchantPrivateKey',
    fix: /at least 2048 bits/,
  },
  {
    name: 'a 1024-bit platform public key',
    change: () => ({ platformPublicKey: weak.publicKey }),
    option: 'platformPublicKey',
    fix: /at least 2048 bits/,
  },
  {
    name: 'a public key as the private key',
    change: () => ({ merchantPrivateKey: keys.merchantPublicKey }),
    option: 'merchantPrivateKey',
    fix: /swapped/,
  },
  {
    name: 'a private key as the platform public key',
    change: () => ({ platformPublicKey: keys.platformPrivateKey }),
    option: 'platformPublicKey',
    fix: /public key from the same key pair/,
  },
  {
    name: 'an EC key as the private key',
    change: () => ({ merchantPrivateKey: ecPrivateKey }),
    option: 'merchantPrivateKey',
    fix: /plain RSA key/,
  },
  {
    name: 'a malformed (truncated) PEM',
    change: () => ({ merchantPrivateKey: truncatedPem(keys.merchantPrivateKey) }),
    option: 'merchantPrivateKey',
    fix: /expected the RSA private key/,
  },
  {
    name: 'a file path instead of the key',
    change: () => ({ merchantPrivateKey: './keys/merchant.pem' }),
    option: 'merchantPrivateKey',
    fix: /file's contents/,
  },
  {
    name: 'keys that do not pair (merchantPublicKey)',
    change: () => ({ merchantPublicKey: other.merchantPublicKey }),
    option: 'merchantPublicKey',
    fix: /same key pair/,
  },
  {
    name: 'a 15-byte AES key',
    change: () => ({ aesKey: randomBytes(15).toString('base64') }),
    option: 'aesKey',
    fix: /16-byte AES-128 key/,
  },
  {
    name: 'an AES key written in hex',
    change: () => ({ aesKey: randomBytes(16).toString('hex') }),
    option: 'aesKey',
    fix: /Convert it/,
  },
  { name: 'a bad ca', change: () => ({ ca: 'not a certificate' }), option: 'ca', fix: /PEM certificate text/ },
  {
    name: 'an unsupported language',
    change: () => ({ language: 'de-DE' }),
    option: 'language',
    fix: /en-US, zh-CN, ja-JP, fr-FR/,
  },
  {
    name: 'a negative timeout',
    change: () => ({ timeout: -1 }),
    option: 'timeout',
    fix: /positive number of milliseconds/,
  },
  {
    name: 'maxRetries out of range',
    change: () => ({ maxRetries: 11 }),
    option: 'maxRetries',
    fix: /integer from 0 to 10/,
  },
];

/** Wrong options the SDK accepts today (bugs reported with the suite); the same rule applies to them. */
const badOptionsAccepted: BadOption[] = [
  {
    name: 'an unknown logLevel (it silences every line, errors included)',
    change: () => ({ logLevel: 'verbose' }),
    option: 'logLevel',
    fix: /debug, info, warn, error, silent/,
  },
  {
    name: 'a logger without the four methods',
    change: () => ({ logger: {} }),
    option: 'logger',
    fix: /debug.*info.*warn.*error/,
  },
  {
    name: 'a tokenProvider that is neither a function nor an object with getToken',
    change: () => ({ tokenProvider: 'my-token' }),
    option: 'tokenProvider',
    fix: /function/,
  },
];

/** A run of a key's text long enough to identify it (PEM armour and line breaks removed). */
const keyRun = (text: string) => text.replace(/-----[A-Z ]+-----|\s/g, '').slice(-40);

function expectRefusedAtCreation({ change, remove = [], option, fix }: BadOption): void {
  const changed = change();
  const options: Record<string, unknown> = { ...validOptions(keys), ...changed };
  for (const key of remove) delete options[key];

  let thrown: unknown;
  try {
    createHostileClient(options as unknown as CodePayOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigurationError);
  const error = thrown as ConfigurationError;
  exposeForLeakCheck(`ConfigurationError for ${option}`, error);
  expect(error.option).toBe(option);
  expect(error.message.startsWith(`${option}: `)).toBe(true);
  expect(error.message).toMatch(fix);
  // No key material: neither a registered secret nor the key text that was refused (public or private).
  const shown = `${error.message}\n${inspect(error, { depth: 8 })}`;
  expect(leaksIn(shown)).toEqual([]);
  for (const [name, value] of Object.entries(changed)) {
    if (/Key$/.test(name) && typeof value === 'string') expect(shown).not.toContain(keyRun(value));
  }
}

describe('a wrong option fails at createCodePay with a ConfigurationError naming the option and the fix', () => {
  it.each(badOptions)('$name → $option', expectRefusedAtCreation);
  it.each(badOptionsAccepted)('$name → $option', expectRefusedAtCreation);

  it('the valid options themselves are accepted (the control)', () => {
    expect(() => createHostileClient(validOptions(keys))).not.toThrow();
  });
});

describe('per-call options are checked before anything is sent', () => {
  let server: LoopbackServer;
  let codepay: CodePay;

  beforeAll(async () => {
    server = await startLoopbackServer((_request, response) => response.writeHead(500).end());
    codepay = createHostileClient({ ...validOptions(keys), baseUrl: server.url, tokenProvider: async () => 'x' });
  });
  afterAll(() => server.close());

  interface PerCallCase {
    name: string;
    options: RequestOptions;
    option: string;
  }

  async function expectRefusedBeforeSending({ options, option }: PerCallCase): Promise<void> {
    const connectionsBefore = server.connections;
    const error = await expectTypedFailure(codepay.balance.get({ currency: 'USD' }, options), ConfigurationError);
    expect(error.option).toBe(option);
    expect(server.connections - connectionsBefore).toBe(0);
  }

  it.each<PerCallCase>([
    { name: 'timeout: 0', options: { timeout: 0 }, option: 'timeout' },
    {
      name: 'a header the envelope sets itself (authorization)',
      options: { headers: { authorization: 'Bearer mine' } },
      option: 'headers',
    },
  ])('$name → ConfigurationError naming $option, no connection made', expectRefusedBeforeSending);

  it.each<PerCallCase>([
    { name: 'deadline: -1', options: { deadline: -1 }, option: 'deadline' },
    { name: 'deadline: NaN', options: { deadline: Number.NaN }, option: 'deadline' },
    {
      name: 'a header value with CR LF in it',
      options: { headers: { 'x-trace': 'a\r\nx-injected: 1' } },
      option: 'headers',
    },
    { name: 'a header name that is not a token', options: { headers: { 'x trace': '1' } }, option: 'headers' },
    // Once created the request before failing on it, leaving a socket whose "socket hang up" was never handled.
    { name: 'a signal that is not an AbortSignal', options: { signal: {} as AbortSignal }, option: 'signal' },
    {
      name: 'a signal merely shaped like one',
      options: {
        signal: { aborted: false, addEventListener() {}, removeEventListener() {} } as unknown as AbortSignal,
      },
      option: 'signal',
    },
  ])('$name → ConfigurationError naming $option, no connection made', expectRefusedBeforeSending);
});

describe('durations longer than a timer can hold (2^31 − 1 ms, about 24.8 days)', () => {
  let gateway: HostileGateway;

  beforeAll(async () => {
    gateway = await startHostileGateway();
  });
  afterAll(() => gateway.close());

  it.each<Partial<CodePayOptions>>([{ timeout: 2 ** 31 }, { deadline: 2 ** 32 }])(
    '%o is refused at createCodePay or honoured, never a time-out at once',
    async (durations) => {
      let codepay: CodePay;
      try {
        codepay = gateway.client(durations);
      } catch (error) {
        // Refusing it is one correct answer…
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).option).toBe(Object.keys(durations)[0]);
        return;
      }
      // …honouring it (a timer clamped to what setTimeout holds) is the other: the call then needs no retry either
      // (an overflowing timer fires after 1 ms, and a retry can hide that).
      const since = capturedLog.length;
      const outcome = await settle(codepay.balance.get({ currency: 'USD' }));
      expect(outcome.ok ? 'data' : `${(outcome.error as Error).name}: ${(outcome.error as Error).message}`).toBe(
        'data',
      );
      expect(capturedLog.slice(since).filter((line) => line.message === 'retrying')).toEqual([]);
    },
  );
});
