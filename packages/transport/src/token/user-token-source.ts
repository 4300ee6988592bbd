// Adapts the user's `tokenProvider` option to the pipeline: the provider gets the caller's abort signal, and the
// call still stops waiting at its deadline (and per-attempt timeout) even if the provider ignores the signal.
import { AuthenticationError, ConfigurationError, isCodePayError } from '../errors.js';
import { waitForCaller } from './token-manager.js';
import { isBearerToken, type TokenProvider, type TokenSource } from './token-provider.js';

const PENDING = Symbol('pending');
/** Settled before any promise that is not yet settled: `Promise.race([p, NOT_YET])` tells whether `p` already was. */
const NOT_YET = Promise.resolve(PENDING);

export function userTokenSource(provider: TokenProvider): TokenSource {
  if (typeof provider !== 'function' && typeof (provider as { getToken?: unknown } | null)?.getToken !== 'function') {
    throw new ConfigurationError(
      'must be a function returning a token, or an object with getToken() (and optionally invalidate()).',
      { option: 'tokenProvider' },
    );
  }
  const getToken = typeof provider === 'function' ? provider : provider.getToken.bind(provider);
  const invalidate = typeof provider === 'function' ? undefined : provider.invalidate?.bind(provider);
  return {
    async getToken(call) {
      let token: unknown;
      try {
        const answer = getToken({ signal: call.signal });
        // A provider that already holds its token (the usual case: it caches) answers at once; only one still
        // working is raced against the caller's abort signal and deadline, which costs a timer.
        const first = await Promise.race([answer, NOT_YET]);
        token = first === PENDING ? await waitForCaller(Promise.resolve(answer), call) : first;
      } catch (error) {
        if (isCodePayError(error)) throw error;
        throw new AuthenticationError('The tokenProvider failed; nothing was sent. See `cause`.', { cause: error });
      }
      if (!isBearerToken(token)) {
        const received =
          typeof token !== 'string'
            ? typeof token
            : token === ''
              ? 'an empty string'
              : 'text with characters a bearer token cannot have';
        throw new AuthenticationError(
          `The tokenProvider returned ${received}; it must resolve to the bearer token text (RFC 6750 characters); nothing was sent.`,
        );
      }
      return token;
    },
    invalidate(token) {
      invalidate?.(token);
    },
  };
}
