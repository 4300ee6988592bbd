// Policy: an amount goes out only if the gateway will read exactly the decimal the merchant meant. It runs after the
// schema, which has already checked the type, the form of a decimal string and the range of a number; these are the
// rules JSON Schema cannot state: a number must be finite and written without an exponent (the signed JSON carries
// JavaScript's shortest text of it), a decimal string must be in range too, and no amount may have more decimal
// places than its currency has (10.005 USD, or 0.1 + 0.2 = 0.30000000000000004, would be rounded by someone later).
// Which fields are money, the range and the decimal places per currency all come from the spec (@codepay/models).
import { currencyMinorUnits, moneyLimits } from '@codepay/models';
import { kindOf } from '../describe-value.js';
import { ValidationError, type ValidationIssue } from '../errors.js';
import type { Policy } from './policy.js';

// A currency without known minor units cannot reach this policy through the pipeline (the schema refuses a currency
// outside its enum, and the generator insists that every enum currency has minor units); if one ever does, 2 — the
// ISO 4217 minor units of most currencies, USD among them — is assumed rather than letting any precision through.
const ASSUMED_MINOR_UNITS = 2;

// Digits with an optional point and more digits: no sign, exponent, spaces or leading zeros (spec: money.json).
const DECIMAL_TEXT = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

interface Amount {
  /** The decimal the signed JSON will carry: a string as given, a number as `String(n)` (what JSON.stringify writes). */
  text: string;
  /** How the caller gave it, for messages ("a number", "a decimal string"); never the value itself. */
  kind: string;
}

type Issue = Omit<ValidationIssue, 'path'>;

function readAmount(value: unknown): Amount | Issue {
  if (typeof value === 'number') {
    // `String` names only NaN or ±Infinity here: kinds of number, not anyone's data.
    if (!Number.isFinite(value))
      return { message: `must be a finite number; received ${String(value)}`, keyword: 'finite' };
    const text = String(value);
    if (/e/i.test(text)) {
      return {
        message:
          'must be a number JavaScript writes without an exponent (below 1e21, and 0.000001 or more); received a number written with one',
        keyword: 'exponent',
      };
    }
    return { text, kind: 'a number' };
  }
  if (typeof value === 'string') {
    if (DECIMAL_TEXT.test(value)) return { text: value, kind: 'a decimal string' };
    return {
      message:
        'must be digits with an optional "." and more digits (no sign, exponent, spaces or leading zeros); received a string that is not',
      keyword: 'decimalText',
    };
  }
  return { message: `must be a number or a decimal string; received ${kindOf(value)}`, keyword: 'type' };
}

/** Compares two decimal texts of the DECIMAL_TEXT form exactly (no floating point): -1, 0 or 1. */
function compareDecimalText(a: string, b: string): number {
  const [aWhole = '', aFraction = ''] = a.split('.');
  const [bWhole = '', bFraction = ''] = b.split('.');
  if (aWhole.length !== bWhole.length) return aWhole.length < bWhole.length ? -1 : 1;
  if (aWhole !== bWhole) return aWhole < bWhole ? -1 : 1;
  const width = Math.max(aFraction.length, bFraction.length);
  const [x, y] = [aFraction.padEnd(width, '0'), bFraction.padEnd(width, '0')];
  return x === y ? 0 : x < y ? -1 : 1;
}

function rangeIssue({ text, kind }: Amount): Issue | undefined {
  const { exclusiveMinimum, maximum } = moneyLimits;
  // A negative number's text has a sign; DECIMAL_TEXT already kept signs out of strings.
  if (text.startsWith('-') || compareDecimalText(text, String(exclusiveMinimum)) <= 0) {
    return {
      message: `must be greater than ${exclusiveMinimum}; received ${kind} that is not`,
      keyword: 'exclusiveMinimum',
    };
  }
  if (compareDecimalText(text, String(maximum)) > 0) {
    return { message: `must be at most ${maximum}; received ${kind} above it`, keyword: 'maximum' };
  }
  return undefined;
}

function decimalPlacesIssue({ text, kind }: Amount, currency: unknown): Issue | undefined {
  const known = typeof currency === 'string' && Object.hasOwn(currencyMinorUnits, currency);
  const allowed = known ? currencyMinorUnits[currency]! : ASSUMED_MINOR_UNITS;
  const point = text.indexOf('.');
  const places = point < 0 ? 0 : text.length - point - 1;
  if (places <= allowed) return undefined;
  const where = known
    ? `for ${currency}`
    : `(its currency's decimal places are unknown, so ${ASSUMED_MINOR_UNITS} are assumed)`;
  return {
    message: `must have at most ${allowed} decimal places ${where}; received ${kind} with ${places}`,
    keyword: 'decimalPlaces',
  };
}

const pointer = (field: string) => `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * What is wrong with each money field of `params`, one issue per field. The currency of an amount is the params'
 * `currency` field: the generator refuses a spec where a service has money but no such field with minor units.
 */
export function findMoneyIssues(params: Record<string, unknown>, moneyFields: readonly string[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const field of moneyFields) {
    if (!Object.hasOwn(params, field) || params[field] === undefined) continue; // absent: `required` is the schema's job
    const amount = readAmount(params[field]);
    const issue = 'message' in amount ? amount : (rangeIssue(amount) ?? decimalPlacesIssue(amount, params.currency));
    if (issue) issues.push({ path: pointer(field), ...issue });
  }
  return issues;
}

export const checkMoneyPolicy: Policy = {
  name: 'checkMoney',
  sendRequest(request, next) {
    const { moneyFields } = request.definition;
    const params = request.params;
    // Most services have no money: they pay one length check.
    if (moneyFields.length === 0 || typeof params !== 'object' || params === null) return next(request);
    const issues = findMoneyIssues(params as Record<string, unknown>, moneyFields);
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
