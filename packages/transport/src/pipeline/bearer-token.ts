// Policy: attach the bearer token. When the gateway answers 401 (token missing, unknown or expired), only that
// token is dropped and the call is replayed once with a fresh one: a 401 is refused before any business
// processing, so the replay is safe even for state-changing services.
import type { TokenSource } from '../token/token-provider.js';
import type { Policy } from './policy.js';

export function bearerTokenPolicy(tokens: TokenSource): Policy {
  return {
    name: 'bearerToken',
    async sendRequest(request, next) {
      const token = tokens.current?.() ?? (await tokens.getToken(request));
      request.headers.authorization = `Bearer ${token}`;
      const response = await next(request);
      if (response.http.status !== 401 || request.tokenReplayed) return response;
      request.tokenReplayed = true;
      tokens.invalidate(token);
      request.headers.authorization = `Bearer ${await tokens.getToken(request)}`;
      return next(request);
    },
  };
}
