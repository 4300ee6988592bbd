// Policy: the one place that decides whether to try again. Retries connection failures and 429/502/503/504 with
// exponential backoff and jitter, honouring `Retry-After`, within `maxRetries` and the call deadline. A state-
// changing (`unsafe`) service is retried only when the request certainly never reached the server; a read-only
// (`safe`) one whenever the failure is transient.
import { AbortError, isCodePayError } from '../errors.js';
import { isNotRetriable, retriesAtOnce } from '../http/http-errors.js';
import { peekPsn } from '../envelope/gateway-error-body.js';
import type { Logger } from '../logger.js';
import type { EnvelopeRequest, EnvelopeResponse, Policy } from './policy.js';

const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryOptions {
  maxRetries: number;
  logger: Logger;
  /** Source of jitter; tests pass a fixed one. */
  random?: () => number;
}

/** Milliseconds from a `Retry-After` header (seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so clients spread out. */
export function backoffDelay(retry: number, random: () => number): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry);
  return step / 2 + (step / 2) * random();
}

type Outcome = { response: EnvelopeResponse; failure?: undefined } | { failure: unknown; response?: undefined };

/** Why another attempt is allowed, or undefined when it is not. */
function retryReason(request: EnvelopeRequest, outcome: Outcome): string | undefined {
  const safe = request.definition.retry === 'safe';
  if (outcome.response) {
    const status = outcome.response.http.status;
    // A status answer means the server received the request: only a read-only call may be repeated.
    return RETRIABLE_STATUS.has(status) && safe ? `HTTP ${status}` : undefined;
  }
  const error = outcome.failure;
  if (isNotRetriable(error)) return undefined;
  if (isCodePayError(error, 'ConnectionError') || isCodePayError(error, 'TimeoutError')) {
    if (!error.outcomeUnknown) return `${error.name} before the request was sent`;
    return safe ? error.name : undefined;
  }
  return undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      // Whether an earlier attempt may have reached the gateway is filled in by the outcome policy.
      reject(new AbortError('The call was aborted by the caller while waiting to retry.', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function retryPolicy(options: RetryOptions): Policy {
  const random = options.random ?? Math.random;
  return {
    name: 'retry',
    async sendRequest(request, next) {
      for (let attempt = 0; ; attempt++) {
        request.attempt = attempt;
        let outcome: Outcome;
        try {
          outcome = { response: await next(request) };
        } catch (failure) {
          outcome = { failure };
        }
        const reason = attempt < options.maxRetries ? retryReason(request, outcome) : undefined;
        // The usual case — a final answer or failure — returns before any delay is worked out.
        const delay =
          reason === undefined || retriesAtOnce(outcome.failure)
            ? 0
            : ((outcome.response ? parseRetryAfter(outcome.response.http.headers.get('retry-after')) : undefined) ??
              backoffDelay(attempt, random));
        if (reason === undefined || performance.now() + delay >= request.deadlineAt) {
          if (outcome.response) return outcome.response;
          throw outcome.failure;
        }
        // The psn of a retried answer (a 503 error body carries one), read without parsing it: it is not verified yet.
        const psn = outcome.response
          ? peekPsn(outcome.response.http.bodyText)
          : (outcome.failure as { psn?: string } | null)?.psn;
        if (psn !== undefined) request.psn = psn;
        options.logger.warn('retrying', {
          service: request.service,
          psn,
          attempt,
          outcome: 'retry',
          reason,
          nextAttempt: attempt + 1,
          delayMs: Math.round(delay),
        });
        request.trace?.event('codepay.retry', {
          'codepay.attempt': attempt,
          'codepay.retry.reason': reason,
          'codepay.retry.delay_ms': Math.round(delay),
        });
        if (delay > 0) await sleep(delay, request.signal);
      }
    },
  };
}
