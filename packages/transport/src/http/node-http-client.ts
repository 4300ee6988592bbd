// The default HTTP client: node:http/https with a keep-alive pool. It costs far less CPU per call than the global
// fetch (bench/RESULTS.md), and it takes a private CA directly. Idle pooled sockets are unref'd by Node, so they
// never keep a process alive. Per call it arms one timer and, only when the caller passed a signal, one abort
// listener: no AbortController per attempt, no URL parsing after the first call to a URL.
//
// It knows the phase of every exchange — connecting, written, answered — and reports failures with whether the
// request may have reached the server, which is what lets a state-changing call be sent at most once.
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { AnswerTooLarge, ExchangeAborted, ExchangeFailed, ExchangeTimedOut, type HttpClient, type HttpExchange, type RawAnswer } from './http-client.js';

export interface NodeHttpClientOptions {
  /** Extra trusted CA certificates (PEM), added to Node's own. */
  ca?: ReadonlyArray<string | Buffer> | undefined;
}

interface Target {
  secure: boolean;
  watch: PoolWatch;
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

/** Idle keep-alive sockets are closed after this long: below the 5 s idle timeout of Node's own HTTP server and far
 * below load balancers' (60 s and more), so a pooled socket is rarely one the server is about to close. A shorter
 * `Keep-Alive: timeout=` from the server wins (Node's agent honours it, keeping a 1 s margin). */
export const IDLE_SOCKET_TIMEOUT_MS = 4_000;

/** How many times an exchange may swap a stale pooled socket for another before it gives up (nothing written). */
const MAX_SOCKET_SWAPS = 8;

/**
 * Watches one agent's keep-alive pool for the keep-alive race: a server that closes idle connections (often
 * without saying when) may close one at the moment a request is written on it, and a state-changing request
 * written on a dying socket has an unknown outcome. So: when the server is seen closing an idle socket, its idle
 * timeout is learned, and state-changing requests only go out on sockets idle for less than half of it.
 */
class PoolWatch {
  readonly #idleSince = new WeakMap<Socket, number>();
  readonly #discarded = new WeakSet<Socket>();
  #serverIdleMs = Number.POSITIVE_INFINITY;

  constructor(agent: HttpAgent) {
    agent.on('free', (socket: Socket) => {
      if (!this.#idleSince.has(socket)) {
        // The server ended or reset the connection while it sat idle in the pool: that is its idle timeout.
        const closedByServer = () => {
          const since = this.#idleSince.get(socket);
          if (since !== undefined && since >= 0 && !this.#discarded.has(socket)) {
            this.#serverIdleMs = Math.min(this.#serverIdleMs, performance.now() - since);
          }
        };
        socket.once('end', closedByServer);
        socket.once('error', closedByServer);
      }
      this.#idleSince.set(socket, performance.now());
    });
  }

  /** Milliseconds `socket` sat idle before this request took it; marks it busy. */
  take(socket: Socket): number {
    const since = this.#idleSince.get(socket) ?? -1;
    this.#idleSince.set(socket, -1);
    return since < 0 ? 0 : performance.now() - since;
  }

  /** Longest idle time after which a state-changing request still goes out on a pooled socket. */
  get unsafeIdleLimitMs(): number {
    return this.#serverIdleMs / 2;
  }

  discard(socket: Socket): void {
    this.#discarded.add(socket);
    socket.destroy();
  }
}

const isDead = (socket: Socket) => socket.destroyed || !socket.writable || socket.readableEnded;

function idleSocketClosed(): Error {
  return Object.assign(new Error('every pooled connection was closed by the server before the request was written'), { code: 'ECONNRESET' });
}

export function createNodeHttpClient(options: NodeHttpClientOptions = {}): HttpClient {
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const, timeout: IDLE_SOCKET_TIMEOUT_MS };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent({ ...agentOptions, ...(options.ca ? { ca: [...options.ca] } : {}) });
  const watches = new Map<HttpAgent, PoolWatch>([
    [httpAgent, new PoolWatch(httpAgent)],
    [httpsAgent, new PoolWatch(httpsAgent)],
  ]);
  // A client talks to two URLs (token and pay): parse each once.
  const targets = new Map<string, Target>();
  const targetOf = (href: string): Target => {
    let target = targets.get(href);
    if (!target) {
      const url = new URL(href);
      const secure = url.protocol === 'https:';
      const agent = secure ? httpsAgent : httpAgent;
      target = {
        secure,
        watch: watches.get(agent)!,
        options: {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent,
        },
      };
      targets.set(href, target);
    }
    return target;
  };

