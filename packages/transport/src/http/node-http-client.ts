// The default HTTP client: node:http/https with a keep-alive connection pool. It costs far less CPU per call than
// the global fetch (see bench/RESULTS.md: most of what the SDK spent above the crypto floor was fetch), and it
// takes a private CA directly. Idle pooled sockets are unref'd by Node, so they never keep a process alive.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AnswerTooLarge, type HttpClient, type HttpExchange, type RawAnswer } from './http-client.js';

export interface NodeHttpClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's own. */
  ca?: ReadonlyArray<string | Buffer> | undefined;
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
  return {
    exchange(request: HttpExchange): Promise<RawAnswer> {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const body = Buffer.from(request.body, 'utf8');
      return new Promise<RawAnswer>((resolve, reject) => {
        const outgoing = (secure ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            agent: secure ? httpsAgent : httpAgent,
            headers: { ...request.headers, 'content-length': String(body.length) },
            signal: request.signal,
          },
          (response) => readAnswer(response, request.maxBytes).then(resolve, reject),
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    },
  };
}
