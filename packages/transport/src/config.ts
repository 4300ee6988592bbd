// Checks every client option once, at construction, and turns it into what the pipeline uses. A mistake here is
// a ConfigurationError naming the option and the fix: better at start-up than on the first payment.
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import {
  assertKeyPair,
  loadAesKey,
  loadPrivateKey,
  loadPublicKey,
  type AesKeyInput,
  type RsaKeyInput,
} from './crypto/keys.js';
import { platformKeyRing, type PlatformKeys } from './crypto/platform-keys.js';
import type { Signer } from './crypto/signer.js';
import { describeChoice, describeReceived } from './describe-value.js';
import { ConfigurationError } from './errors.js';
import { resolveProxy, type ProxySettings } from './http/proxy-settings.js';
import { consoleLogger, filterLogger, type Logger, type LogLevel } from './logger.js';
import { checkOptionNames } from './option-names.js';
import type { TokenProvider } from './token/token-provider.js';
import type { TracerProviderLike } from './tracing.js';

export type Language = 'en-US' | 'zh-CN' | 'ja-JP' | 'fr-FR';
export const LANGUAGES: readonly Language[] = ['en-US', 'zh-CN', 'ja-JP', 'fr-FR'];

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** Gateway base URL, e.g. `https://gateway.example.com`. `http:` only for loopback hosts (a local mock). */
  baseUrl: string;
  /** The application id from the CodePay dashboard. */
  appId: string;
  /**
   * The merchant's RSA private key: Base64 DER (as the dashboard gives it), PEM, DER bytes or a KeyObject. Either
   * this or `signer`.
   */
  merchantPrivateKey?: RsaKeyInput;
  /**
   * Instead of `merchantPrivateKey`: a function that signs with the merchant private key held elsewhere (a KMS or
   * HSM). It receives the exact UTF-8 bytes to sign and resolves to the raw SHA256withRSA (PKCS#1 v1.5) signature
   * (256 bytes for RSA-2048). Used for every request and for the token request.
   */
  signer?: Signer;
  /**
   * Optional: the merchant's public key; when given, it is checked to pair with the private key (or, with `signer`,
   * every signature the signer returns is checked against it before it is sent).
   */
  merchantPublicKey?: RsaKeyInput;
  /**
   * The platform's RSA public key, used to verify every response and notification. During a platform key rotation,
   * an array of keys: a signature is accepted when any of them verifies it.
   */
  platformPublicKey: RsaKeyInput | readonly RsaKeyInput[];
  /** The AES key registered with CodePay: Base64 text or bytes (16 bytes for AES-128). */
  aesKey: AesKeyInput;
  /** Language of gateway messages (`Accept-Language`). Default `en-US`. */
  language?: Language;
  /** Milliseconds one HTTP attempt may take (token request included). Default 30 000. */
  timeout?: number;
  /** Milliseconds a whole call may take, across retries and the token request. Default 120 000. */
  deadline?: number;
  /** Retries after the first attempt, for failures that are safe to retry. Default 2. */
  maxRetries?: number;
  /**
   * A `fetch` to send requests with instead of the built-in node:http client. The SDK still enforces `timeout`,
   * `deadline` and the abort signal around it, and refuses redirects.
   */
  fetch?: FetchFunction;
  /**
   * Extra trusted CA certificates (PEM) for a private CA, added to the ones Node trusts by default. Certificate
   * checks are never disabled (not even by NODE_TLS_REJECT_UNAUTHORIZED=0).
   */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /**
   * An HTTP(S) proxy for the built-in client, e.g. `http://user:password@proxy.internal:3128`: requests go through
   * an HTTP CONNECT tunnel, with TLS to the gateway end to end (`ca` still applies). Default: `HTTPS_PROXY` /
   * `https_proxy` from the environment for an https: gateway, unless `NO_PROXY` / `no_proxy` exempts its host.
   * `false`: no proxy, whatever the environment says.
   */
  proxy?: string | URL | false;
  /** The most connections the built-in client opens to the gateway at once; more calls wait for one. Default 64. */
  maxSockets?: number;
  /** Milliseconds an unused pooled connection is kept open. Default 4 000. */
  idleSocketTimeout?: number;
  /**
   * The OpenTelemetry TracerProvider to trace calls with. Default: the global one of `@opentelemetry/api` (an
   * optional peer dependency), when one is registered. `false`: never trace.
   */
  tracerProvider?: TracerProviderLike | false;
  /** Where log lines go. Default: the console, at level `warn`. */
  logger?: Logger;
  /** The most verbose level passed to `logger`. Default `warn`. */
  logLevel?: LogLevel;
  /** Replaces the built-in `/api/v2/token` flow. */
  tokenProvider?: TokenProvider;
  /** Prepended to the User-Agent, e.g. `@codepay/sdk/1.2.3`. */
  userAgentPrefix?: string;
}

