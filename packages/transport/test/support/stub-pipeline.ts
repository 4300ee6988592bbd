// For unit tests of one policy: a request as the envelope client makes it, and answers a stubbed `next` returns.
// The real-loopback tests beside them run the same policies inside the whole pipeline.
import { services, type ServiceName } from '@codepay/models';
import type { BusinessPayload, EnvelopeRequest, EnvelopeResponse } from '../../src/pipeline/policy.js';

/** A fresh request for `service`, its deadline a minute away on the (possibly faked) monotonic clock. */
export function stubRequest(
  service: ServiceName,
  params: unknown = {},
  overrides: Partial<EnvelopeRequest> = {},
): EnvelopeRequest {
  const startedAt = performance.now();
  return {
    service,
    definition: services[service],
    params,
    plaintext: '',
    headers: {},
    body: '',
    attempt: 0,
    tokenReplayed: false,
    signal: undefined,
    timeoutMs: 30_000,
    startedAt,
    deadlineAt: startedAt + 60_000,
    psn: undefined,
    trace: undefined,
    ...overrides,
  };
}

/** An HTTP answer as the send step returns it, before any policy has read it. */
export function httpAnswer(status: number, headers: Record<string, string> = {}, bodyText = ''): EnvelopeResponse {
  return { http: { status, headers: new Headers(headers), bodyText } };
}

/** A verified, parsed answer as the answer phase's inner policies leave it for mapBusinessStatus. */
export function payloadAnswer(payload: BusinessPayload, psn = 'PSN-STUB'): EnvelopeResponse {
  return { ...httpAnswer(200), psn, payload };
}

/** A parsed answer carrying `data`, as mapBusinessStatus leaves it for bindAnswer. */
export function dataAnswer(data: unknown, psn = 'PSN-STUB'): EnvelopeResponse {
  return { ...httpAnswer(200), psn, data };
}
