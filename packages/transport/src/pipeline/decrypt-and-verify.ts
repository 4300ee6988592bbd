// Policy: read the wire answer. A success envelope is decrypted and its signature verified over exactly the
// decrypted text; the error body becomes a GatewayError (or AuthenticationError on 401) once its signature, when
// present, holds; anything else — HTML, empty, truncated, non-JSON — is a ResponseFormatError carrying the HTTP
// status. Never a bare SyntaxError, never unverified data.
import type { KeyObject } from 'node:crypto';
import type { PlatformKeys } from '../crypto/platform-keys.js';
import { AuthenticationError, GatewayError, ResponseFormatError, SignatureVerificationError } from '../errors.js';
import { gatewayErrorSignatureHolds, isGatewayErrorBody, isSigned } from '../envelope/gateway-error-body.js';
import { openSignedEnvelope } from '../envelope/open-envelope.js';
import { JsonTooDeep, parseJsonBounded } from '../json-exact.js';
import { answerContext, type Policy } from './policy.js';

function describeBody(text: string): string {
  const start = text.trimStart();
  if (start === '') return 'an empty body';
  if (start.startsWith('<')) return 'an HTML page (a proxy or load balancer answered, not the gateway)';
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON that is cut off or malformed';
  return 'a body that is not JSON';
}

const stringField = (body: Record<string, unknown>, key: string) =>
  typeof body[key] === 'string' ? (body[key] as string) : undefined;

export function decryptAndVerifyPolicy(keys: { aesKey: KeyObject; platformPublicKey: PlatformKeys }): Policy {
  return {
    name: 'decryptAndVerify',
    async sendRequest(request, next) {
      const response = await next(request);
      const { status, bodyText } = response.http;
      const service = request.service;
      let wire: unknown;
      try {
        wire = parseJsonBounded(bodyText);
      } catch (error) {
        const what =
          error instanceof JsonTooDeep
            ? `JSON nested deeper than ${error.maxDepth} levels (refused unparsed)`
            : describeBody(bodyText);
        throw new ResponseFormatError(`The ${service} call got HTTP ${status} with ${what}.`, {
          service,
          httpStatus: status,
        });
      }
      if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
        throw new ResponseFormatError(`The ${service} call got HTTP ${status} with JSON that is not an object.`, {
          service,
          httpStatus: status,
        });
      }
      const body = wire as Record<string, unknown>;
      const psn = stringField(body, 'psn');
      if (psn !== undefined) request.psn = psn;
      if (isGatewayErrorBody(body)) {
        if (!(await gatewayErrorSignatureHolds(body, keys.platformPublicKey))) {
          throw new SignatureVerificationError(
            `The gateway error body (code ${body.code}) for ${service} has a signature that does not verify; it was discarded.`,
            answerContext(service, status, psn),
          );
        }
        // Only a refusal the platform signed, outside the 5xx range (a server error may come after partial work),
        // proves nothing happened; an unsigned body could come from anything between us and the gateway.
        const context =
          isSigned(body) && status < 500
            ? { ...answerContext(service, status, psn), outcomeUnknown: false }
            : answerContext(service, status, psn);
        if (status === 401) {
          throw new AuthenticationError(
            `The gateway refused the token for ${service} even after a fresh one: ${body.code} ${body.msg}.`,
            { ...context, code: body.code },
          );
        }
        throw new GatewayError(
          `The gateway refused the ${service} call: ${body.code} ${body.msg}${psn ? ` (psn ${psn})` : ''}.`,
          { ...context, code: body.code, msg: body.msg },
        );
      }
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
