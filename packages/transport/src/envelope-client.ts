// The envelope client: one object per configuration that runs the policy pipeline for every call. The pipeline is
// composed once per client, in phases (src/pipeline/policy.ts), outermost first:
//
//   call      outcome
//   request   validateParams → rejectSupplementaryPlane → checkMoney → serialize
//   answer    decryptAndVerify → parsePayload → mapBusinessStatus → bindAnswer   (as the answer comes back)
//   retry     retry
//   attempt   bearerToken → encryptAndSign → send
//
// The params are checked and serialized once; an answer is verified and decrypted, parsed, mapped to data or a
// BusinessError, and checked to belong to this request. Signing sits inside retry, so every attempt is freshly
// encrypted and signed. The outcome policy, outermost, makes every error say whether the gateway may have acted on
// the call. What differs from call to call (timeout, deadline, signal, headers) travels on the request.
import { services, type ServiceName, type ServiceParams, type ServiceResult } from '@codepay/models';
import { checkDuration, resolveTransportConfig, type TransportConfig, type TransportOptions } from './config.js';
import { describeReceived, kindOf } from './describe-value.js';
import { ConfigurationError, ConnectionError, ValidationError, type ValidationIssue } from './errors.js';
import { openSignedEnvelope } from './envelope/open-envelope.js';
import { createFetchHttpClient } from './http/fetch-http-client.js';
import type { HttpClient } from './http/http-client.js';
import { createNodeHttpClient } from './http/node-http-client.js';
import { bearerTokenPolicy } from './pipeline/bearer-token.js';
import { bindAnswerPolicy } from './pipeline/bind-answer.js';
import { checkMoneyPolicy } from './pipeline/check-money.js';
import { decryptAndVerifyPolicy } from './pipeline/decrypt-and-verify.js';
import { encryptAndSignPolicy } from './pipeline/encrypt-and-sign.js';
import { mapBusinessStatusPolicy } from './pipeline/map-business-status.js';
import { outcomePolicy } from './pipeline/outcome.js';
import { parsePayloadPolicy } from './pipeline/parse-payload.js';
import {
  composePhases,
  type EnvelopeRequest,
  type EnvelopeResponse,
  type PipelinePhases,
  type SendNext,
} from './pipeline/policy.js';
import { rejectSupplementaryPlanePolicy } from './pipeline/reject-supplementary-plane.js';
import { retryPolicy } from './pipeline/retry.js';
import { createSend } from './pipeline/send.js';
import { serializePolicy } from './pipeline/serialize.js';
import { validateParamsPolicy } from './pipeline/validate-params.js';
import { checkOptionNames } from './option-names.js';
import { createTracerSource, traced, type TracedCallContext } from './tracing.js';
import { TokenManager } from './token/token-manager.js';
import type { TokenSource } from './token/token-provider.js';
import { userTokenSource } from './token/user-token-source.js';
import type { Logger } from './logger.js';
import { userAgent } from './user-agent.js';

export interface CallOptions {
  /** Aborts the call; it then fails with an AbortError. */
  signal?: AbortSignal;
  /** Overrides the client's `timeout` (ms per attempt) for this call. */
  timeout?: number;
  /** Overrides the client's `deadline` (ms for the whole call) for this call. */
  deadline?: number;
  /** Extra request headers (e.g. the mock gateway's `x-mock-scenario`); cannot replace the envelope's own. */
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  data: T;
  /** The gateway's id for this request, when the answer carried one (documented in one doc set only): quote it to CodePay support. */
  psn: string | undefined;
  /** Where the verified `data` departs from the spec's result schema; absent when it does not. */
  drift?: ValidationIssue[];
}

/** Everything that would be sent for a call, without sending it: for comparing signatures with the vendor. */
export interface PreparedEnvelope {
  service: ServiceName;
  url: string;
  /** Request headers except `Authorization`, which carries the bearer token at send time. */
  headers: Record<string, string>;
  /** The exact JSON text that is signed and encrypted. */
  plaintext: string;
  bizContent: string;
  sign: string;
  /** The exact wire body. */
  body: string;
}

export interface VerifiedNotification {
  plaintext: string;
}

