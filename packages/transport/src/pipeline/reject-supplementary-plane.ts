// Policy: the gateway accepts only characters of 1 to 3 bytes in UTF-8. A character above U+FFFF (an emoji) or a
// lone surrogate anywhere in the params — including fields whose schema has no text pattern — is refused here,
// naming its JSON path, rather than being mangled or rejected by the gateway after the request is sent.
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Policy } from './policy.js';

// Any UTF-16 surrogate: in a well-formed string they only occur as pairs encoding code points above U+FFFF.
const SURROGATE = /[\uD800-\uDFFF]/;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const pointer = (keys: readonly string[]) => keys.map((key) => `/${escapePointer(key)}`).join('');

/**
 * Every string value or field name in `value` holding a surrogate, with its JSON pointer. One walk; the keys on the
 * way down are kept on a stack and a pointer is written only for a finding, so clean params (the usual case) cost
 * no string building.
 */
export function findSupplementaryPlaneText(
  value: unknown,
  keys: string[] = [],
  found: ValidationIssue[] = [],
): ValidationIssue[] {
  if (typeof value === 'string') {
    if (SURROGATE.test(value)) {
      found.push({
        path: pointer(keys),
        message:
          'contains a character outside the Basic Multilingual Plane (such as an emoji), which the gateway refuses',
        keyword: 'bmpText',
      });
    }
  } else if (typeof value === 'object' && value !== null) {
    const isArray = Array.isArray(value);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      keys.push(key);
      if (!isArray && SURROGATE.test(key))
        found.push({
          path: pointer(keys),
          message: 'has a field name outside the Basic Multilingual Plane',
          keyword: 'bmpText',
        });
      findSupplementaryPlaneText((value as Record<string, unknown>)[key], keys, found);
      keys.pop();
    }
  }
  return found;
}

export const rejectSupplementaryPlanePolicy: Policy = {
  name: 'rejectSupplementaryPlane',
  sendRequest(request, next) {
    const issues = findSupplementaryPlaneText(request.params);
    if (issues.length > 0) {
      return Promise.reject(
        new ValidationError(`Invalid ${request.service} params, nothing was sent`, {
          service: request.service,
          issues,
        }),
      );
    }
    return next(request);
  },
};
