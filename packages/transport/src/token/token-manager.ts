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
  SignatureVerificationError,
  TimeoutError,
  isCodePayError,
} from '../errors.js';
import { gatewayErrorSignatureHolds, isGatewayErrorBody } from '../envelope/gateway-error-body.js';
import type { HttpClient } from '../http/http-client.js';
import { isNotRetriable, markNotRetriable } from '../http/http-errors.js';
import { JsonTooDeep, parseJsonBounded } from '../json-exact.js';
import { sendHttp } from '../http/send-http.js';
import type { Logger } from '../logger.js';
import { isBearerToken, type TokenSource } from './token-provider.js';

/** Answers of a busy gateway: worth another try, unlike a refusal. */
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

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
      .then((fresh) => (this.#cached = fresh))
      .finally(() => {
        this.#inflight = undefined;
      });
    return (await waitForCaller(this.#inflight, call)).token;
  }

  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #request(): Promise<CachedToken> {
    const { appId, tokenUrl, logger } = this.#options;
    const timestamp = formatUtcDateTime(new Date());
    // A signer that fails rejects here, with an AuthenticationError (outcomeUnknown: false): nothing was sent.
    const sign = await signPlaintext(`appId=${appId}&timestamp=${timestamp}`, this.#options);
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

  async #readAnswer(status: number, bodyText: string, requestedAt: number): Promise<CachedToken> {
    if (TRANSIENT_STATUS.has(status)) {
      // The gateway is busy, not refusing us: nothing of the call was sent, so the retry policy may try again.
      throw new ConnectionError(
        `The token endpoint answered HTTP ${status} (temporarily unavailable); the call itself was not sent.`,
        {
          outcomeUnknown: false,
          httpStatus: status,
        },
      );
    }
    let body: unknown;
    try {
      body = parseJsonBounded(bodyText);
    } catch (error) {
      const what =
        error instanceof JsonTooDeep
          ? 'JSON nested too deep to be a token answer'
          : bodyText.trimStart().startsWith('<')
            ? 'an HTML page'
            : 'a body that is not JSON';
      throw new ResponseFormatError(
        `The token endpoint answered HTTP ${status} with ${what}; ` +
          'check that the base URL points at the CodePay gateway.',
        { httpStatus: status },
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ResponseFormatError(`The token endpoint answered HTTP ${status} with JSON that is not an object.`, {
        httpStatus: status,
      });
    }
    const { statusCode, data } = body as { statusCode?: unknown; data?: unknown };
    if (status === 200 && statusCode === 0 && typeof data === 'object' && data !== null) {
      const { accessToken, expiresIn } = data as { accessToken?: unknown; expiresIn?: unknown };
      if (!isBearerToken(accessToken) || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
        throw new ResponseFormatError(
          'The token endpoint answered without a usable accessToken (RFC 6750 characters) and expiresIn.',
          { httpStatus: status },
        );
      }
      const lifetimeMs = expiresIn * 1000;
      // Counted from when the token was requested: the gateway started its clock no later than that.
      return { token: accessToken, freshUntil: requestedAt + lifetimeMs - refreshMargin(lifetimeMs) };
    }

    if (isGatewayErrorBody(body)) {
      const psn = typeof body.psn === 'string' ? { psn: body.psn } : {};
      if (!(await gatewayErrorSignatureHolds(body, this.#options.platformPublicKey))) {
        throw new SignatureVerificationError(
          `The token endpoint's error body (code ${body.code}) has a signature that does not verify with the platform public key.`,
          { ...psn, httpStatus: status },
        );
      }
      throw new AuthenticationError(
        `The gateway refused the token request: ${body.code} ${body.msg}. Check appId, the merchant private key and the clock (UTC).`,
        { ...psn, httpStatus: status, code: body.code },
      );
    }
    throw new ResponseFormatError(
      `The token endpoint answered HTTP ${status} with JSON that is neither a token nor an error body.`,
      {
        httpStatus: status,
      },
    );
  }
}

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
  return new Promise<T>((resolve, reject) => {
    const now = performance.now();
    const untilDeadline = deadlineAt - now;
    const byTimeout = timeoutMs !== undefined && timeoutMs < untilDeadline;
    const limit = Math.max(0, byTimeout ? timeoutMs : untilDeadline);
    const onAbort = () =>
      finish(() =>
        reject(
          new AbortError('The call was aborted by the caller while waiting for a token; nothing was sent.', {
            outcomeUnknown: false,
            cause: signal?.reason,
          }),
        ),
      );
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new TimeoutError(
              byTimeout
                ? `The token request got no answer within the per-attempt timeout (${timeoutMs} ms). The call itself was not sent.`
                : 'The call deadline passed while waiting for a token; nothing was sent.',
              { timeoutMs: Math.round(limit), outcomeUnknown: false },
            ),
          ),
        ),
      limit,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