/** Every option of {@link TransportOptions}; anything else is refused (see checkOptionNames). */
export const TRANSPORT_OPTION_NAMES: readonly (keyof TransportOptions)[] = [
  'baseUrl',
  'appId',
  'merchantPrivateKey',
  'signer',
  'merchantPublicKey',
  'platformPublicKey',
  'aesKey',
  'language',
  'timeout',
  'deadline',
  'maxRetries',
  'fetch',
  'ca',
  'proxy',
  'maxSockets',
  'idleSocketTimeout',
  'logger',
  'logLevel',
  'tokenProvider',
  'tracerProvider',
  'userAgentPrefix',
];

export interface TransportConfig {
  baseUrl: string;
  payUrl: string;
  tokenUrl: string;
  appId: string;
  /** The local private key; undefined when a `signer` signs instead. */
  merchantPrivateKey: KeyObject | undefined;
  signer: Signer | undefined;
  /** With `signer`: the merchant public key its signatures are checked against, when given. */
  merchantPublicKey: KeyObject | undefined;
  /** One key (a KeyObject), or a ring of keys during a rotation. */
  platformPublicKey: PlatformKeys;
  aesKey: KeyObject;
  language: Language;
  timeoutMs: number;
  deadlineMs: number;
  maxRetries: number;
  fetch: FetchFunction | undefined;
  ca: ReadonlyArray<string | Buffer> | undefined;
  proxy: ProxySettings | undefined;
  maxSockets: number;
  idleSocketTimeoutMs: number;
  tracerProvider: TracerProviderLike | false | undefined;
  logger: Logger;
  logLevel: LogLevel;
  tokenProvider: TokenProvider | undefined;
  userAgentPrefix: string | undefined;
}

const fail = (option: string, message: string): never => {
  throw new ConfigurationError(message, { option });
};

/** Loopback hosts may use plain `http:` (the local mock); everything else must be HTTPS. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export function checkBaseUrl(value: unknown, option = 'baseUrl'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    return fail(option, 'is missing; pass the gateway URL CodePay gave you, e.g. "https://gateway.example.com".');
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(option, `"${value}" is not an absolute URL; pass e.g. "https://gateway.example.com".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(option, `uses ${url.protocol}; the gateway is reached over https:.`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    fail(
      option,
      `uses http: for ${url.hostname}; the API requires HTTPS (plain http: is allowed only for a loopback mock such as http://127.0.0.1).`,
    );
  }
  if (url.username || url.password)
    fail(option, 'contains credentials; remove them (authentication uses the token flow).');
  if (url.search || url.hash)
    fail(option, 'has a query or fragment; pass only the origin and an optional path prefix.');
  // The client adds /api/v2/pay and /api/v2/token itself: a base URL that already has them would send every call to
  // /api/v2/api/v2/pay, and the first failure would look like a key or clock problem.
  const path = url.pathname.replace(/\/+$/, '');
  const endpoint = /\/api\/v2(?:\/(?:pay|token))?$/i.exec(path);
  if (endpoint) {
    fail(
      option,
      `ends in ${endpoint[0]}, which the client adds itself; pass ${url.origin}${path.slice(0, endpoint.index)} instead.`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

/** Node's timers hold at most 2^31 − 1 ms (about 24.8 days); a longer one would fire after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

export function checkDuration(value: unknown, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    return fail(
      option,
      `must be a positive number of milliseconds up to ${MAX_TIMER_MS}; received ${describeReceived(value)}.`,
    );
  }
  return value;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

function checkLogger(logger: unknown, level: unknown): void {
  if (level !== undefined && !LOG_LEVELS.includes(level as LogLevel)) {
    fail('logLevel', `must be one of ${LOG_LEVELS.join(', ')}; received ${describeChoice(level, LOG_LEVELS)}.`);
  }
  if (logger === undefined) return;
  const methods = ['debug', 'info', 'warn', 'error'] as const;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    methods.some((m) => typeof (logger as Record<string, unknown>)[m] !== 'function')
  ) {
    fail('logger', 'must be an object with debug, info, warn and error methods (console works).');
  }
}

function checkRetries(value: unknown): number {
  if (value === undefined) return 2;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
    return fail('maxRetries', `must be an integer from 0 to 10; received ${describeReceived(value)}.`);
  }
  return value;
}

function checkMaxSockets(value: unknown): number {
  if (value === undefined) return 64;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535) {
    return fail('maxSockets', `must be an integer from 1 to 65535; received ${describeReceived(value)}.`);
  }
  return value;
}

/** NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate checks off for Node's own defaults; not for this client. */
let warnedAboutTlsEnvironment = false;

