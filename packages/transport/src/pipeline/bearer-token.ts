// Policy: attach the bearer token. When the gateway refuses the token — a 401 carrying a signed error body with
// one of the spec's token-refusal codes (E01001/E01002/E01003: no, unknown or expired token) — the refusal came
// before any business processing, so that token is dropped and the call replayed once with a fresh one, even a
// state-changing call. Any other 401 (an HTML page, an unsigned body, another code) proves nothing about what the
// gateway did: it is not replayed, and the call fails with its outcome unknown.
import type { PlatformKeys } from '../crypto/platform-keys.js';
import { tokenRefusalCodes } from '@codepay/models';
import { isSignedTokenRefusal } from '../envelope/gateway-error-body.js';
import type { TokenSource } from '../token/token-provider.js';
import type { EnvelopeRequest, Policy } from './policy.js';

export function bearerTokenPolicy(tokens: TokenSource, platformPublicKey: PlatformKeys): Policy {
  return {
    name: 'bearerToken',
    async sendRequest(request, next) {
      const token = tokens.current?.() ?? (await waitForToken(tokens, request, 'missing'));
      request.headers.authorization = `Bearer ${token}`;
      const response = await next(request);
      if (response.http.status !== 401 || request.tokenReplayed) return response;
      if (!(await isSignedTokenRefusal(response.http.bodyText, tokenRefusalCodes, platformPublicKey))) return response;
      request.tokenReplayed = true;
      // That attempt was refused before processing: as far as the outcome goes, it was never sent.
      request.sentAt = undefined;
      tokens.invalidate(token);
      request.headers.authorization = `Bearer ${await waitForToken(tokens, request, 'refused')}`;
      return next(request);
    },
  };
}

/** A token the call has to wait for (none cached, or the gateway refused the one it had): an event on the call's span. */
async function waitForToken(
  tokens: TokenSource,
  request: EnvelopeRequest,
  reason: 'missing' | 'refused',
): Promise<string> {
  const trace = request.trace;
  if (!trace) return tokens.getToken(request);
  const started = performance.now();
  trace.event('codepay.token.refresh', { 'codepay.token.reason': reason });
  try {
    return await tokens.getToken(request);
  } finally {
    trace.tokenWaitMs += performance.now() - started;
  }
}
