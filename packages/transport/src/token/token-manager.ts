// Obtains bearer tokens from `POST /api/v2/token` (the decided contract: `{appId, timestamp, sign}` with `sign`
// over `appId=<appId>&timestamp=<timestamp>`), caches each until shortly before it expires, and makes concurrent
// callers share one request (single flight): 200 calls with an empty cache make one token request.
import type { KeyObject } from 'node:crypto';
import type { PlatformKeys } from '../crypto/platform-keys.js';
import { signPlaintext, type Signer } from '../crypto/signer.js';
import { formatUtcDateTime } from '../date-time.js';
import {
  AbortError,
  AuthenticationError,
  ConnectionError,
  ResponseFormatError,
  TimeoutError,
  isCodePayError,
} from '../errors.js';
import { readGatewayAnswer, type AnswerReader } from '../envelope/read-gateway-answer.js';
import { tokenSigningText } from '../envelope/signing-texts.js';
import type { HttpClient } from '../http/http-client.js';
import { settleOnce, type SettleLimits } from '../http/settle-once.js';
import { isNotRetriable, isRetriableStatus, markNotRetriable } from '../http/http-errors.js';
import { sendHttp } from '../http/send-http.js';
import type { Logger } from '../logger.js';
import { isBearerToken, type FetchedToken, type TokenSource } from './token-provider.js';

export interface TokenManagerOptions {
  tokenUrl: string;
  appId: string;
  /** The local private key; when undefined, `signer` signs the token request. */
  merchantPrivateKey: KeyObject | undefined;
  signer?: Signer | undefined;
  /** With `signer`: its signatures are checked against this key before the request is sent. */
  merchantPublicKey?: KeyObject | undefined;
  platformPublicKey: PlatformKeys;
  http: HttpClient;
  headers: () => Record<string, string>;
  /** The client's per-attempt timeout: the shared token request's own limit (each caller also waits only as long as its call allows). */
  timeoutMs: number;
  logger: Logger;
  /** The proxy requests go through, without credentials (for messages). */
  via?: string | undefined;
  /** A monotonic clock in milliseconds (token freshness); `performance.now` by default. */
  now?: () => number;
}

interface CachedToken {
  token: string;
  /** After this instant the token is refreshed before use (expiry minus a safety margin). */
  freshUntil: number;
}

/** A token as the endpoint answered it: valid for `lifetimeMs` from `startedAt` (this manager's clock). */
interface ObtainedToken {
  token: string;
  lifetimeMs: number;
  startedAt: number;
}

/** Refresh this long before expiry: 10% of the lifetime, at most a minute, so clock skew and slow calls are safe. */
export function refreshMargin(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 10);
}

