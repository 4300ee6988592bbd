// The texts that are signed besides an envelope's plaintext (decided in the spec). Both ends build them here: the
// client signs the token request and verifies error bodies with them, and the mock gateway (`@codepay/mock`) verifies
// and signs with the same functions, so the two can never drift apart.
import type { GatewayErrorBody } from '@codepay/models';

/**
 * The vendor's rule for a flat message: `key=value` pairs sorted by key, empty (`''`, `null`, absent) values left
 * out, `sign` itself excluded, joined with `&`.
 */
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

/** The exact text the platform signs for an error body: `code=<code>&msg=<msg>&psn=<psn>` by the flat rule. */
export function gatewayErrorSigningText(body: Pick<GatewayErrorBody, 'code' | 'msg' | 'psn'>): string {
  return flatSigningText({ code: body.code, msg: body.msg, psn: body.psn });
}

/** The text the token request's `sign` covers: `appId=<appId>&timestamp=<timestamp>`. */
export function tokenSigningText(appId: string, timestamp: string): string {
  return `appId=${appId}&timestamp=${timestamp}`;
}
