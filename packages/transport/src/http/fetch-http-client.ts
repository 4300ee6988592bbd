// An HTTP client over a `fetch` the user passes (a proxy-aware fetch, a test double, another runtime's fetch).
// A fetch does not say how far an exchange got, so its failures are reported as "cannot tell" (`undefined`): only
// error codes that can only happen while connecting then count as "never sent" (see http-errors.ts).
import type { FetchFunction } from '../config.js';
import { AnswerTooLarge, ExchangeAborted, ExchangeFailed, ExchangeTimedOut, type HttpClient, type RawAnswer } from './http-client.js';

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new AnswerTooLarge(response.status);
  }
  if (!response.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new AnswerTooLarge(response.status);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

export function createFetchHttpClient(fetchFunction: FetchFunction): HttpClient {
  return {
    async exchange(request): Promise<RawAnswer> {
      const timer = new AbortController();
      const timeout = setTimeout(() => timer.abort(), request.timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal;
      try {
        request.onWritten?.();
        const response = await fetchFunction(request.url, { method: 'POST', headers: request.headers, body: request.body, signal });
        return { status: response.status, headers: response.headers, body: await readCapped(response, request.maxBytes) };
      } catch (error) {
        if (error instanceof AnswerTooLarge) throw error;
        if (request.signal?.aborted) throw new ExchangeAborted(undefined);
        if (timer.signal.aborted) throw new ExchangeTimedOut(undefined);
        throw new ExchangeFailed(undefined, error);
      } finally {
        clearTimeout(timeout);
      }
    },
  };
}
