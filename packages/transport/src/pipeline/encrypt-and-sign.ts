// Policy: sign and encrypt the serialized params, on every attempt (a retry is freshly signed). Signing runs on
// the libuv threadpool, so the AES encryption proceeds on this thread while the RSA signature is computed.
import type { KeyObject } from 'node:crypto';
import { aesEncrypt } from '../crypto/aes.js';
import { signPlaintext, type SigningKeys } from '../crypto/signer.js';
import type { CallTrace } from '../tracing.js';
import type { EnvelopeRequest, EnvelopeResponse, Policy, SendNext } from './policy.js';

export interface EnvelopeKeys extends SigningKeys {
  aesKey: KeyObject;
}

export function encryptAndSignPolicy(keys: EnvelopeKeys): Policy {
  return {
    name: 'encryptAndSign',
    async sendRequest(request, next) {
      const trace = request.trace;
      if (trace) return traced(request, next, keys, trace);
      const signing = signPlaintext(request.plaintext, keys);
      const bizContent = aesEncrypt(request.plaintext, keys.aesKey);
      request.body = JSON.stringify({ service: request.service, bizContent, sign: await signing });
      return next(request);
    },
  };
}

/** The same steps, timed for the call's span: the signature (on the threadpool, alongside) and the encryption. */
async function traced(
  request: EnvelopeRequest,
  next: SendNext,
  keys: EnvelopeKeys,
  trace: CallTrace,
): Promise<EnvelopeResponse> {
  const started = performance.now();
  const signing = signPlaintext(request.plaintext, keys).finally(() => {
    trace.signMs += performance.now() - started;
  });
  const bizContent = aesEncrypt(request.plaintext, keys.aesKey);
  trace.encryptMs += performance.now() - started;
  request.body = JSON.stringify({ service: request.service, bizContent, sign: await signing });
  return next(request);
}