function warnAboutTlsEnvironment(logger: Logger, fetchOption: boolean): void {
  if (warnedAboutTlsEnvironment || process.env.NODE_TLS_REJECT_UNAUTHORIZED !== '0') return;
  warnedAboutTlsEnvironment = true;
  logger.warn(
    fetchOption
      ? 'NODE_TLS_REJECT_UNAUTHORIZED=0 is set: the fetch passed as an option decides for itself whether it checks certificates; the built-in client never skips the check'
      : 'NODE_TLS_REJECT_UNAUTHORIZED=0 is set and ignored: certificate checks of the gateway stay on (pass your private CA with the ca option)',
  );
}

function checkCa(value: unknown): ReadonlyArray<string | Buffer> | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  for (const item of list) {
    const text = Buffer.isBuffer(item) ? item.toString('latin1') : item;
    if (typeof text !== 'string' || !text.includes('-----BEGIN CERTIFICATE-----')) {
      fail('ca', 'must be PEM certificate text (-----BEGIN CERTIFICATE-----), a Buffer of it, or an array of those.');
    }
  }
  return list as ReadonlyArray<string | Buffer>;
}

/** Exactly one of `merchantPrivateKey` and `signer`; `merchantPublicKey`, when given, checked against the private key. */
function loadMerchantSigning(options: TransportOptions): {
  merchantPrivateKey: KeyObject | undefined;
  signer: Signer | undefined;
  merchantPublicKey: KeyObject | undefined;
} {
  const hasKey = options.merchantPrivateKey !== undefined;
  const hasSigner = options.signer !== undefined;
  if (hasKey && hasSigner) {
    fail(
      'signer',
      'and merchantPrivateKey were both given; pass exactly one: merchantPrivateKey to sign locally, or signer to sign with a key held elsewhere (KMS/HSM).',
    );
  }
  if (!hasKey && !hasSigner) {
    fail(
      'merchantPrivateKey',
      'is missing; pass exactly one of merchantPrivateKey (the merchant RSA private key) or signer (a function that signs with it, e.g. in a KMS/HSM).',
    );
  }
  if (hasSigner) {
    if (typeof options.signer !== 'function') {
      fail(
        'signer',
        `must be a function (plaintext: Uint8Array) => Promise<Uint8Array> returning the SHA256withRSA signature; received ${describeReceived(options.signer)}.`,
      );
    }
    const merchantPublicKey =
      options.merchantPublicKey === undefined
        ? undefined
        : loadPublicKey(options.merchantPublicKey, 'merchantPublicKey');
    return { merchantPrivateKey: undefined, signer: options.signer, merchantPublicKey };
  }
  const merchantPrivateKey = loadPrivateKey(options.merchantPrivateKey!, 'merchantPrivateKey');
  if (options.merchantPublicKey !== undefined) {
    assertKeyPair(
      merchantPrivateKey,
      loadPublicKey(options.merchantPublicKey, 'merchantPublicKey'),
      'merchantPublicKey',
    );
  }
  return { merchantPrivateKey, signer: undefined, merchantPublicKey: undefined };
}

