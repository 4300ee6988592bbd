// The gateway's error body `{code, msg, psn, sign}`. Its `sign` covers `code=<code>&msg=<msg>&psn=<psn>`: keys
// sorted, empty values left out, `sign` itself excluded (the vendor's rule for flat messages).
import { verifyPlatformSignature, type PlatformKeys } from '../crypto/platform-keys.js';
import { parseJsonBounded } from '../json-exact.js';

export interface GatewayErrorBody {
  code: string;
  msg: string;
  psn?: string;
  sign?: string;
}

export function isGatewayErrorBody(value: unknown): value is GatewayErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, msg, psn, sign } = value as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    typeof msg === 'string' &&
    (psn === undefined || psn === null || typeof psn === 'string') &&
    (sign === undefined || sign === null || typeof sign === 'string')
  );
}

/**
 * A signed refusal of the bearer token (one of `codes`, the spec's token-refusal codes) whose signature verifies:
 * the gateway refused the request before any processing, so it may be sent again with a fresh token.
 */
export async function isSignedTokenRefusal(
  bodyText: string,
  codes: readonly string[],
  platformPublicKey: PlatformKeys,
): Promise<boolean> {
  let body: unknown;
  try {
    body = parseJsonBounded(bodyText);
  } catch {
    return false;
  }
  if (!isGatewayErrorBody(body) || !isSigned(body) || !codes.includes(body.code)) return false;
  return verifyPlatformSignature(gatewayErrorSigningText(body), body.sign, platformPublicKey);
}

// `"psn":"…"` at the top level of an answer, for log lines about an answer not yet verified (a retried 503): the
// envelope's other strings are Base64 or signed fields, none of which can hold that text.
const PSN_FIELD = /"psn"\s*:\s*"([A-Za-z0-9._:-]{1,128})"/;

/** The psn an answer body names, when it names one, read without parsing the body (and never trusted for anything else). */
export function peekPsn(bodyText: string): string | undefined {
  return bodyText.length > 65_536 ? undefined : PSN_FIELD.exec(bodyText)?.[1];
}

/** The exact text the platform signs for an error body. */
export function gatewayErrorSigningText(body: Pick<GatewayErrorBody, 'code' | 'msg' | 'psn'>): string {
  return Object.entries({ code: body.code, msg: body.msg, psn: body.psn })
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** Whether the body carries a signature at all (whether it verifies is gatewayErrorSignatureHolds's question). */
export function isSigned(body: GatewayErrorBody): body is GatewayErrorBody & { sign: string } {
  return typeof body.sign === 'string' && body.sign !== '';
}

/** `true` when unsigned (nothing to check) or the signature verifies; `false` for a forged or damaged body. */
export async function gatewayErrorSignatureHolds(
  body: GatewayErrorBody,
  platformPublicKey: PlatformKeys,
): Promise<boolean> {
  if (!isSigned(body)) return true;
  return verifyPlatformSignature(gatewayErrorSigningText(body), body.sign, platformPublicKey);
}
