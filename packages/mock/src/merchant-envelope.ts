// Opening the merchant's /api/v2/pay envelope `{service, bizContent, sign}`: decrypt with the merchant's AES key,
// then verify the merchant's signature over exactly the decrypted text. The result says which check failed, and
// the pay handler decides when that failure is answered (the bearer token is checked first).

import { aesDecrypt, verifyRsaSha256 } from '@codepay/transport';
import type { ReceivedBody } from './http-io.js';
import type { LoadedGatewayKeys } from './keys.js';

export type OpenedEnvelope =
  /** Not JSON, not an object, or `service`, `bizContent` or `sign` missing or not a non-empty string. */
  | { ok: false; code: 'E02003'; service?: string }
  /** bizContent does not decrypt with the registered AES key. */
  | { ok: false; code: 'E02002'; service: string }
  /** The signature does not verify over the decrypted text. */
  | { ok: false; code: 'E02001'; service: string; params?: unknown }
  | { ok: true; service: string; params: ParsedParams };

export type ParsedParams = { json: true; value: unknown } | { json: false };

function parseJson(text: string): { json: true; value: unknown } | { json: false } {
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false };
  }
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export async function openMerchantEnvelope(body: ReceivedBody, keys: LoadedGatewayKeys): Promise<OpenedEnvelope> {
  const parsed = body.tooLarge ? { json: false as const } : parseJson(body.text);
  if (!parsed.json || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    return { ok: false, code: 'E02003' };
  }
  const { service, bizContent, sign } = parsed.value as Record<string, unknown>;
  if (!nonEmptyString(service) || !nonEmptyString(bizContent) || !nonEmptyString(sign)) {
    return typeof service === 'string' ? { ok: false, code: 'E02003', service } : { ok: false, code: 'E02003' };
  }
  let plaintext: string;
  try {
    plaintext = aesDecrypt(bizContent, keys.aesKey);
  } catch {
    return { ok: false, code: 'E02002', service };
  }
  const params = parseJson(plaintext);
  if (!(await verifyRsaSha256(plaintext, sign, keys.merchantPublicKey))) {
    return params.json
      ? { ok: false, code: 'E02001', service, params: params.value }
      : { ok: false, code: 'E02001', service };
  }
  return { ok: true, service, params };
}
