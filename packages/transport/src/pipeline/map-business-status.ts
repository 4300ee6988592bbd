// Policy: the business outcome is decided by `status` alone. -1 is a BusinessError (a verified refusal: nothing
// happened); 0 yields `data`. A verified answer is never thrown away: where `data` departs from the spec's result
// schema (a field we expected is missing, a value has another type, an enum value we do not know), the data is
// returned as it came and the departure is reported — as a warn-level `response drift` log line and as `drift` on
// the result — because for a state-changing call the change has happened, and failing the call would tell the
// merchant otherwise. Answers that belong to another request are caught by bindAnswer, not here.
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
            // status -1 alone says the call failed: nothing happened.
            { ...answerContext(request.service, response.http.status, response.psn), outcomeUnknown: false },
          );
        }
        const errorCode =
          payload.errorCode === null || payload.errorCode === undefined ? '-1' : String(payload.errorCode);
        const errorMessage = payload.errorMessage ?? '';
        throw new BusinessError(
          `${request.service} failed: ${errorCode} ${errorMessage}${response.psn ? ` (psn ${response.psn})` : ''}`,
          {
            ...answerContext(request.service, response.http.status, response.psn),
            errorCode,
            errorMessage,
            outcomeUnknown: false,
          },
        );
      }
      const validate = request.definition.validateResult;
      if (!validate(payload.data)) {
        const drift = toValidationIssues(validate.errors, payload.data);
        response.drift = drift;
        logger.warn('response drift: the answer departs from the spec', {
          service: request.service,
          psn: response.psn,
          attempt: request.attempt,
          outcome: 'ok',
          paths: drift.map((i) => `${i.path || '(root)'} ${i.keyword ?? ''}`.trim()).join(', '),
        });
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
  if (errorMessage !== undefined && errorMessage !== null && typeof errorMessage !== 'string')
    return `errorMessage is ${kindOf(errorMessage)}; the contract allows a string or null`;
  return undefined;
}
