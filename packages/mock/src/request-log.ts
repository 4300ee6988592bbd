// What arrived at the gateway and how it was answered, so tests can assert on what a client actually sent (e.g.
// "the SDK retried getBalance twice and never retried createOrder"). Holds decrypted parameters: it lives in memory
// only and is never printed.

import type { Language } from './messages.js';
import type { GatewayErrorCode } from './gateway-error.js';
import type { StoredChange } from './merchant-state.js';
import type { ScenarioName } from './scenarios.js';

/**
 * `pay` and `token`: the API; `payment-page`: the checkout page's own checkoutOrder and payOrder (the mock's payment
 * link plays the merchant's part for them); `other`: any other path (answered E04040).
 */
export type GatewayEndpoint = 'pay' | 'token' | 'payment-page' | 'other';

/**
 * How the request was answered: `ok`; `invalid-params` (P0400); the name of the fault scenario that shaped the
 * answer; or the gateway error code of the answer.
 */
export type RequestOutcome = 'ok' | 'invalid-params' | ScenarioName | GatewayErrorCode | (string & {});

/** The answer a commit-then-lose scenario kept from the client: what the gateway had decided to send. */
export interface LostAnswer {
  outcome: RequestOutcome;
  httpStatus: number;
  psn: string;
  /** The gateway error code, or the business `errorCode`, of that answer. */
  code?: string;
}

export interface RecordedRequest {
  /** When the request arrived. */
  receivedAt: Date;
  endpoint: GatewayEndpoint;
  method: string;
  path: string;
  /** The envelope's `service`, when the body had one. */
  service?: string;
  /** The decrypted, parsed business parameters, when decryption succeeded. */
  params?: unknown;
  /** The `appId` of a token request. */
  appId?: string;
  /** The `psn` of the answer; absent when no whole body with a psn was sent (`drop`, `html`, most `commit-*`). */
  psn?: string;
  /** HTTP status of the answer; absent for `drop` and `commit-drop`. */
  httpStatus?: number;
  outcome: RequestOutcome;
  /** The gateway error code, or the business `errorCode` (`P0400`, `P0001`…), of the answer. */
  code?: string;
  /** The scenario requested for this request (header or queue), as written, e.g. `http-503:3`. */
  scenario?: string;
  /** What the request stored in the merchant account (static mode), even when its answer was then lost. */
  change?: StoredChange;
  /** With a `commit-*` scenario: the answer the gateway produced, which the client did not get. */
  lostAnswer?: LostAnswer;
  /**
   * What the gateway answered, readable: the decrypted business payload `{status, errorCode, errorMessage, data}`
   * of a sealed answer, or the error body without its `sign` (for `commit-*` scenarios, the answer that was lost).
   * Access tokens appear shortened.
   */
  answer?: unknown;
  /** Whether the envelope's `sign` verified over the decrypted bizContent (absent when it was not checked). */
  signature?: 'valid' | 'invalid';
  language: Language;
}

/** A bounded, oldest-first list; the array itself is what `gateway.requests` exposes (it stays the same object). */
export class RequestLog {
  readonly entries: RecordedRequest[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`maxRecordedRequests must be a non-negative integer; received ${String(limit)}.`);
    }
    this.#limit = limit;
  }

  add(entry: RecordedRequest): void {
    if (this.#limit === 0) return;
    this.entries.push(entry);
    // Trim in batches so a long-running CLI does not shift the array on every request.
    if (this.entries.length > this.#limit * 1.1 + 10) this.entries.splice(0, this.entries.length - this.#limit);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
