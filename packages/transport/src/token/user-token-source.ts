// Adapts the user's `tokenProvider` option to the pipeline: the provider gets the caller's abort signal, and the
// call still stops waiting at its deadline even if the provider ignores the signal.
import { AuthenticationError, isCodePayError } from '../errors.js';
import { waitForCaller } from './token-manager.js';
import type { TokenProvider, TokenSource } from './token-provider.js';

export function userTokenSource(provider: TokenProvider): TokenSource {
  const getToken = typeof provider === 'function' ? provider : provider.getToken.bind(provider);
  const invalidate = typeof provider === 'function' ? undefined : provider.invalidate?.bind(provider);
  return {
    async getToken(call) {
      let token: unknown;
      try {
        token = await waitForCaller(Promise.resolve().then(() => getToken({ signal: call.signal })), call, Date.now);
      } catch (error) {
        if (isCodePayError(error)) throw error;
        throw new AuthenticationError('The tokenProvider failed; nothing was sent. See `cause`.', { cause: error });
      }
      if (typeof token !== 'string' || token === '') {
        throw new AuthenticationError(`The tokenProvider returned ${token === '' ? 'an empty string' : typeof token}; it must resolve to the bearer token text.`);
      }
      return token;
    },
    invalidate(token) {
      invalidate?.(token);
    },
  };
}
