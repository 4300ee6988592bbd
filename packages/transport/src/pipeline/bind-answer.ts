// Policy: a verified answer must belong to this request. The signature proves the platform wrote it, not that it
// answers this call, so a genuine answer to another call can be replayed or mixed up. Two checks, both from the spec:
// - where a result echoes what was asked (`x-codepay-echo`: order_sn, email, payerID, currency…), the values must be
//   the ones sent; an echo the answer leaves out is accepted (answers may omit fields), and values compare as text
//   ignoring case (a gateway may normalise an email or a UUID's case);
// - an answer whose data is not an object, or has fields but none of those the service's result schema declares,
//   answers another service (a getBalance answer replayed for createOrder).
// Either way the data is never returned as this call's, and the error says the outcome is unknown.
import { ResponseFormatError } from '../errors.js';
import { answerContext, type EnvelopeResponse, type Policy } from './policy.js';

const asText = (value: unknown) => String(value).trim().toLowerCase();

function unbound(service: string, response: EnvelopeResponse, why: string): ResponseFormatError {
  return new ResponseFormatError(
    `The ${service} answer verified but ${why}: it answers a different call (replayed or mixed up) and was not ` +
      'returned. Learn what happened to this call before sending it again.',
    { ...answerContext(service, response.http.status, response.psn), outcomeUnknown: true },
  );
}

export const bindAnswerPolicy: Policy = {
  name: 'bindAnswer',
  async sendRequest(request, next) {
    const response = await next(request);
    const { echo, resultFields } = request.definition;
    const data = response.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      if (resultFields.length === 0) return response;
      throw unbound(
        request.service,
        response,
        `carries ${Array.isArray(data) ? 'an array' : data === null ? 'no data' : `a ${typeof data}`} where a ${request.service} result is an object`,
      );
    }
    const answered = data as Record<string, unknown>;
    const sent = request.params as Record<string, unknown>;
    for (const field of echo) {
      const value = answered[field];
      if (sent[field] === undefined || value === undefined || value === null || asText(sent[field]) === asText(value))
        continue;
      throw unbound(request.service, response, `names another ${field} than this request`);
    }
    const keys = Object.keys(answered);
    if (keys.length > 0 && resultFields.length > 0 && !keys.some((key) => resultFields.includes(key))) {
      throw unbound(request.service, response, `has none of the fields of a ${request.service} result`);
    }
    return response;
  },
};