export class TokenManager implements TokenSource {
  readonly #options: TokenManagerOptions;
  readonly #now: () => number;
  #cached: CachedToken | undefined;
  #inflight: Promise<CachedToken> | undefined;
  /** Token requests made so far (for tests and diagnostics). */
  requests = 0;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    // Monotonic: a token's lifetime is a duration, and a wall-clock step must neither keep an expired token nor drop a
    // fresh one. (The signed `timestamp` is wall-clock time, as the gateway wants.)
    this.#now = options.now ?? (() => performance.now());
  }

  current(): string | undefined {
    const cached = this.#cached;
    return cached && this.#now() < cached.freshUntil ? cached.token : undefined;
  }

  async getToken(call: TokenWaiter): Promise<string> {
    const fresh = this.current();
    if (fresh !== undefined) return fresh;
    this.#inflight ??= this.#request()
      .then(
        ({ token, lifetimeMs, startedAt }) =>
          (this.#cached = { token, freshUntil: startedAt + lifetimeMs - refreshMargin(lifetimeMs) }),
      )
      .finally(() => {
        this.#inflight = undefined;
      });
    return (await waitForCaller(this.#inflight, call)).token;
  }

  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  /** One token request, outside the cache: what a `tokenProvider` gets as `fetchToken` (see TokenRequestContext). */
  async fetch(): Promise<FetchedToken> {
    const requestedAt = Date.now();
    const { token, lifetimeMs } = await this.#request();
    return { token, expiresAt: requestedAt + lifetimeMs };
  }

  async #request(): Promise<ObtainedToken> {
    const { appId, tokenUrl, logger } = this.#options;
    const timestamp = formatUtcDateTime(new Date());
    // A signer that fails rejects here, with an AuthenticationError (outcomeUnknown: false): nothing was sent.
    const sign = await signPlaintext(tokenSigningText(appId, timestamp), this.#options);
    this.requests++;
    const started = this.#now();
    let answer: Awaited<ReturnType<typeof sendHttp>>;
    try {
      answer = await sendHttp(this.#options.http, {
        what: 'token request',
        url: tokenUrl,
        via: this.#options.via,
        headers: this.#options.headers(),
        body: JSON.stringify({ appId, timestamp, sign }),
        timeoutMs: this.#options.timeoutMs,
        limitedByDeadline: false,
        // Shared by every waiting caller, so no single caller's signal may cancel it; each caller stops waiting
        // on its own signal and deadline instead (waitForCaller).
        signal: undefined,
      });
    } catch (error) {
      throw notSentBecauseOfToken(error);
    }
    const token = await this.#readAnswer(answer.status, answer.bodyText, started);
    logger.debug('token obtained', { httpStatus: answer.status, ms: Math.round(this.#now() - started) });
    return token;
  }

  async #readAnswer(status: number, bodyText: string, requestedAt: number): Promise<ObtainedToken> {
    if (isRetriableStatus(status)) {
      // The gateway is busy, not refusing us: nothing of the call was sent, so the retry policy may try again.
      throw new ConnectionError(
        `The token endpoint answered HTTP ${status} (temporarily unavailable); the call itself was not sent.`,
        {
          outcomeUnknown: false,
          httpStatus: status,
        },
      );
    }
    const reader = { what: 'token request', platformPublicKey: this.#options.platformPublicKey, refusal: tokenRefusal };
    const { statusCode, data } = (await readGatewayAnswer(status, bodyText, reader)).body;
    if (status === 200 && statusCode === 0 && typeof data === 'object' && data !== null) {
      const { accessToken, expiresIn } = data as { accessToken?: unknown; expiresIn?: unknown };
      if (!isBearerToken(accessToken) || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
        throw new ResponseFormatError(
          'The token endpoint answered without a usable accessToken (RFC 6750 characters) and expiresIn.',
          { httpStatus: status },
        );
      }
      // Counted from when the token was requested: the gateway started its clock no later than that.
      return { token: accessToken, lifetimeMs: expiresIn * 1000, startedAt: requestedAt };
    }
    throw new ResponseFormatError(
      `The token request got HTTP ${status} with JSON that is neither a token nor an error body; ` +
        'check that the base URL points at the CodePay gateway.',
      { httpStatus: status },
    );
  }
}

/** Any refusal of the token request: whatever the code, the call cannot be made without a token. */
const tokenRefusal: AnswerReader['refusal'] = (body, context) =>
  new AuthenticationError(
    `The gateway refused the token request: ${body.code} ${body.msg}. Check appId, the merchant private key and the clock (UTC).`,
    {
      ...context,
      code: body.code,
    },
  );

/** A failed token request means the call itself was never sent: safe to retry whatever the service. */
function notSentBecauseOfToken(error: unknown): unknown {
  if (!isCodePayError(error)) return error;
  const detail = `${error.message} The call itself was not sent.`;
  if (isCodePayError(error, 'TimeoutError'))
    return new TimeoutError(detail, { timeoutMs: error.timeoutMs, outcomeUnknown: false, cause: error });
  if (isCodePayError(error, 'ConnectionError')) {
    const wrapped = new ConnectionError(detail, { outcomeUnknown: false, cause: error });
    // A certificate the client does not trust, a proxy refusing these credentials: no retry can fix it.
    return isNotRetriable(error) ? markNotRetriable(wrapped) : wrapped;
  }
  return error;
}

/** What a caller waiting for a token brings: its abort signal, and when it must stop waiting. */
export interface TokenWaiter {
  signal: AbortSignal | undefined;
  /** `performance.now()` milliseconds when the call's deadline passes. */
  deadlineAt: number;
  /** The call's per-attempt timeout, which waiting for the token counts against; none when undefined. */
  timeoutMs?: number | undefined;
}

/**
 * The shared token request, as seen by one caller who may give up earlier: on its abort signal, its deadline, or its
 * per-attempt timeout (the token request is part of the attempt). The shared request itself goes on for the others.
 */
export function waitForCaller<T>(shared: Promise<T>, call: TokenWaiter): Promise<T> {
  const { signal, deadlineAt, timeoutMs } = call;
  const untilDeadline = deadlineAt - performance.now();
  const byTimeout = timeoutMs !== undefined && timeoutMs < untilDeadline;
  const limit = Math.max(0, byTimeout ? timeoutMs : untilDeadline);
  const limits: SettleLimits = {
    timeoutMs: limit,
    signal,
    timedOut: () =>
      new TimeoutError(
        byTimeout
          ? `The token request got no answer within the per-attempt timeout (${timeoutMs} ms). The call itself was not sent.`
          : 'The call deadline passed while waiting for a token; nothing was sent.',
        { timeoutMs: Math.round(limit), outcomeUnknown: false },
      ),
    aborted: () =>
      new AbortError('The call was aborted by the caller while waiting for a token; nothing was sent.', {
        outcomeUnknown: false,
        cause: signal?.reason,
      }),
  };
  return settleOnce<T>(limits, (guard) => {
    shared.then(
      (value) => guard.resolve(value),
      (error: unknown) => guard.reject(error),
    );
  });
}