export interface EnvelopeClient {
  /** The logger the client writes to (the `logger` option filtered to `logLevel`). Keys and settings stay inside. */
  readonly logger: Logger;
  /** The merchant's appId (not a secret: it is sent in every request's envelope). */
  readonly appId: string;
  call<S extends ServiceName>(
    service: S,
    params: ServiceParams<S>,
    options?: CallOptions,
  ): Promise<CallResult<ServiceResult<S>>>;
  prepare<S extends ServiceName>(service: S, params: ServiceParams<S>): Promise<PreparedEnvelope>;
  /** Decrypts a notification's `bizContent` and verifies its `sign`; returns the verified plaintext. */
  openNotification(bizContent: string, sign: string): Promise<string>;
  /**
   * A client with some options changed, sharing this one's connection pool (and tokens, when the credentials are
   * the same). Changing `ca`, `proxy`, `fetch`, `maxSockets` or `idleSocketTimeout` gives it a pool of its own (and
   * a token flow of its own, which goes through that pool).
   */
  withOptions(overrides: Partial<TransportOptions>): EnvelopeClient;
  /**
   * Stops taking calls, waits for the calls in flight to settle, then closes every connection of the pool (shared
   * with the withOptions copies that share it). Later calls fail at once with a ConnectionError, nothing sent.
   */
  close(): Promise<void>;
  /** Whether close() was called on this client's pool. */
  readonly closed: boolean;
  /** Token requests made by the built-in token manager (diagnostics and tests). */
  readonly tokenRequests: number;
}

const RESERVED_HEADERS = new Set(['authorization', 'content-type', 'accept', 'accept-language', 'user-agent', 'host']);
// The HTTP client frames the request and manages the connection: a caller's value would contradict it (a
// Transfer-Encoding beside the Content-Length is a request-smuggling shape) or change what the answer looks like.
const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'proxy-authorization',
  'proxy-connection',
  'accept-encoding',
  'content-encoding',
]);

/** The options a call takes (CallOptions); anything else is refused. */
const CALL_OPTION_NAMES: readonly (keyof CallOptions)[] = ['signal', 'timeout', 'deadline', 'headers'];

/** The pool's life: calls in flight, and whether close() was called. Shared by the clients that share the pool. */
interface Lifecycle {
  closed: boolean;
  active: number;
  drained: Promise<void> | undefined;
  onDrained: (() => void) | undefined;
}

interface Shared {
  http: HttpClient;
  tokens: TokenSource & { requests?: number };
  lifecycle: Lifecycle;
}

const newLifecycle = (): Lifecycle => ({ closed: false, active: 0, drained: undefined, onDrained: undefined });

// RFC 9110 token characters for a name; visible characters, spaces and tabs for a value (no CR, LF or NUL).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function checkExtraHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) {
      throw new ConfigurationError(
        `has a header name ${JSON.stringify(name)} that HTTP does not allow; nothing was sent.`,
        { option: 'headers' },
      );
    }
    if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
      throw new ConfigurationError(
        `has a value for "${name}" that is not header text (line breaks and control characters are not allowed); nothing was sent.`,
        {
          option: 'headers',
        },
      );
    }
    if (RESERVED_HEADERS.has(lower)) {
      throw new ConfigurationError(`cannot set "${name}": the envelope sets it itself; nothing was sent.`, {
        option: 'headers',
      });
    }
    if (FRAMING_HEADERS.has(lower)) {
      throw new ConfigurationError(
        `cannot set "${name}": the HTTP client frames the request and manages the connection itself; nothing was sent.`,
        {
          option: 'headers',
        },
      );
    }
    extra[lower] = value;
  }
  return extra;
}

/** The caller's `signal`: Node's AbortSignal (both HTTP clients rely on it: fetch combines it with AbortSignal.any), or none. */
function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new ConfigurationError(
      `must be an AbortSignal (new AbortController().signal or AbortSignal.timeout(ms)); received ${kindOf(signal)}; nothing was sent.`,
      {
        option: 'signal',
      },
    );
  }
  return signal;
}

function createHttp(config: TransportConfig): HttpClient {
  return config.fetch
    ? createFetchHttpClient(config.fetch)
    : createNodeHttpClient({
        ca: config.ca,
        proxy: config.proxy,
        maxSockets: config.maxSockets,
        idleSocketTimeoutMs: config.idleSocketTimeoutMs,
      });
}

/** What prepare()'s pipeline ends in instead of the send. */
const NOT_SENT: EnvelopeResponse = Object.freeze({ http: { status: 0, headers: new Headers(), bodyText: '' } });

const LOG_RANK = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

