// The mock gateway behind the observing proxy, and clients configured the way every client of this suite is: the
// capturing logger at `debug`, tracked for the leak check.
import {
  generateGatewayKeys,
  startMockGateway,
  type MockGateway,
  type MockGatewayKeys,
  type MockGatewayOptions,
} from '@codepay/mock';
import { createCodePay, type CodePay, type CodePayOptions } from '@codepay/sdk';
import { startGatewayProxy, type GatewayProxy } from './gateway-proxy.js';
import { registerAesKey, registerPrivateKey, trackForLeakCheck, verboseLogging } from './leak-guard.js';

/** Registers every secret half of a key set, so the leak check looks for them. */
function registerKeySet(keys: MockGatewayKeys, origin: string): MockGatewayKeys {
  registerPrivateKey(keys.merchantPrivateKey, `${origin} merchant private key`);
  registerPrivateKey(keys.platformPrivateKey, `${origin} platform private key`);
  registerAesKey(keys.aesKey, `${origin} AES key`);
  return keys;
}

/** A fresh merchant account's keys (two RSA-2048 pairs, an AES key), registered as secrets. */
export async function generateRegisteredKeys(origin: string): Promise<MockGatewayKeys> {
  return registerKeySet(await generateGatewayKeys(), origin);
}

/** Every client of the suite is made here: most verbose logging into the capturing logger, inspected at the end. */
/** Options that createCodePay accepts for `keys`' account at an https gateway (the control for configuration cases). */
export function validOptions(keys: MockGatewayKeys): CodePayOptions {
  return {
    baseUrl: 'https://gateway.example.com',
    appId: keys.appId,
    merchantPrivateKey: keys.merchantPrivateKey,
    platformPublicKey: keys.platformPublicKey,
    aesKey: keys.aesKey,
  };
}

export function createHostileClient(options: CodePayOptions): CodePay {
  // Verbose logging unless the test sets logging itself (the configuration tests pass bad logger options).
  const codepay = createCodePay({ ...verboseLogging, ...options });
  trackForLeakCheck('client', codepay);
  return codepay;
}

export interface HostileGateway {
  readonly mock: MockGateway;
  readonly proxy: GatewayProxy;
  /** A client of the mock's merchant account that talks to the mock through the proxy. */
  client(overrides?: Partial<CodePayOptions>): CodePay;
  /** Token requests the mock has recorded. */
  tokenRequests(): number;
  close(): Promise<void>;
}

export async function startHostileGateway(
  options: MockGatewayOptions & { extraAesKeys?: readonly string[] } = {},
): Promise<HostileGateway> {
  const { extraAesKeys = [], ...mockOptions } = options;
  const keys = registerKeySet(options.keys ?? (await generateGatewayKeys()), 'mock');
  const mock = await startMockGateway({ ...mockOptions, keys });
  const proxy = await startGatewayProxy({ target: mock.url, aesKeys: [keys.aesKey, ...extraAesKeys] });
  return {
    mock,
    proxy,
    client: (overrides = {}) => createHostileClient({ baseUrl: proxy.url, ...mock.clientKeys, ...overrides }),
    tokenRequests: () => mock.requests.filter((entry) => entry.endpoint === 'token').length,
    async close() {
      await proxy.close();
      await mock.close();
    },
  };
}
