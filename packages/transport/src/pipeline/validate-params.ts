// Policy: the params must satisfy the service's JSON Schema before anything else happens. Every issue is
// reported at once, each with a JSON pointer to the field and a message in words: the rule (for a pattern, the
// spec's `x-codepay-rule`, never the regular expression) and what was received — the offending character, a
// length or a kind, never the value itself (it may be personal data).
import { patternRules, type ErrorObject } from '@codepay/models';
import { describeChoice, kindOf } from '../describe-value.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Policy } from './policy.js';

const TYPE_WORDS: Record<string, string> = {
  string: 'text (a string)',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

// A pattern that is one character class repeated (`^[A-Za-z0-9 ]*$`, `^[0-9]{1,20}$`): its first character outside
// the class can be named.
const ONE_CLASS = /^\^(\[[^\]]+\])(?:\*|\+|\{\d+(?:,\d*)?\})\$$/;

/** The value at `pointer` (`/payer/firstName`) in `root`, read as own data only. */
function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The first character of `text` the one-class pattern does not allow, as `","` or `U+1F600`. */
function offendingCharacter(text: string, characterClass: string): string | undefined {
  const allowed = new RegExp(`^${characterClass}$`);
  for (const character of text) {
    if (allowed.test(character)) continue;
    const code = character.codePointAt(0)!;
    return code > 0xffff || (code >= 0xd800 && code <= 0xdfff) || code < 0x20
      ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
      : JSON.stringify(character);
  }
  return undefined;
}

function patternMessage(pattern: string, value: unknown): string {
  const rule = patternRules[pattern] ?? 'the documented format';
  const characterClass = ONE_CLASS.exec(pattern)?.[1];
  if (typeof value === 'string' && characterClass !== undefined) {
    const found = offendingCharacter(value, characterClass);
    if (found !== undefined) return `may contain only ${rule}; found ${found}`;
  }
  return `must be ${rule} (received ${typeof value === 'string' ? `a ${value.length}-character string` : kindOf(value)})`;
}

const characters = (n: unknown) => `${String(n)} character${n === 1 ? '' : 's'}`;
const lengthOf = (value: unknown) => (typeof value === 'string' ? value.length : 'no');

function describe(error: ErrorObject, params: unknown): ValidationIssue {
  const details = error.params as Record<string, unknown>;
  let path = error.instancePath;
  const value = () => valueAt(params, error.instancePath);
  // The validators carry no message strings (smaller code): every keyword the spec uses is worded below.
  let message = error.message ?? `does not meet the contract's "${error.keyword}" rule`;
  switch (error.keyword) {
    case 'required':
      path = `${path}/${String(details.missingProperty)}`;
      message = 'is required';
      break;
    case 'additionalProperties':
      path = `${path}/${String(details.additionalProperty)}`;
      message = 'is not a field of this service (check the spelling)';
      break;
    case 'enum':
      // The value is shown only when it is a near miss of an allowed one ("true" for "True"): anything else may be
      // text pasted into the wrong field.
      message = `must be one of ${(details.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; received ${describeChoice(value(), (details.allowedValues as unknown[]).map(String))}`;
      break;
    case 'type': {
      const words = String(details.type)
        .split(',')
        .map((type) => TYPE_WORDS[type] ?? type);
      message = `must be ${words.join(' or ')}; received ${kindOf(value())}`;
      break;
    }
    case 'pattern':
      message = patternMessage(String(details.pattern), value());
      break;
    case 'minLength':
      message =
        details.limit === 1
          ? 'must not be empty'
          : `must be at least ${characters(details.limit)}; received ${characters(lengthOf(value()))}`;
      break;
    case 'maxLength':
      message = `must be at most ${characters(details.limit)}; received ${characters(lengthOf(value()))}`;
      break;
    case 'minimum':
      message = `must be at least ${String(details.limit)}`;
      break;
    case 'maximum':
      message = `must be at most ${String(details.limit)}`;
      break;
    case 'exclusiveMinimum':
      message = `must be greater than ${String(details.limit)}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(details.allowedValue)}`;
      break;
    case 'anyOf':
      message = 'matches none of the forms the contract allows';
      break;
  }
  return { path, message, keyword: error.keyword };
}

/** The issues of a failed validation, in words. `data` is what was validated (to name what was received). */
export function toValidationIssues(
  errors: readonly ErrorObject[] | null | undefined,
  data?: unknown,
): ValidationIssue[] {
  return (errors ?? []).map((error) => describe(error, data));
}

export const validateParamsPolicy: Policy = {
  name: 'validateParams',
  sendRequest(request, next) {
    const { definition, params } = request;
    if (!definition.validateParams(params)) {
      return Promise.reject(
        new ValidationError(`Invalid ${request.service} params, nothing was sent`, {
          service: request.service,
          issues: toValidationIssues(definition.validateParams.errors, params),
        }),
      );
    }
    return next(request);
  },
};
