// Policy 3: serialize the params exactly once. The same text is then signed and encrypted on every attempt, so
// the signature always covers exactly the bytes that are encrypted (no re-serialization, no key sorting needed).
import type { Policy } from './policy.js';

export const serializePolicy: Policy = {
  name: 'serialize',
  sendRequest(request, next) {
    try {
      request.plaintext = JSON.stringify(request.params);
    } catch (error) {
      // Validation ran first, so this is not expected; a policy still answers with a rejection, never a throw.
      return Promise.reject(error);
    }
    return next(request);
  },
};
