// Access tokens the mock has issued. Tokens are opaque random strings: clients must not parse them (the vendor's
// are JWTs today, which is exactly why a client must not depend on that). Expired tokens are remembered for a
// while so that using one is answered E01003 ("expired") rather than E01002 ("unknown"), which is what lets a
// client tell "refresh and replay" apart from "misconfigured".

import { randomBytes } from 'node:crypto';

export type TokenState = 'valid' | 'expired' | 'unknown';

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/** A token as the dashboard and the control API show it: shortened, with its times and state. */
export interface TokenView {
  /** The first characters only (`mock_AbCdEfGh…`): enough to tell tokens apart, not to use one. */
  token: string;
  issuedAt: Date;
  expiresAt: Date;
  state: TokenState;
}

/** `mock_AbCdEfGh…`: a token shortened so that it can be shown without being usable. */
export function shortToken(token: string): string {
  return `${token.slice(0, 13)}…`;
}

/** How long an expired token is still recognised as "expired" before it is forgotten (and becomes "unknown"). */
const EXPIRED_TOKEN_MEMORY_MS = 60 * 60 * 1000;

export class TokenStore {
  /** token → expiry time in ms since the epoch. */
  readonly #expiries = new Map<string, number>();
  /** token → issue time in ms since the epoch. */
  readonly #issued = new Map<string, number>();
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor(ttlSeconds: number, now: () => number = Date.now) {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new RangeError(`tokenTtlSeconds must be a positive integer; received ${String(ttlSeconds)}.`);
    }
    this.#ttlSeconds = ttlSeconds;
    this.#now = now;
  }

  issue(): IssuedToken {
    this.#forgetLongExpired();
    const accessToken = `mock_${randomBytes(32).toString('base64url')}`;
    this.#expiries.set(accessToken, this.#now() + this.#ttlSeconds * 1000);
    this.#issued.set(accessToken, this.#now());
    return { accessToken, expiresIn: this.#ttlSeconds };
  }

  check(token: string): TokenState {
    const expiresAt = this.#expiries.get(token);
    if (expiresAt === undefined) return 'unknown';
    return this.#now() < expiresAt ? 'valid' : 'expired';
  }

  /** Makes every issued token expired now (a client's next call is refused with E01003). */
  expireAll(): void {
    const now = this.#now();
    for (const [token, expiresAt] of this.#expiries) {
      if (expiresAt > now) this.#expiries.set(token, now);
    }
  }

  /** Every remembered token, oldest first, shortened. */
  list(): TokenView[] {
    const now = this.#now();
    return [...this.#expiries].map(([token, expiresAt]) => ({
      token: shortToken(token),
      issuedAt: new Date(this.#issued.get(token) ?? expiresAt - this.#ttlSeconds * 1000),
      expiresAt: new Date(expiresAt),
      state: now < expiresAt ? 'valid' : 'expired',
    }));
  }

  get size(): number {
    return this.#expiries.size;
  }

  // Bounded memory for a long-running CLI: each issue() sweeps tokens that expired long ago.
  #forgetLongExpired(): void {
    const cutoff = this.#now() - EXPIRED_TOKEN_MEMORY_MS;
    for (const [token, expiresAt] of this.#expiries) {
      if (expiresAt < cutoff) {
        this.#expiries.delete(token);
        this.#issued.delete(token);
      }
    }
  }
}
