// Policy: parse the verified plaintext into the business payload `{status, errorCode, errorMessage, data}`.
import { ResponseFormatError } from '../errors.js';
import { answerContext, type BusinessPayload, type Policy } from './policy.js';

export const parsePayloadPolicy: Policy = {
  name: 'parsePayload',
  async sendRequest(request, next) {
    const response = await next(request);
    let payload: unknown;
    try {
      payload = JSON.parse(response.plaintext ?? '');
    } catch {
      throw new ResponseFormatError(`The ${request.service} response decrypted and verified but is not JSON.`, answerContext(request.service, response.http.status, response.psn));
    }
    const status = (payload as { status?: unknown } | null)?.status;
    if (typeof payload !== 'object' || payload === null || (status !== 0 && status !== -1)) {
      throw new ResponseFormatError(`The ${request.service} response is not a business payload (status must be 0 or -1).`, answerContext(request.service, response.http.status, response.psn));
    }
    response.payload = payload as BusinessPayload;
    return response;
  },
};
