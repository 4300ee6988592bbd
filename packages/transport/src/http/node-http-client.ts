// The default HTTP client: node:http/https with a keep-alive pool. It costs far less CPU per call than the global
// fetch (bench/RESULTS.md), and it takes a private CA directly. Idle pooled sockets are unref'd by Node, so they
// never keep a process alive. Per call it arms one timer and, only when the caller passed a signal, one abort
// listener: no AbortController per attempt, no URL parsing after the first call to a URL.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AnswerTooLarge, ExchangeAborted, ExchangeTimedOut, type HttpClient, type HttpExchange, type RawAnswer } from './http-client.js';

export interface NodeHttpClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's own. */
  ca?: ReadonlyArray<string | Buffer> | undefined;
}

interface Target {
  secure: boolean;
  options: RequestOptions;
}

function readAnswer(response: IncomingMessage, maxBytes: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const status = response.statusCode ?? 0;
    const declared = Number(response.headers['content-length']);
    // Reject before destroying: destroying emits 'aborted'/'error', which must not win the race.
    if (declared > maxBytes) {
      reject(new AnswerTooLarge(status));
      response.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new AnswerTooLarge(status));
        response.destroy();
      } else chunks.push(chunk);
    });
    response.on('end', () => {
      const headers = response.headers;
      resolve({
        status,
        headers: {
          get(name) {
            const value = headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
          },
        },
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
      });
    });
    // An answer cut off mid-body (connection dropped) surfaces here, or as 'aborted' on older Node versions.
    response.on('error', reject);
    response.on('aborted', () => reject(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' })));
  });
}

export function createNodeHttpClient(options: NodeHttpClientOptions = {}): HttpClient {
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent({ ...agentOptions, ...(options.ca ? { ca: [...options.ca] } : {}) });
  // A client talks to two URLs (token and pay): parse each once.
  const targets = new Map<string, Target>();
  const targetOf = (href: string): Target => {
    let target = targets.get(href);
    if (!target) {
      const url = new URL(href);
      const secure = url.protocol === 'https:';
      target = {
        secure,
        options: {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent: secure ? httpsAgent : httpAgent,
        },
      };
      targets.set(href, target);
    }
    return target;
  };

  return {
    exchange(request: HttpExchange): Promise<RawAnswer> {
      const { secure, options: base } = targetOf(request.url);
      const body = Buffer.from(request.body, 'utf8');
      const signal = request.signal;
      return new Promise<RawAnswer>((resolve, reject) => {
        let settled = false;
        const settle = (finish: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          finish();
        };
        const outgoing = (secure ? httpsRequest : httpRequest)(
          { ...base, headers: { ...request.headers, 'content-length': String(body.length) } },
          (response) => readAnswer(response, request.maxBytes).then(
            (answer) => settle(() => resolve(answer)),
            (error: unknown) => settle(() => reject(error)),
          ),
        );
        // First of all, so that no error the request emits can ever be unhandled (an uncaught exception).
        outgoing.on('error', (error) => settle(() => reject(error)));
        // Settle first, then destroy: the errors destroying causes must not be what the caller sees.
        const fail = (error: Error) => {
          settle(() => reject(error));
          outgoing.destroy();
        };
        const timer = setTimeout(() => fail(new ExchangeTimedOut()), request.timeoutMs);
        const onAbort = () => fail(new ExchangeAborted());
        signal?.addEventListener('abort', onAbort, { once: true });
        outgoing.end(body);
      });
    },
  };
}