  return {
    exchange(request: HttpExchange): Promise<RawAnswer> {
      const { secure, watch, options: base } = targetOf(request.url);
      const body = Buffer.from(request.body, 'utf8');
      const headers = { ...request.headers, 'content-length': String(body.length) };
      const signal = request.signal;
      return new Promise<RawAnswer>((resolve, reject) => {
        // The phase of the exchange: whether any byte of the request was handed to the network. It alone decides
        // whether a failure means "may have reached the gateway" (see ExchangeFailed).
        let written = false;
        let settled = false;
        let outgoing: ClientRequest | undefined;
        const settle = (finish: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          finish();
        };
        // Settle first, then destroy: the errors destroying causes must not be what the caller sees.
        const fail = (error: Error) => {
          settle(() => reject(error));
          outgoing?.destroy();
        };
        const timer = setTimeout(() => fail(new ExchangeTimedOut(written)), request.timeoutMs);
        const onAbort = () => fail(new ExchangeAborted(written));
        signal?.addEventListener('abort', onAbort, { once: true });

        const send = (current: ClientRequest) => {
          if (settled) return;
          written = true;
          request.onWritten?.();
          current.end(body);
        };
        // A pooled socket found closing before anything was written on it: drop it and start over on another (in
        // the end a fresh connection). Nothing was sent, so this is no retry and costs none.
        const swap = (stale: ClientRequest, socket: Socket, swaps: number) => {
          if (settled) return;
          watch.discard(socket);
          stale.destroy();
          if (swaps >= MAX_SOCKET_SWAPS) fail(new ExchangeFailed(false, idleSocketClosed()));
          else start(swaps + 1);
        };
        const start = (swaps: number) => {
          let current: ClientRequest;
          try {
            current = (secure ? httpsRequest : httpRequest)({ ...base, headers }, (response) =>
              readAnswer(response, request.maxBytes).then(
                (answer) => settle(() => resolve(answer)),
                (error: unknown) => settle(() => reject(error instanceof AnswerTooLarge ? error : new ExchangeFailed(true, error))),
              ),
            );
          } catch (error) {
            // Node refuses to build a request whose headers HTTP does not allow: nothing left the process.
            fail(new ExchangeFailed(false, error));
            return;
          }
          outgoing = current;
          // First of all, so that no error the request emits can ever be unhandled (an uncaught exception). A
          // request given up for another socket is not the exchange any more: its errors are not the caller's.
          current.on('error', (error) => {
            if (current === outgoing) settle(() => reject(new ExchangeFailed(written, error)));
          });
          // Nothing is written until the connection is ready, so that every failure before this point is certainly
          // one the server never saw: a fresh socket waits for its TCP connect (and its TLS handshake).
          current.once('socket', (socket: Socket) => {
            if (!current.reusedSocket) {
              if (secure) socket.once('secureConnect', () => send(current));
              else if (socket.connecting) socket.once('connect', () => send(current));
              else send(current);
              return;
            }
            const idleMs = watch.take(socket);
            if (!request.unsafe) {
              send(current);
            } else if (idleMs > watch.unsafeIdleLimitMs) {
              swap(current, socket, swaps);
            } else {
              // The server may have closed (or reset) this socket a moment ago, its FIN not yet read: one turn of
              // the event loop lets Node read it before anything is written.
              setImmediate(() => (isDead(socket) ? swap(current, socket, swaps) : send(current)));
            }
          });
        };
        start(0);
      });
    },
  };
}
