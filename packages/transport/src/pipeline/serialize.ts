// Policy: serialize the params exactly once. The same text is then signed and encrypted on every attempt, so
// the signature always covers exactly the bytes that are encrypted (no re-serialization, no key sorting needed).
//
// Money: an amount given as decimal text ("10.10") is written as the JSON number 10.10 — its digits exactly as given,
// trailing zeros kept — so the signed text carries the merchant's decimal and not a string or a float's rounding.
// Money fields are top-level (spec: x-codepay-money), so only when one holds text is the top-level object written
// here, each value by JSON.stringify: still one pass, and no text is searched or replaced afterwards, so nothing in
// another field can ever be taken for an amount.
import type { Policy } from './policy.js';

// The JSON number grammar without sign or exponent. The schema and the checkMoney policy have refused anything else
// already; this guard alone decides what is written unquoted, so a string that is not a plain number never is.
const JSON_DECIMAL = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

function isDecimalText(value: unknown): value is string {
  return typeof value === 'string' && JSON_DECIMAL.test(value);
}

function hasDecimalText(params: Record<string, unknown>, moneyFields: readonly string[]): boolean {
  return moneyFields.some((field) => Object.hasOwn(params, field) && isDecimalText(params[field]));
}

/** The top-level object as JSON.stringify writes it, except that money fields holding decimal text go unquoted. */
function stringifyWithDecimalText(params: Record<string, unknown>, moneyFields: readonly string[]): string {
  const members: string[] = [];
  // Object.keys is the order JSON.stringify uses (own enumerable string keys).
  for (const key of Object.keys(params)) {
    const value = params[key];
    const written = moneyFields.includes(key) && isDecimalText(value) ? value : JSON.stringify(value);
    // JSON.stringify leaves out members whose value has no JSON form (undefined, functions, symbols).
    if (written !== undefined) members.push(`${JSON.stringify(key)}:${written}`);
  }
  return `{${members.join(',')}}`;
}

/** The exact JSON text of the params: `JSON.stringify(params)`, with decimal-text money written as numbers. */
export function serializeParams(params: unknown, moneyFields: readonly string[]): string {
  // The usual case — no money in this service, or amounts given as numbers — is JSON.stringify and nothing more.
  if (moneyFields.length === 0 || typeof params !== 'object' || params === null || Array.isArray(params))
    return JSON.stringify(params);
  const record = params as Record<string, unknown>;
  return hasDecimalText(record, moneyFields) ? stringifyWithDecimalText(record, moneyFields) : JSON.stringify(params);
}

export const serializePolicy: Policy = {
  name: 'serialize',
  sendRequest(request, next) {
    try {
      request.plaintext = serializeParams(request.params, request.definition.moneyFields);
    } catch (error) {
      // Validation ran first, so this is not expected; a policy still answers with a rejection, never a throw.
      return Promise.reject(error);
    }
    return next(request);
  },
};
