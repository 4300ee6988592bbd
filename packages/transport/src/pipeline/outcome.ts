// Policy (outermost): every error a call raises says truthfully whether the gateway may have acted on it. The
// places that know better — a verified refusal, a request that provably never left — set `outcomeUnknown`
// themselves; everything else is decided here from one fact the HTTP client records: whether a byte of the
// request reached the network in an attempt that got no verified refusal.
import { isCodePayError } from '../errors.js';
import type { EnvelopeRequest, Policy } from './policy.js';

function stampOutcome(error: unknown, request: EnvelopeRequest): never {
  if (isCodePayError(error)) {
    const sentAt = request.sentAt;
    error.outcomeUnknown ??= sentAt !== undefined;
    if (sentAt !== undefined && error.sentAt === undefined) error.sentAt = new Date(sentAt);
  }
  throw error;
}

export const outcomePolicy: Policy = {
  name: 'outcome',
  async sendRequest(request, next) {
    try {
      return await next(request);
    } catch (error) {
      return stampOutcome(error, request);
    }
  },
};
