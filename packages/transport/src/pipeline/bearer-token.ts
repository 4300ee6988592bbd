// Policy: attach the bearer token. When the gateway refuses the token — a 401 carrying a signed error body with
// one of the spec's token-refusal codes (E01001/E01002/E01003: no, unknown or expired token) — the refusal came
// before any business processing, so that token is dropped and the call replayed once with a fresh one, even a
// state-changing call. Any other 401 (an HTML page, an unsigned body, another code) proves nothing about what the
// gateway did: it is not replayed, and the call fails with its outcome unknown.
import type { KeyObject } from 'node:crypto';
import { tokenRefusalCodes } from '@codepay/models';
import { isSignedTokenRefusal } from '../envelope/gateway-error-body.js';
import type { TokenSource } from '../token/token-provider.js';
import type { Policy } from './policy.js';

export function bearerTokenPolicy(tokens: TokenSource, platformPublicKey: KeyObject): Policy {
  return {
    name: 'bearerToken',
    async sendRequest(request, next) {
      const token = tokens.current?.() ?? (await tokens.getToken(request));
      request.headers.authorization = `Bearer ${token}`;
      const response = await next(request);
      if (response.http.status !== 401 || request.tokenReplayed) return response;
      if (!(await isSignedTokenRefusal(response.http.bodyText, tokenRefusalCodes, platformPublicKey))) return response;
      request.tokenReplayed = true;
      // That attempt was refused before processing: as far as the outcome goes, it was never sent.
      request.sentAt = undefined;
      tokens.invalidate(token);
      request.headers.authorization = `Bearer ${await tokens.getToken(request)}`;
      return next(request);
    },
  };
}
