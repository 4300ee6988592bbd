// The signed gateway error body `{code, msg, psn, sign}`, signed by the vendor's rule for flat messages (decided in
// the spec; `flatSigningText` of @codepay/transport, which the client verifies with) with the platform private key.
// Each code is sent with the HTTP status the spec gives it.

import type { KeyObject } from 'node:crypto';
import { gatewayErrorHttpStatus, type GatewayErrorBody as SpecGatewayErrorBody } from '@codepay/models';
import { signRsaSha256 } from '@codepay/transport';
import { flatSigningText } from '@codepay/transport/internal';
import { GATEWAY_ERROR_MESSAGES, TEXTS, type Language } from './messages.js';

/** The HTTP status each gateway code is sent with: the spec's (`x-codepay-error-codes`), and the mock's own code. */
export const GATEWAY_ERROR_HTTP_STATUS = { ...gatewayErrorHttpStatus, MOCK_SCENARIO: 400 } as const;

/**
 * A code the mock answers with its own status and message: one of the spec's, or the mock's `MOCK_SCENARIO` (an
 * `x-mock-scenario` it does not understand, a typo in a test; not a gateway code).
 */
export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_HTTP_STATUS;

/** The error body as the mock sends it: always with a `psn` and signed. */
export type GatewayErrorBody = Required<SpecGatewayErrorBody>;

export function isKnownGatewayErrorCode(code: string): code is GatewayErrorCode {
  return Object.hasOwn(GATEWAY_ERROR_HTTP_STATUS, code);
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
