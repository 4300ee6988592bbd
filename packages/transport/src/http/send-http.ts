// One HTTP attempt: POST a JSON body, read the whole answer (up to a cap), and turn every way this can fail into a
// typed error that says whether the request may have reached the server. The HTTP client itself is pluggable
// (node:http by default, or the user's fetch); time limits, aborts and error mapping live here, once.
import { AbortError, ResponseFormatError, TimeoutError } from '../errors.js';
import { connectionFailure, type FailureContext } from './http-errors.js';
import { RedirectFollowed } from './fetch-http-client.js';
import {
  AnswerTooLarge,
  ExchangeAborted,
  ExchangeFailed,
  ExchangeTimedOut,
  type AnswerHeaders,
  type HttpClient,
} from './http-client.js';

/** Larger answers are refused: no CodePay response comes close, and a runaway body must not exhaust memory. */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface HttpAttempt extends FailureContext {
  headers: Record<string, string>;
  body: string;
  /** Limit for this attempt, already capped by the call's deadline. */
  timeoutMs: number;
  /** Whether the time limit is the call's deadline rather than the per-attempt timeout (for the message). */
  limitedByDeadline: boolean;
  signal: AbortSignal | undefined;
  /** Called when the first byte of the request goes to the network. */
  onWritten?: (() => void) | undefined;
  /** A state-changing call (see HttpExchange.unsafe). */
  unsafe?: boolean | undefined;
}

export interface HttpAnswer {
  status: number;
  headers: AnswerHeaders;
  bodyText: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function serviceOf(attempt: HttpAttempt) {
  return attempt.service === undefined ? {} : { service: attempt.service };
}

/** Where a redirect pointed, for the message: the origin only (a path or query could carry anything). */
function redirectTarget(location: string | null, base: string): string {
  if (!location) return '';
  try {
    return ` to ${new URL(location, base).origin}`;
  } catch {
    return '';
  }
}

/** Redirects are never followed: a signed request is not re-sent elsewhere, and an answer must come from the gateway. */
function redirectRefused(
  attempt: HttpAttempt,
  status: number,
  location: string | null,
  followed: boolean,
): ResponseFormatError {
  const what = followed
    ? `The fetch passed as an option followed a redirect${redirectTarget(location, attempt.url)} for the ${attempt.what}, although the SDK asked it not to (redirect: 'manual')`
    : `The ${attempt.what} was answered with a redirect (HTTP ${status}${redirectTarget(location, attempt.url)})`;
  return new ResponseFormatError(
    `${what}; redirects are refused, the answer was not used. Check that the base URL is the gateway's own address (https:, the right host and path).`,
    { httpStatus: status, ...serviceOf(attempt) },
  );
}

function decodeUtf8(bytes: Uint8Array, status: number, attempt: HttpAttempt): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ResponseFormatError(`The answer to the ${attempt.what} is not UTF-8 text (HTTP ${status}).`, {
      httpStatus: status,
      ...serviceOf(attempt),
    });
  }
}

export async function sendHttp(client: HttpClient, attempt: HttpAttempt): Promise<HttpAnswer> {
  const service = serviceOf(attempt);
  if (attempt.signal?.aborted) {
    throw new AbortError(`The ${attempt.what} was aborted by the caller before it was sent.`, {
      ...service,
      outcomeUnknown: false,
      cause: attempt.signal.reason,
    });
  }
  try {
    const answer = await client.exchange({
      url: attempt.url,
      headers: attempt.headers,
      body: attempt.body,
      timeoutMs: attempt.timeoutMs,
      signal: attempt.signal,
      maxBytes: MAX_RESPONSE_BYTES,
      onWritten: attempt.onWritten,
      unsafe: attempt.unsafe,
    });
    if (answer.status >= 300 && answer.status < 400)
      throw redirectRefused(attempt, answer.status, answer.headers.get('location'), false);
    return {
      status: answer.status,
      headers: answer.headers,
      bodyText: decodeUtf8(answer.body, answer.status, attempt),
    };
  } catch (error) {
    if (error instanceof ResponseFormatError) throw error;
    if (error instanceof RedirectFollowed) throw redirectRefused(attempt, error.status, error.location, true);
    if (error instanceof AnswerTooLarge) {
      throw new ResponseFormatError(
        `The answer to the ${attempt.what} is larger than ${MAX_RESPONSE_BYTES} bytes (HTTP ${error.status}); refused. ` +
          'Check that the base URL points at the CodePay gateway.',
        { httpStatus: error.status, ...service },
      );
    }
    // Only a client that saw the phase can say "never sent"; one that cannot tell (a fetch) means "may have".
    const reached =
      error instanceof ExchangeFailed || error instanceof ExchangeAborted || error instanceof ExchangeTimedOut
        ? error.mayHaveReached
        : undefined;
    if (error instanceof ExchangeAborted || attempt.signal?.aborted) {
      const what = reached === false ? 'before it was sent; nothing was sent' : 'its outcome is unknown';
      throw new AbortError(`The ${attempt.what} was aborted by the caller; ${what}.`, {
        ...service,
        outcomeUnknown: reached !== false,
        cause: attempt.signal?.reason,
      });
    }
    if (error instanceof ExchangeTimedOut) {
      const limit = attempt.limitedByDeadline ? 'the call deadline' : 'the per-attempt timeout';
      throw new TimeoutError(
        reached === false
          ? `The ${attempt.what} could not be sent within ${attempt.timeoutMs} ms (${limit}: the connection was not ready); nothing was sent.`
          : `The ${attempt.what} got no complete answer within ${attempt.timeoutMs} ms (${limit}); its outcome is unknown. ` +
              'Raise `timeout`/`deadline` if the gateway is slow, and learn the outcome before sending it again.',
        { ...service, timeoutMs: attempt.timeoutMs, outcomeUnknown: reached !== false },
      );
    }
    throw connectionFailure(error instanceof ExchangeFailed ? error.cause : error, attempt, reached);
  }
}
