// The one reader of the gateway's answers, for the token endpoint and /api/v2/pay alike: the body must be a JSON
// object; the gateway's error body `{code, msg, psn, sign}` becomes a typed refusal once its signature, when
// present, verifies with the platform key ring; anything else — HTML, empty, cut off, nested too deep, not JSON —
// is a ResponseFormatError carrying the HTTP status. Never a bare SyntaxError, never an unverified refusal. What a
// success looks like is the caller's: a token answer, or the encrypted envelope (opened by open-envelope.ts).
import type { GatewayErrorBody } from '@codepay/models';
import type { PlatformKeys } from '../crypto/platform-keys.js';
import { ResponseFormatError, SignatureVerificationError, type CodePayError } from '../errors.js';
import { JsonTooDeep, parseJsonBounded } from '../json-exact.js';
import { gatewayErrorSignatureHolds, isGatewayErrorBody, isSigned } from './gateway-error-body.js';

/** What an error about an answer carries: the service (when there is one), the HTTP status, the psn when known. */
export interface AnswerContext<S extends string | undefined = string | undefined> {
  service: S;
  httpStatus: number;
  psn?: string;
}

/** How one endpoint's answers are read: made once per client, not per answer. */
export interface AnswerReader {
  /** What got the answer, for messages (`token request`); without it, `<service> call`. */
  what?: string;
  platformPublicKey: PlatformKeys;
  /**
   * The error for the gateway's refusal (its error body, whose signature held or which was unsigned). `signed`: the
   * platform signed it, so it truly comes from the gateway.
   */
  refusal(body: GatewayErrorBody, context: AnswerContext, signed: boolean): CodePayError;
}

/** A JSON object from the gateway that is not its error body; what it says is for the caller to check. */
export interface GatewayAnswer {
  body: Record<string, unknown>;
  psn?: string;
}

function describeBody(text: string): string {
  const start = text.trimStart();
  if (start === '') return 'an empty body';
  if (start.startsWith('<')) return 'an HTML page (a proxy or load balancer answered, not the gateway)';
  if (start.startsWith('{') || start.startsWith('[')) return 'JSON that is cut off or malformed';
  return 'a body that is not JSON';
}

export function answerContext<S extends string | undefined>(
  service: S,
  httpStatus: number,
  psn: string | undefined,
): AnswerContext<S> {
  return psn === undefined ? { service, httpStatus } : { service, httpStatus, psn };
}

/** For messages: `token request`, `getBalance call`. Only an error pays for the text. */
const whatGot = (reader: AnswerReader, service: string | undefined) => reader.what ?? `${service} call`;

/**
 * Reads `bodyText` (received with `status`) for `service` (none for the token request): the answer, or the typed
 * error it amounts to (thrown).
 */
export async function readGatewayAnswer(
  status: number,
  bodyText: string,
  reader: AnswerReader,
  service?: string,
): Promise<GatewayAnswer> {
  let wire: unknown;
  try {
    wire = parseJsonBounded(bodyText);
  } catch (error) {
    const body =
      error instanceof JsonTooDeep
        ? `JSON nested deeper than ${error.maxDepth} levels (refused unparsed)`
        : describeBody(bodyText);
    throw new ResponseFormatError(
      `The ${whatGot(reader, service)} got HTTP ${status} with ${body}.`,
      answerContext(service, status, undefined),
    );
  }
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) {
    throw new ResponseFormatError(
      `The ${whatGot(reader, service)} got HTTP ${status} with JSON that is not an object.`,
      answerContext(service, status, undefined),
    );
  }
  const body = wire as Record<string, unknown>;
  const psn = typeof body.psn === 'string' ? body.psn : undefined;
  const context = answerContext(service, status, psn);
  if (isGatewayErrorBody(body)) {
    if (!(await gatewayErrorSignatureHolds(body, reader.platformPublicKey))) {
      throw new SignatureVerificationError(
        `The gateway error body (code ${body.code}) for the ${whatGot(reader, service)} has a signature that does not verify with the platform public key; ` +
          'it was discarded.',
        context,
      );
    }
    throw reader.refusal(body, context, isSigned(body));
  }
  return psn === undefined ? { body } : { body, psn };
}
