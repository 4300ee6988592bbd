// Policy: the business outcome is decided by `status` alone. -1 is a BusinessError; 0 yields `data`, checked
// against the service's result schema. The schema is open (new keys are fine) and a new enum value is only logged
// as drift; a missing or mistyped field fails the call, because typed code downstream would otherwise break — and
// a valid response replayed from another service fails here instead of being returned as this one's.
import { kindOf } from '../describe-value.js';
import { BusinessError, ResponseFormatError } from '../errors.js';
import type { Logger } from '../logger.js';
import { answerContext, type BusinessPayload, type Policy } from './policy.js';
import { toValidationIssues } from './validate-params.js';

export function mapBusinessStatusPolicy(logger: Logger): Policy {
  return {
    name: 'mapBusinessStatus',
    async sendRequest(request, next) {
      const response = await next(request);
      const payload = response.payload!;
      if (payload.status === -1) {
        const mistyped = mistypedErrorField(payload);
        if (mistyped) {
          throw new ResponseFormatError(
            `The ${request.service} response has status -1 but its ${mistyped}. ` +
              'The failure was not decoded: report it with the psn.',
            answerContext(request.service, response.http.status, response.psn),
          );
        }
        const errorCode = payload.errorCode === null || payload.errorCode === undefined ? '-1' : String(payload.errorCode);
        const errorMessage = payload.errorMessage ?? '';
        throw new BusinessError(`${request.service} failed: ${errorCode} ${errorMessage}${response.psn ? ` (psn ${response.psn})` : ''}`, {
          ...answerContext(request.service, response.http.status, response.psn),
          errorCode,
          errorMessage,
        });
      }
      const validate = request.definition.validateResult;
      if (!validate(payload.data)) {
        const issues = toValidationIssues(validate.errors);
        const serious = issues.filter((issue) => issue.keyword !== 'enum');
        if (serious.length > 0) {
          throw new ResponseFormatError(
            `The ${request.service} response does not match its result schema (${serious.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}); ` +
              'its data was discarded. If this persists, the API changed: report it with the psn.',
            answerContext(request.service, response.http.status, response.psn),
          );
        }
        logger.warn('response drift: a value the spec does not list', { service: request.service, psn: response.psn, paths: issues.map((i) => i.path).join(',') });
      }
      response.data = payload.data;
      return response;
    },
  };
}

/** `errorCode` may be a string, a number (the documented `-1`) or null; `errorMessage` a string or null. */
function mistypedErrorField(payload: BusinessPayload): string | undefined {
  const { errorCode, errorMessage } = payload as { errorCode?: unknown; errorMessage?: unknown };
  if (errorCode !== undefined && errorCode !== null && typeof errorCode !== 'string' && typeof errorCode !== 'number') {
    return `errorCode is ${kindOf(errorCode)}; the contract allows a string, a number or null`;
  }
  if (errorMessage !== undefined && errorMessage !== null && typeof errorMessage !== 'string') return `errorMessage is ${kindOf(errorMessage)}; the contract allows a string or null`;
  return undefined;
}