function clientClosed(service: string): ConnectionError {
  return new ConnectionError(
    `The ${service} call was not sent: the client was closed (close()). Create a new client to make calls.`,
    {
      service,
      outcomeUnknown: false,
    },
  );
}

function baseHeaders(config: TransportConfig): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    'accept-language': config.language,
    'user-agent': userAgent(config.userAgentPrefix),
  };
}

function buildClient(options: TransportOptions, config: TransportConfig, shared: Shared): EnvelopeClient {
  const headers = baseHeaders(config);
  const keys = {
    merchantPrivateKey: config.merchantPrivateKey,
    signer: config.signer,
    merchantPublicKey: config.merchantPublicKey,
    aesKey: config.aesKey,
    platformPublicKey: config.platformPublicKey,
  };
  const encryptAndSign = encryptAndSignPolicy(keys);
  const debug = LOG_RANK[config.logLevel] <= LOG_RANK.debug;
  const info = LOG_RANK[config.logLevel] <= LOG_RANK.info;
  const phases: PipelinePhases = {
    call: [outcomePolicy({ logger: config.logger, debug, info })],
    request: [validateParamsPolicy, rejectSupplementaryPlanePolicy, checkMoneyPolicy, serializePolicy],
    answer: [
      decryptAndVerifyPolicy(keys),
      parsePayloadPolicy,
      mapBusinessStatusPolicy(config.logger),
      bindAnswerPolicy,
    ],
    retry: [retryPolicy({ maxRetries: config.maxRetries, logger: config.logger })],
    attempt: [bearerTokenPolicy(shared.tokens, config.platformPublicKey), encryptAndSign],
  };
  // Both composed once per client: a call's own timeout, deadline, signal and headers travel on its request.
  const pipeline: SendNext = composePhases(
    phases,
    createSend({ http: shared.http, payUrl: config.payUrl, via: config.proxy?.shown, logger: config.logger, debug }),
  );
  // prepare(): the request phase and the signing, ending before the token and the send.
  const prepareEnvelope: SendNext = composePhases({ request: phases.request, attempt: [encryptAndSign] }, () =>
    Promise.resolve(NOT_SENT),
  );
  const tracer = createTracerSource(config.tracerProvider);
  const gateway = new URL(config.baseUrl);
  const where: TracedCallContext = {
    serverAddress: gateway.hostname.replace(/^\[|\]$/g, ''),
    serverPort: Number(gateway.port || (gateway.protocol === 'https:' ? 443 : 80)),
  };
  const lifecycle = shared.lifecycle;

  const newRequest = (service: ServiceName, params: unknown, callOptions: CallOptions = {}): EnvelopeRequest => {
    // Own keys only: "toString" or "constructor" must be unknown services, not Object.prototype's members.
    const definition = typeof service === 'string' && Object.hasOwn(services, service) ? services[service] : undefined;
    if (!definition) {
      throw new ValidationError(`Unknown service ${describeReceived(service)}, nothing was sent`, {
        issues: [{ path: '', message: `is not one of ${Object.keys(services).join(', ')}`, keyword: 'service' }],
      });
    }
    if (typeof callOptions !== 'object' || callOptions === null) {
      throw new ConfigurationError(
        `must be an object (signal, timeout, deadline, headers); received ${kindOf(callOptions)}; nothing was sent.`,
        { option: 'options' },
      );
    }
    checkOptionNames(callOptions, CALL_OPTION_NAMES, "a call's options", '; nothing was sent.');
    const deadlineMs = checkDuration(callOptions.deadline, 'deadline', config.deadlineMs);
    const timeoutMs = checkDuration(callOptions.timeout, 'timeout', config.timeoutMs);
    const startedAt = performance.now();
    return {
      service,
      definition,
      params,
      plaintext: '',
      headers: { ...headers, ...checkExtraHeaders(callOptions.headers) },
      body: '',
      attempt: 0,
      tokenReplayed: false,
      signal: checkSignal(callOptions.signal),
      timeoutMs,
      startedAt,
      deadlineAt: startedAt + deadlineMs,
      psn: undefined,
      trace: undefined,
    };
  };

  return {
    logger: config.logger,
    appId: config.appId,
    get tokenRequests() {
      return shared.tokens.requests ?? 0;
    },
    get closed() {
      return lifecycle.closed;
    },
    async call(service, params, callOptions) {
      if (lifecycle.closed) throw clientClosed(typeof service === 'string' ? service : 'call');
      const request = newRequest(service, params, callOptions);
      lifecycle.active++;
      try {
        const traceWith = tracer();
        const response: EnvelopeResponse =
          traceWith === undefined
            ? await pipeline(request)
            : await traced(traceWith, request, where, () => pipeline(request));
        const result: CallResult<ServiceResult<typeof service>> = {
          data: response.data as ServiceResult<typeof service>,
          psn: response.psn,
        };
        if (response.drift) result.drift = response.drift;
        return result;
      } finally {
        if (--lifecycle.active === 0) lifecycle.onDrained?.();
      }
    },
    async prepare(service, params) {
      const request = newRequest(service, params);
      // The policies write the plaintext, the headers and the body onto the request itself.
      await prepareEnvelope(request);
      const { bizContent, sign } = JSON.parse(request.body) as { bizContent: string; sign: string };
      const { headers: sentHeaders, plaintext, body } = request;
      return { service, url: config.payUrl, headers: { ...sentHeaders }, plaintext, bizContent, sign, body };
    },
    openNotification(bizContent, sign) {
      return openSignedEnvelope(bizContent, sign, keys, { what: 'notification' });
    },
    withOptions(overrides) {
      const merged = { ...options, ...overrides };
      // merchantPrivateKey and signer exclude each other: overriding one drops the other.
      if ('signer' in overrides && !('merchantPrivateKey' in overrides)) delete merged.merchantPrivateKey;
      if ('merchantPrivateKey' in overrides && !('signer' in overrides)) delete merged.signer;
      const nextConfig = resolveTransportConfig(merged);
      const sameCredentials =
        nextConfig.tokenUrl === config.tokenUrl &&
        merged.appId === options.appId &&
        merged.merchantPrivateKey === options.merchantPrivateKey &&
        merged.signer === options.signer &&
        merged.tokenProvider === options.tokenProvider;
      const sameConnections =
        merged.ca === options.ca &&
        merged.fetch === options.fetch &&
        nextConfig.proxy?.url.href === config.proxy?.url.href &&
        nextConfig.maxSockets === config.maxSockets &&
        nextConfig.idleSocketTimeoutMs === config.idleSocketTimeoutMs;
      const http = sameConnections ? shared.http : createHttp(nextConfig);
      return buildClient(merged, nextConfig, {
        http,
        tokens: sameCredentials && sameConnections ? shared.tokens : createTokenSource(nextConfig, http),
        lifecycle: sameConnections ? lifecycle : newLifecycle(),
      });
    },
    async close() {
      lifecycle.closed = true;
      if (lifecycle.active > 0) {
        lifecycle.drained ??= new Promise<void>((resolve) => {
          lifecycle.onDrained = resolve;
        });
        await lifecycle.drained;
      }
      shared.http.close?.();
    },
  };
}

