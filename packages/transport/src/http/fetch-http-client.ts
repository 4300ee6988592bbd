// An HTTP client over a `fetch` the user passes (a test double, another runtime's fetch, one with its own proxy).
// A fetch does not say how far an exchange got, so its failures are reported as "cannot tell" (`undefined`): only
// error codes that can only happen while connecting then count as "never sent" (see http-errors.ts).
//
// The fetch is trusted with nothing the SDK promises: the time limit and the caller's abort are enforced around it
// (a fetch that ignores its signal still gives up on time, and its answer, should it come later, is dropped), the
// body is read under the same cap, and redirects are refused — asked for with `redirect: 'manual'`, and a fetch that
// follows one anyway (`response.redirected`) has its answer refused: a signed request is never re-sent elsewhere, and
// another origin's answer is never taken for the gateway's.
import type { FetchFunction } from '../config.js';
import {
  AnswerTooLarge,
  ExchangeAborted,
  ExchangeFailed,
  ExchangeTimedOut,
  type HttpClient,
  type RawAnswer,
} from './http-client.js';
import { settleOnce, type SettleLimits } from './settle-once.js';

/** The fetch followed a redirect although it was asked not to: the answer came from wherever it was sent. */
export class RedirectFollowed extends Error {
  constructor(
    readonly status: number,
    readonly location: string,
  ) {
    super('the fetch followed a redirect');
  }
}

async function readCapped(
  response: Response,
  maxBytes: number,
  onReader: (reader: ReadableStreamDefaultReader<Uint8Array>) => void,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    void response.body?.cancel().catch(() => {});
    throw new AnswerTooLarge(response.status);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  onReader(reader);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      void reader.cancel().catch(() => {});
      throw new AnswerTooLarge(response.status);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export function createFetchHttpClient(fetchFunction: FetchFunction): HttpClient {
  let closed = false;
  return {
    exchange(request): Promise<RawAnswer> {
      if (closed)
        return Promise.reject(
          new ExchangeFailed(
            false,
            Object.assign(new Error('the client was closed (close())'), { code: 'ERR_CLIENT_CLOSED' }),
          ),
        );
      const controller = new AbortController();
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      const limits: SettleLimits = {
        timeoutMs: request.timeoutMs,
        signal: request.signal,
        timedOut: () => new ExchangeTimedOut(undefined),
        aborted: () => new ExchangeAborted(undefined),
        // Given up: tell the fetch (a well-behaved one stops) and stop reading; the caller has its answer already.
        stop: () => {
          controller.abort();
          void reader?.cancel().catch(() => {});
        },
      };
      return settleOnce<RawAnswer>(limits, (guard) => {
        const run = async (): Promise<RawAnswer> => {
          request.onWritten?.();
          const response = await fetchFunction(request.url, {
            method: 'POST',
            headers: request.headers,
            body: request.body,
            signal: controller.signal,
            redirect: 'manual',
          });
          if (response.redirected) {
            void response.body?.cancel().catch(() => {});
            throw new RedirectFollowed(response.status, response.url);
          }
          return {
            status: response.status,
            headers: response.headers,
            body: await readCapped(response, request.maxBytes, (r) => (reader = r)),
          };
        };
        run().then(
          (answer) => guard.resolve(answer),
          (error: unknown) =>
            guard.reject(
              error instanceof AnswerTooLarge || error instanceof RedirectFollowed
                ? error
                : new ExchangeFailed(undefined, error),
            ),
        );
      });
    },
    close() {
      closed = true;
    },
  };
}
