// Policy (outermost): every error a call raises says truthfully whether the gateway may have acted on it. The
// places that know better — a verified refusal, a request that provably never left — set `outcomeUnknown`
// themselves; everything else is decided here from one fact the HTTP client records: whether a byte of the
// request reached the network in an attempt that got no verified refusal.
//
// Every such error also names the call's service, whichever policy raised it (the token request's errors do not
// know it).
//
// It also writes the call's closing log line (debug on success, info on failure): service, psn, attempt, outcome.
import { isCodePayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EnvelopeRequest, Policy } from './policy.js';

function stampOutcome(error: unknown, request: EnvelopeRequest): void {
  if (isCodePayError(error)) {
    error.service ??= request.service;
    const sentAt = request.sentAt;
    error.outcomeUnknown ??= sentAt !== undefined;
    if (sentAt !== undefined && error.sentAt === undefined) error.sentAt = new Date(sentAt);
  }
}

export interface OutcomeLogging {
  logger: Logger;
  /** Whether the `call completed` (debug) and `call failed` (info) lines are wanted: built only when they are. */
  debug: boolean;
  info: boolean;
}

export function outcomePolicy(logging: OutcomeLogging): Policy {
  const { logger } = logging;
  return {
    name: 'outcome',
    async sendRequest(request, next) {
      try {
        const response = await next(request);
        if (logging.debug) {
          logger.debug('call completed', {
            service: request.service,
            psn: response.psn,
            attempt: request.attempt,
            outcome: 'ok',
            ms: Math.round(performance.now() - request.startedAt),
          });
        }
        return response;
      } catch (error) {
        stampOutcome(error, request);
        if (logging.info) {
          const known = isCodePayError(error);
          logger.info('call failed', {
            service: request.service,
            psn: (known ? error.psn : undefined) ?? request.psn,
            attempt: request.attempt,
            outcome: error instanceof Error ? error.name : 'error',
            outcomeUnknown: known ? error.outcomeUnknown : undefined,
            ms: Math.round(performance.now() - request.startedAt),
          });
        }
        throw error;
      }
    },
  };
}
