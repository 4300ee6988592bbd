// One HTTP attempt: POST a JSON body, read the whole answer (up to a cap), and turn every way this can fail into a
// typed error that says whether the request may have reached the server.
import { AbortError, ResponseFormatError, TimeoutError } from '../errors.js';
import type { FetchFunction } from '../config.js';
import { connectionFailure, type FailureContext } from './http-errors.js';

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
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  bodyText: string;
}

export interface HttpClient {
  fetch: FetchFunction;
  /** Connection pool (undici dispatcher) when a CA is configured. */
  dispatcher: unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readCapped(response: Response, attempt: HttpAttempt): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw tooLarge(response.status, attempt);
  }
  if (!response.body) return '';
  if (declared > 0) {
    // The usual case: a declared length under the cap. Reading it whole is much cheaper than chunk by chunk.
    return decodeUtf8(new Uint8Array(await response.arrayBuffer()), response.status, attempt);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw tooLarge(response.status, attempt);
    }
    chunks.push(value);
  }
  return decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), response.status, attempt);
}

function decodeUtf8(bytes: Uint8Array, status: number, attempt: HttpAttempt): string {
  if (bytes.byteLength > MAX_RESPONSE_BYTES) throw tooLarge(status, attempt);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ResponseFormatError(`The answer to the ${attempt.what} is not UTF-8 text (HTTP ${status}).`, {
      httpStatus: status,
      ...(attempt.service === undefined ? {} : { service: attempt.service }),
    });
  }
}

function tooLarge(status: number, attempt: HttpAttempt): ResponseFormatError {
  return new ResponseFormatError(
    `The answer to the ${attempt.what} is larger than ${MAX_RESPONSE_BYTES} bytes (HTTP ${status}); refused. ` +
      'Check that the base URL points at the CodePay gateway.',
    { httpStatus: status, ...(attempt.service === undefined ? {} : { service: attempt.service }) },
  );
}

export async function sendHttp(client: HttpClient, attempt: HttpAttempt): Promise<HttpAnswer> {
  const service = attempt.service === undefined ? {} : { service: attempt.service };
  if (attempt.signal?.aborted) {
    throw new AbortError(`The ${attempt.what} was aborted by the caller before it was sent.`, { ...service, outcomeUnknown: false, cause: attempt.signal.reason });
  }
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), attempt.timeoutMs);
  const signal = attempt.signal ? AbortSignal.any([attempt.signal, timer.signal]) : timer.signal;
  let sent = false;
  try {
    const init: RequestInit = { method: 'POST', headers: attempt.headers, body: attempt.body, signal };
    // `dispatcher` is Node's extension of RequestInit (undici); typed loosely to avoid depending on undici's types.
    if (client.dispatcher) (init as Record<string, unknown>).dispatcher = client.dispatcher;
    const response = await client.fetch(attempt.url, init);
    sent = true;
    return { status: response.status, headers: response.headers, bodyText: await readCapped(response, attempt) };
  } catch (error) {
    if (error instanceof ResponseFormatError) throw error;
    if (attempt.signal?.aborted) {
      throw new AbortError(
        `The ${attempt.what} was aborted by the caller${sent ? ' while reading the answer' : ''}; its outcome is unknown.`,
        { ...service, outcomeUnknown: true, cause: attempt.signal.reason },
      );
    }
    if (timer.signal.aborted) {
      const limit = attempt.limitedByDeadline ? 'the call deadline' : 'the per-attempt timeout';
      throw new TimeoutError(
        `The ${attempt.what} got no complete answer within ${attempt.timeoutMs} ms (${limit}); its outcome is unknown. ` +
          'Raise `timeout`/`deadline` if the gateway is slow, and check the result before sending it again.',
        { ...service, timeoutMs: attempt.timeoutMs, outcomeUnknown: true },
      );
    }
    throw connectionFailure(error, attempt);
  } finally {
    clearTimeout(timeout);
  }
}
