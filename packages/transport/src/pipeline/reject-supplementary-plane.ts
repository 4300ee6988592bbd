// Policy 2: the gateway accepts only characters of 1 to 3 bytes in UTF-8. A character above U+FFFF (an emoji) or a
// lone surrogate anywhere in the params — including fields whose schema has no text pattern — is refused here,
// naming its JSON path, rather than being mangled or rejected by the gateway after the request is sent.
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Policy } from './policy.js';

// Any UTF-16 surrogate: in a well-formed string they only occur as pairs encoding code points above U+FFFF.
const SURROGATE = /[\uD800-\uDFFF]/;

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function findSupplementaryPlaneText(value: unknown, path = '', found: ValidationIssue[] = []): ValidationIssue[] {
  if (typeof value === 'string') {
    if (SURROGATE.test(value)) {
      found.push({ path, message: 'contains a character outside the Basic Multilingual Plane (such as an emoji), which the gateway refuses', keyword: 'bmpText' });
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findSupplementaryPlaneText(item, `${path}/${index}`, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = `${path}/${escapePointer(key)}`;
      if (SURROGATE.test(key)) found.push({ path: itemPath, message: 'has a field name outside the Basic Multilingual Plane', keyword: 'bmpText' });
      findSupplementaryPlaneText(item, itemPath, found);
    }
  }
  return found;
}

/** Whether any string (value or key) in `value` holds a surrogate: the common answer, no, without building paths. */
function hasSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return SURROGATE.test(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (hasSurrogate(value[index])) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && (SURROGATE.test(key) || hasSurrogate((value as Record<string, unknown>)[key]))) return true;
  }
  return false;
}

export const rejectSupplementaryPlanePolicy: Policy = {
  name: 'rejectSupplementaryPlane',
  sendRequest(request, next) {
    if (hasSurrogate(request.params)) {
      const issues = findSupplementaryPlaneText(request.params);
      return Promise.reject(new ValidationError(`Invalid ${request.service} params, nothing was sent`, { service: request.service, issues }));
    }
    return next(request);
  },
};
