// Policy: parse the verified plaintext into the business payload `{status, errorCode, errorMessage, data}`. Integers
// beyond 2^53 (a big payerID) arrive as their exact decimal strings instead of silently rounded numbers.
import { ResponseFormatError } from '../errors.js';
import { parseJsonExact } from '../json-exact.js';
import { answerContext, type BusinessPayload, type Policy } from './policy.js';

export const parsePayloadPolicy: Policy = {
  name: 'parsePayload',
  async sendRequest(request, next) {
    const response = await next(request);
    let payload: unknown;
    try {
      payload = parseJsonExact(response.plaintext ?? '');
    } catch {
      throw new ResponseFormatError(
        `The ${request.service} response decrypted and verified but is not JSON.`,
        answerContext(request.service, response.http.status, response.psn),
      );
    }
    const status = (payload as { status?: unknown } | null)?.status;
    if (typeof payload !== 'object' || payload === null || (status !== 0 && status !== -1)) {
      throw new ResponseFormatError(
        `The ${request.service} response is not a business payload (status must be 0 or -1).`,
        answerContext(request.service, response.http.status, response.psn),
      );
    }
    response.payload = payload as BusinessPayload;
    return response;
  },
};