function createTokenSource(config: TransportConfig, http: HttpClient): TokenSource & { requests?: number } {
  const manager = new TokenManager({
    tokenUrl: config.tokenUrl,
    appId: config.appId,
    merchantPrivateKey: config.merchantPrivateKey,
    signer: config.signer,
    merchantPublicKey: config.merchantPublicKey,
    platformPublicKey: config.platformPublicKey,
    http,
    headers: () => baseHeaders(config),
    timeoutMs: config.timeoutMs,
    logger: config.logger,
    via: config.proxy?.shown,
  });
  if (!config.tokenProvider) return manager;
  // The provider decides when a token is requested; the manager only makes the request (it caches nothing here).
  const { appId, baseUrl, logger } = config;
  return userTokenSource(config.tokenProvider, { appId, baseUrl, logger, fetchToken: () => manager.fetch() });
}

export function createEnvelopeClient(options: TransportOptions): EnvelopeClient {
  return createEnvelopeClientOver(options, undefined);
}

/**
 * Internal (not exported by the package): a client whose HTTP exchanges go to `http` instead of node:http or the
 * `fetch` option. It is the seam both built-in HTTP clients implement; bench/envelope uses it to measure the
 * envelope work alone, with answers served from memory.
 */
export function createEnvelopeClientOver(options: TransportOptions, http: HttpClient | undefined): EnvelopeClient {
  const config = resolveTransportConfig(options);
  const exchange = http ?? createHttp(config);
  return buildClient(options, config, {
    http: exchange,
    tokens: createTokenSource(config, exchange),
    lifecycle: newLifecycle(),
  });
}