/** One platform key, or an array of them (a rotation); each in any form loadPublicKey accepts. */
function loadPlatformKeys(input: TransportOptions['platformPublicKey'], logger: Logger): PlatformKeys {
  if (!Array.isArray(input)) return loadPublicKey(input as RsaKeyInput, 'platformPublicKey');
  if (input.length === 0) {
    fail(
      'platformPublicKey',
      'is an empty array; pass the platform public key, or during a rotation an array of the keys to accept (e.g. [oldKey, newKey]).',
    );
  }
  const keys = input.map((key: RsaKeyInput, index: number) => {
    try {
      return loadPublicKey(key, `platformPublicKey[${index}]`);
    } catch (error) {
      // The error names the option (what a caller branches on); the message names the entry.
      if (!(error instanceof ConfigurationError)) throw error;
      throw new ConfigurationError(`entry ${index}: ${error.message.slice(`platformPublicKey[${index}]: `.length)}`, {
        option: 'platformPublicKey',
        cause: error.cause,
      });
    }
  });
  return platformKeyRing(keys, logger);
}

export function resolveTransportConfig(options: TransportOptions): TransportConfig {
  if (typeof options !== 'object' || options === null)
    fail('options', 'must be an object with baseUrl, appId and the keys.');
  const baseUrl = checkBaseUrl(options.baseUrl);
  if (typeof options.appId !== 'string' || options.appId.trim() === '') {
    fail('appId', 'is missing; pass the application id from the CodePay dashboard.');
  }
  if (options.language !== undefined && !LANGUAGES.includes(options.language)) {
    fail(
      'language',
      `must be one of ${LANGUAGES.join(', ')}; received ${describeChoice(options.language, LANGUAGES)}.`,
    );
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    fail('fetch', 'must be a fetch-compatible function.');
  checkOptionNames(options, TRANSPORT_OPTION_NAMES, 'the client');
  if (options.fetch !== undefined && options.ca !== undefined) {
    fail(
      'ca',
      'cannot be combined with a custom fetch; configure the CA in that fetch instead (or drop fetch: the built-in client takes ca).',
    );
  }
  if (options.fetch !== undefined && options.proxy !== undefined && options.proxy !== false) {
    fail(
      'proxy',
      'cannot be combined with a custom fetch; configure the proxy in that fetch instead (or drop fetch: the built-in client takes proxy).',
    );
  }
  if (
    options.tracerProvider !== undefined &&
    options.tracerProvider !== false &&
    typeof (options.tracerProvider as { getTracer?: unknown } | null)?.getTracer !== 'function'
  ) {
    fail(
      'tracerProvider',
      'must be an OpenTelemetry TracerProvider (an object with getTracer()), or false to turn tracing off.',
    );
  }
  const { merchantPrivateKey, signer, merchantPublicKey } = loadMerchantSigning(options);
  const aesKey = loadAesKey(options.aesKey, 'aesKey');
  checkLogger(options.logger, options.logLevel);
  const logLevel = options.logLevel ?? 'warn';
  const logger = options.logger ? filterLogger(options.logger, logLevel) : consoleLogger(logLevel);
  const platformPublicKey = loadPlatformKeys(options.platformPublicKey, logger);
  // With a fetch, the fetch owns the connection: neither the proxy environment variables nor ca apply.
  const proxy = options.fetch === undefined ? resolveProxy(options.proxy, new URL(baseUrl)) : undefined;
  warnAboutTlsEnvironment(logger, options.fetch !== undefined);
  return {
    baseUrl,
    payUrl: `${baseUrl}/api/v2/pay`,
    tokenUrl: `${baseUrl}/api/v2/token`,
    appId: options.appId,
    merchantPrivateKey,
    signer,
    merchantPublicKey,
    platformPublicKey,
    aesKey,
    language: options.language ?? 'en-US',
    timeoutMs: checkDuration(options.timeout, 'timeout', 30_000),
    deadlineMs: checkDuration(options.deadline, 'deadline', 120_000),
    maxRetries: checkRetries(options.maxRetries),
    fetch: options.fetch,
    ca: checkCa(options.ca),
    proxy,
    maxSockets: checkMaxSockets(options.maxSockets),
    idleSocketTimeoutMs: checkDuration(options.idleSocketTimeout, 'idleSocketTimeout', 4_000),
    tracerProvider: options.tracerProvider,
    logger,
    logLevel,
    tokenProvider: options.tokenProvider,
    userAgentPrefix: options.userAgentPrefix,
  };
}
