// The end of the pipeline: one HTTP POST of the envelope, limited by the per-attempt timeout and the call deadline.
import { peekPsn } from '../envelope/gateway-error-body.js';
import { TimeoutError } from '../errors.js';
import type { HttpClient } from '../http/http-client.js';
import { sendHttp } from '../http/send-http.js';
import { fingerprint, type Logger } from '../logger.js';
import type { EnvelopeRequest, EnvelopeResponse, SendNext } from './policy.js';

export interface SendOptions {
  http: HttpClient;
  payUrl: string;
  /** The proxy requests go through, without credentials (for messages). */
  via?: string | undefined;
  logger: Logger;
  /** Whether debug lines are wanted: their fields (and the plaintext fingerprint's hash) are built only when they are. */
  debug: boolean;
}

/** `order_sn` of the params, when present: named in "outcome unknown" errors so the merchant knows what to check. */
export function orderSnOf(params: unknown): string | undefined {
  const value = (params as { order_sn?: unknown } | null)?.order_sn;
  return typeof value === 'string' ? value : undefined;
}

export function createSend(options: SendOptions): SendNext {
  return async (request: EnvelopeRequest): Promise<EnvelopeResponse> => {
    const started = performance.now();
    const remaining = request.deadlineAt - started;
    if (remaining <= 0) {
      throw new TimeoutError(
        `The ${request.service} call reached its deadline before attempt ${request.attempt + 1}; nothing more was sent.`,
        {
          service: request.service,
          timeoutMs: 0,
          // Whatever an earlier attempt did decides it (the outcome policy knows).
          outcomeUnknown: request.sentAt !== undefined,
        },
      );
    }
    if (options.debug) {
      const { bytes, sha256 } = fingerprint(request.plaintext);
      options.logger.debug('sending', {
        service: request.service,
        psn: request.psn,
        attempt: request.attempt,
        outcome: 'pending',
        plaintextBytes: bytes,
        plaintextSha256: sha256,
        bodyBytes: request.body.length,
      });
    }
    const trace = request.trace;
    if (trace) trace.attempts++;
    let http: Awaited<ReturnType<typeof sendHttp>>;
    try {
      http = await sendHttp(options.http, {
        what: `${request.service} request`,
        service: request.service,
        orderSn: orderSnOf(request.params),
        url: options.payUrl,
        via: options.via,
        headers: request.headers,
        body: request.body,
        timeoutMs: Math.min(request.timeoutMs, remaining),
        limitedByDeadline: remaining < request.timeoutMs,
        signal: request.signal,
        unsafe: request.definition.retry === 'unsafe',
        onWritten: () => {
          // Wall-clock time: it is reported to the caller (error.sentAt) and compared with the gateway's records.
          request.sentAt ??= Date.now();
        },
      });
    } finally {
      if (trace) trace.httpMs += performance.now() - started;
    }
    if (trace) trace.httpStatus = http.status;
    if (options.debug) {
      options.logger.debug('answered', {
        service: request.service,
        psn: peekPsn(http.bodyText),
        attempt: request.attempt,
        outcome: `HTTP ${http.status}`,
        httpStatus: http.status,
        bytes: http.bodyText.length,
        ms: Math.round(performance.now() - started),
      });
    }
    return { http };
  };
}
