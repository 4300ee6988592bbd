// Policy 1: the params must satisfy the service's JSON Schema before anything else happens. Every issue is
// reported at once, each with a JSON pointer to the field, so the caller can fix them all in one go.
import type { ErrorObject } from '@codepay/models';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Policy } from './policy.js';

// The pattern every free-text field carries (spec/bizcontent/common/text.json); its ajv message is unreadable.
const BMP_TEXT_PATTERN = '^[\\u0000-\\uD7FF\\uE000-\\uFFFF]*$';

function describe(error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  let path = error.instancePath;
  let message = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'required':
      path = `${path}/${String(params.missingProperty)}`;
      message = 'is required';
      break;
    case 'additionalProperties':
      path = `${path}/${String(params.additionalProperty)}`;
      message = 'is not a field of this service (check the spelling)';
      break;
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'pattern':
      if (params.pattern === BMP_TEXT_PATTERN) {
        message = 'must contain only characters of 1 to 3 bytes in UTF-8 (no emoji or other supplementary-plane characters)';
      }
      break;
  }
  return { path, message, keyword: error.keyword };
}

export function toValidationIssues(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map(describe);
}

export const validateParamsPolicy: Policy = {
  name: 'validateParams',
  sendRequest(request, next) {
    const { definition, params } = request;
    if (!definition.validateParams(params)) {
      return Promise.reject(
        new ValidationError(`Invalid ${request.service} params, nothing was sent`, {
          service: request.service,
          issues: toValidationIssues(definition.validateParams.errors),
        }),
      );
    }
    return next(request);
  },
};
