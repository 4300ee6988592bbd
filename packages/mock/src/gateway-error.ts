// The signed gateway error body `{code, msg, psn, sign}`. Its signature follows the vendor's rule for flat messages
// (decided in the spec): `key=value` pairs sorted by key, empty values left out, `sign` itself excluded, joined
// with `&`, signed SHA256withRSA with the platform private key.

import type { KeyObject } from 'node:crypto';
import { signRsaSha256 } from '@codepay/transport';
import { GATEWAY_ERROR_MESSAGES, TEXTS, type Language, type MessageCode } from './messages.js';

/** The HTTP status each gateway code is sent with (the spec's `x-codepay-error-codes` states the same). */
export const GATEWAY_ERROR_HTTP_STATUS = {
  E07303: 200,
  E01001: 401,
  E01002: 401,
  E01003: 401,
  E01010: 401,
  E01011: 401,
  E01012: 401,
  E02001: 400,
  E02002: 400,
  E02003: 400,
  E04040: 404,
  E04050: 405,
  E05000: 500,
  E05030: 503,
  MOCK_SCENARIO: 400,
} as const satisfies Record<MessageCode, number>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_HTTP_STATUS;

export interface GatewayErrorBody {
  code: string;
  msg: string;
  psn: string;
  sign: string;
}

export function isKnownGatewayErrorCode(code: string): code is GatewayErrorCode {
  return Object.hasOwn(GATEWAY_ERROR_HTTP_STATUS, code);
}

/** The text a flat message's `sign` covers: sorted `key=value` pairs without empty values, joined by `&`. */
export function flatSigningText(fields: Readonly<Record<string, string | undefined | null>>): string {
  return Object.keys(fields)
    .filter((key) => key !== 'sign')
    .sort()
    .flatMap((key) => {
      const value = fields[key];
      return value === undefined || value === null || value === '' ? [] : [`${key}=${value}`];
    })
    .join('&');
}

/** The localized `msg` for a code; codes the mock has no text for (from `gateway-error:<code>`) get a generic one. */
export function gatewayErrorMessage(code: string, language: Language): string {
  const messages = isKnownGatewayErrorCode(code) ? GATEWAY_ERROR_MESSAGES[code] : TEXTS.simulatedGatewayError;
  return messages[language];
}

export interface GatewayErrorSpec {
  code: string;
  language: Language;
  psn: string;
  /** Appended to the localized message, e.g. which scenario name was not understood. */
  detail?: string;
}

export async function createGatewayErrorBody(
  spec: GatewayErrorSpec,
  platformPrivateKey: KeyObject,
): Promise<GatewayErrorBody> {
  const base = gatewayErrorMessage(spec.code, spec.language);
  const msg = spec.detail ? `${base}: ${spec.detail}` : base;
  const fields = { code: spec.code, msg, psn: spec.psn };
  return { ...fields, sign: await signRsaSha256(flatSigningText(fields), platformPrivateKey) };
}
