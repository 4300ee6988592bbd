// What the pipeline needs from a token source, and the user-facing `tokenProvider` option that can replace the
// built-in `/api/v2/token` flow (for a token service shared by several processes, say).
import type { Logger } from '../logger.js';

/** A token straight from `POST /api/v2/token`. */
export interface FetchedToken {
  /** The bearer token. A secret: never log it or put it in an error message. */
  token: string;
  /** When the gateway stops accepting it: `Date.now()` milliseconds (the request's start plus `expiresIn`). */
  expiresAt: number;
}

export interface TokenRequestContext {
  /** Aborts when the caller gives up or the call's deadline passes. */
  signal: AbortSignal | undefined;
  /** The client's appId: with `baseUrl`, what a token belongs to (a shared cache names its entry by both). */
  appId: string;
  /** The client's gateway base URL, e.g. `https://gateway.example.com`. */
  baseUrl: string;
  /**
   * The SDK's own token request: `POST /api/v2/token` signed with the client's merchant key (or `signer`), its
   * answer checked as without a provider. Each call sends one request and caches nothing, so a provider built on it
   * keeps the token itself (and shares one request between concurrent callers). Rejects with the same typed errors as
   * the built-in flow (AuthenticationError for a refusal, ConnectionError/TimeoutError when the gateway is out of reach).
   */
  fetchToken(): Promise<FetchedToken>;
  /** The client's logger, already filtered to its `logLevel`. */
  logger: Logger;
}

/**
 * A function returning a bearer token, or an object that can also be told a token was rejected by the gateway
 * (`invalidate`) so its next `getToken` returns a new one.
 */
export type TokenProvider =
  | ((context: TokenRequestContext) => Promise<string>)
  | { getToken(context: TokenRequestContext): Promise<string>; invalidate?(token: string): void };

/** The pipeline's view: a token for this call, and a way to drop one the gateway refused. */
export interface TokenSource {
  getToken(call: {
    signal: AbortSignal | undefined;
    deadlineAt: number;
    timeoutMs?: number | undefined;
  }): Promise<string>;
  /** A token that is fresh right now, when the source holds one: read without waiting (the common case). */
  current?(): string | undefined;
  invalidate(token: string): void;
}

/** RFC 6750's b64token: the only characters a bearer token may carry in an Authorization header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export const isBearerToken = (value: unknown): value is string => typeof value === 'string' && BEARER_TOKEN.test(value);
