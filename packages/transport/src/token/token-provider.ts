// What the pipeline needs from a token source, and the user-facing `tokenProvider` option that can replace the
// built-in `/api/v2/token` flow (for a token service shared by several processes, say).

export interface TokenRequestContext {
  /** Aborts when the caller gives up or the call's deadline passes. */
  signal: AbortSignal | undefined;
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
