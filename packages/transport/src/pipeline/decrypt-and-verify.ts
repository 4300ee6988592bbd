// Policy: read the wire answer (read-gateway-answer.ts, shared with the token request). A success envelope is
// decrypted and its signature verified over exactly the decrypted text; the error body becomes a GatewayError (or
// AuthenticationError on 401) once its signature, when present, holds; anything else is a ResponseFormatError
// carrying the HTTP status. Never a bare SyntaxError, never unverified data.
import type { KeyObject } from 'node:crypto';
import type { PlatformKeys } from '../crypto/platform-keys.js';
import { AuthenticationError, GatewayError, ResponseFormatError, SignatureVerificationError } from '../errors.js';
import { openSignedEnvelope } from '../envelope/open-envelope.js';
import { readGatewayAnswer, type AnswerReader } from '../envelope/read-gateway-answer.js';
import { answerContext, type Policy } from './policy.js';

const stringField = (body: Record<string, unknown>, key: string) =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

/** A refusal of a call: on 401, of its token (even a fresh one, or bearerToken would have replayed the call). */
const refusal: AnswerReader['refusal'] = (body, context, signed) => {
  const { service, psn, httpStatus } = context;
  // Only a refusal the platform signed, outside the 5xx range (a server error may come after partial work), proves
  // nothing happened; an unsigned body could come from anything between us and the gateway.
  const known = signed && httpStatus < 500 ? { ...context, outcomeUnknown: false } : context;
  if (httpStatus === 401) {
    return new AuthenticationError(
      `The gateway refused the token for ${service} even after a fresh one: ${body.code} ${body.msg}.`,
      { ...known, code: body.code },
    );
  }
  return new GatewayError(
    `The gateway refused the ${service} call: ${body.code} ${body.msg}${psn ? ` (psn ${psn})` : ''}.`,
    { ...known, code: body.code, msg: body.msg },
  );
};

export function decryptAndVerifyPolicy(keys: { aesKey: KeyObject; platformPublicKey: PlatformKeys }): Policy {
  const reader: AnswerReader = { platformPublicKey: keys.platformPublicKey, refusal };
  return {
    name: 'decryptAndVerify',
    async sendRequest(request, next) {
      const response = await next(request);
      const { status, bodyText } = response.http;
      const service = request.service;
      const { body, psn } = await readGatewayAnswer(status, bodyText, reader, service);
      if (psn !== undefined) request.psn = psn;
      const bizContent = stringField(body, 'bizContent');
      const sign = stringField(body, 'sign');
      // `psn` comes from the other documentation set and `statusCode`'s value is decided: used when present, never
      // required (a 0 written as text is read as 0). `bizContent` and `sign` are the documented envelope.
      const success = body.statusCode === undefined || body.statusCode === 0 || body.statusCode === '0';
      if (status !== 200 || !success || bizContent === undefined) {
        const missing = ['bizContent'].filter((key) => body[key] === undefined);
        throw new ResponseFormatError(
          `The ${service} call got HTTP ${status} with JSON that is neither a success envelope nor an error body` +
            `${missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''}.`,
          answerContext(service, status, psn),
        );
      }
      if (sign === undefined) {
        throw new SignatureVerificationError(
          `The ${service} response carries no signature; its content was discarded.`,
          answerContext(service, status, psn),
        );
      }
      response.psn = psn;
      response.plaintext = await openSignedEnvelope(bizContent, sign, keys, {
        what: 'response',
        service,
        psn,
        timings: request.trace,
      });
      return response;
    },
  };
}
