// The default HTTP client: node:http/https with a keep-alive pool. It costs far less CPU per call than the global
// fetch (bench/RESULTS.md), and it takes a private CA and a proxy directly. Idle pooled sockets are unref'd by Node,
// so they never keep a process alive; `close()` ends the pool. Per call it arms one timer and, only when the caller
// passed a signal, one abort listener: no AbortController per attempt, no URL parsing after the first call to a URL.
//
// It knows the phase of every exchange — connecting (through the proxy's CONNECT tunnel, when there is one),
// written, answered — and reports failures with whether the request may have reached the server, which is what lets
// a state-changing call be sent at most once.
//
// Certificates are always checked: `rejectUnauthorized: true` is set explicitly, so NODE_TLS_REJECT_UNAUTHORIZED=0
// (which only changes Node's default) cannot turn the check off, and a private CA is added to the default roots.
import { readFileSync } from 'node:fs';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import {
  AnswerTooLarge,
  ExchangeAborted,
  ExchangeFailed,
  ExchangeTimedOut,
  type HttpClient,
  type HttpExchange,
  type RawAnswer,
} from './http-client.js';
import type { ProxySettings } from './proxy-settings.js';
import { settleOnce, type SettleLimits } from './settle-once.js';

export interface NodeHttpClientOptions {
  /** Extra trusted CA certificates (PEM), added to the ones Node trusts by default. */
  ca?: ReadonlyArray<string | Buffer> | undefined;
  /** Tunnel every connection through this HTTP(S) proxy (HTTP CONNECT). */
  proxy?: ProxySettings | undefined;
  /** Most connections open at once per origin. Default 64. */
  maxSockets?: number | undefined;
  /** Milliseconds an idle pooled connection stays open. Default IDLE_SOCKET_TIMEOUT_MS. */
  idleSocketTimeoutMs?: number | undefined;
}

interface Target {
  secure: boolean;
  watch: PoolWatch;
  options: RequestOptions;
}

/** The certificates Node trusts when no `ca` is given: its bundled roots plus NODE_EXTRA_CA_CERTS (or, on Node
 * versions that can list them, exactly its default store, system certificates included). */
function defaultCaCertificates(): string[] {
  const list = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  if (typeof list === 'function') return list('default');
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  let extra: string[] = [];
  if (extraFile) {
    try {
      extra =
        readFileSync(extraFile, 'latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    } catch {
      // Node warned about an unreadable NODE_EXTRA_CA_CERTS when it started; it trusts none of it either.
    }
  }
  return [...tls.rootCertificates, ...extra];
}

/** One TLS context for every connection of the client: the default roots plus `ca` (made once, not per connection). */
function secureContextWith(ca: ReadonlyArray<string | Buffer>): tls.SecureContext {
  return tls.createSecureContext({ ca: [...defaultCaCertificates(), ...ca] });
}

/**
 * The tunnel library, loaded at run time and only by a client with a proxy. Spelled so that bundlers leave it out:
 * the SDK's bundle does not carry ~17 KB (https-proxy-agent, agent-base, debug) for the many clients that never use
 * a proxy; an application that bundles and uses a proxy keeps `https-proxy-agent` external (it is a dependency).
 */
const PROXY_AGENT_MODULE: string = ['https', 'proxy', 'agent'].join('-');

/** The proxy answered the CONNECT with something else than 200: the tunnel was never opened, nothing was sent. */
export class ProxyRefused extends Error {
  readonly code = 'ERR_PROXY_REFUSED';
  constructor(
    readonly proxyStatus: number,
    statusText: string,
    proxy: string,
  ) {
    super(`the proxy ${proxy} refused the CONNECT tunnel: HTTP ${proxyStatus}${statusText ? ` ${statusText}` : ''}`);
  }
}

/**
 * https-proxy-agent's agent, refusing a tunnel the proxy did not open. The library replays the proxy's refusal (407,
 * 403, 502…) as if it were the server's answer, on a fake socket; here it becomes a connection error before any
 * request byte exists, which is what it is: the request certainly never reached the gateway.
 */
async function createTunnelAgent(
  proxy: ProxySettings,
  options: ConstructorParameters<typeof HttpAgent>[0],
  idleSocketTimeoutMs: number,
): Promise<HttpAgent> {
  const { HttpsProxyAgent } = (await import(PROXY_AGENT_MODULE)) as typeof import('https-proxy-agent');
  class TunnelAgent extends HttpsProxyAgent<string> {
    override async connect(...args: Parameters<InstanceType<typeof HttpsProxyAgent>['connect']>): Promise<Socket> {
      const [request] = args;
      let refusal: { statusCode: number; statusText: string } | undefined;
      const onConnect = (answer: { statusCode: number; statusText: string }) => {
        if (answer.statusCode !== 200) refusal = answer;
      };
      request.on('proxyConnect', onConnect);
      let socket: Socket;
      try {
        socket = await super.connect(...args);
      } finally {
        request.removeListener('proxyConnect', onConnect);
      }
      if (refusal) {
        socket.destroy();
        throw new ProxyRefused(refusal.statusCode, refusal.statusText, proxy.shown);
      }
      // The exchange was given up (timeout, abort) while the tunnel opened: this socket belongs to no one.
      if (request.destroyed) {
        socket.destroy();
        throw Object.assign(new Error('the request was given up while the proxy tunnel opened'), {
          code: 'ECONNABORTED',
        });
      }
      return socket;
    }
  }
  const agent = new TunnelAgent(proxy.url.href, options as never);
  // HttpsProxyAgent replaces the agent's options after construction: put back the idle timeout Node's pool reads there.
  (agent as unknown as { options: Record<string, unknown> }).options.timeout = idleSocketTimeoutMs;
  return agent;
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

/** Idle time from which, while the server's idle timeout is unknown, a state-changing request holds a pooled socket
 * for a full event-loop iteration before writing on it (see the keep-alive race in createNodeHttpClient). */
const HOLD_IDLE_MS = 5;
/** How long that hold lasts: timers run at millisecond granularity, so a close due "now" may still be 1 ms away. */
const HOLD_MS = 2;

/** How many times an exchange may swap a stale pooled socket for another before it gives up (nothing written). */
const MAX_SOCKET_SWAPS = 8;

/**
 * Watches one agent's keep-alive pool for the keep-alive race: a server that closes idle connections (often
 * without saying when) may close one at the moment a request is written on it, and a state-changing request
 * written on a dying socket has an unknown outcome. So: when the server is seen closing an idle socket, its idle
 * timeout is learned, and state-changing requests only go out on sockets idle for less than half of it.
 */
const BUSY = -1;
const HANDED_OVER = -2;

class PoolWatch {
  readonly #idleSince = new WeakMap<Socket, number>();
  readonly #discarded = new WeakSet<Socket>();
  readonly #watched = new WeakSet<Socket>();
  #serverIdleMs = Number.POSITIVE_INFINITY;

  constructor(agent: HttpAgent) {
    // Registered after the agent's own 'free' listener, which has already either pooled the socket or handed it to
    // a request that was waiting for one: a socket handed over never sat idle, so no idle timeout can close it.
    agent.on('free', (socket: Socket) => {
      if (!Object.values(agent.freeSockets).some((pooled) => pooled?.includes(socket))) {
        this.#idleSince.set(socket, HANDED_OVER);
        return;
      }
      if (!this.#watched.has(socket)) {
        this.#watched.add(socket);
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

  /** Milliseconds `socket` sat idle in the pool before this request took it (`undefined`: it never did); marks it busy. */
  take(socket: Socket): number | undefined {
    const since = this.#idleSince.get(socket);
    this.#idleSince.set(socket, BUSY);
    if (since === HANDED_OVER) return undefined;
    return since === undefined || since === BUSY ? 0 : performance.now() - since;
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
  return Object.assign(new Error('every pooled connection was closed by the server before the request was written'), {
    code: 'ECONNRESET',
  });
}

function clientClosed(): Error {
  return Object.assign(new Error('the client was closed (close()); its connection pool is gone'), {
    code: 'ERR_CLIENT_CLOSED',
  });
}

export function createNodeHttpClient(options: NodeHttpClientOptions = {}): HttpClient {
  const idleSocketTimeoutMs = options.idleSocketTimeoutMs ?? IDLE_SOCKET_TIMEOUT_MS;
  const maxSockets = options.maxSockets ?? 64;
  const agentOptions = {
    keepAlive: true,
    scheduling: 'lifo' as const,
    timeout: idleSocketTimeoutMs,
    maxSockets,
    maxFreeSockets: maxSockets,
  };
  // Never `undefined`: NODE_TLS_REJECT_UNAUTHORIZED=0 changes only the default.
  const tlsOptions = {
    rejectUnauthorized: true,
    ...(options.ca ? { secureContext: secureContextWith(options.ca) } : {}),
  };
  const agents: HttpAgent[] = [];
  const watches = new Map<HttpAgent, PoolWatch>();
  const watched = <A extends HttpAgent>(agent: A): A => {
    agents.push(agent);
    watches.set(agent, new PoolWatch(agent));
    return agent;
  };
  const proxy = options.proxy;
  let closed = false;
  // Without a proxy: one agent per protocol. With one: every connection is a tunnel through it (an http: target,
  // which only a loopback mock can be, goes through the tunnel in plain text).
  const httpAgent = proxy ? undefined : watched(new HttpAgent(agentOptions));
  const httpsAgent = proxy ? undefined : watched(new HttpsAgent({ ...agentOptions, ...tlsOptions }));
  let tunnelAgent: HttpAgent | undefined;
  const tunnelReady = proxy
    ? createTunnelAgent(proxy, { ...agentOptions, ...tlsOptions }, idleSocketTimeoutMs).then((agent) => {
        tunnelAgent = watched(agent);
        if (closed) agent.destroy();
      })
    : undefined;
  // Keep an unused promise from ever being an unhandled rejection; an exchange that needs it sees the failure.
  tunnelReady?.catch(() => {});

  // A client talks to two URLs (token and pay): parse each once.
  const targets = new Map<string, Target>();
  const targetOf = (href: string): Target => {
    let target = targets.get(href);
    if (!target) {
      const url = new URL(href);
      const secure = url.protocol === 'https:';
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      const agent = tunnelAgent ?? (secure ? httpsAgent! : httpAgent!);
      target = {
        secure,
        watch: watches.get(agent)!,
        options: {
          protocol: url.protocol,
          hostname,
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent,
          // Through a tunnel the TLS options reach the gateway's handshake per request (the proxy agent keeps no
          // TLS options of its own), and the certificate is checked against the gateway's name, not the proxy's.
          ...(tunnelAgent && secure
            ? {
                ...tlsOptions,
                checkServerIdentity: (_host: string, certificate: tls.PeerCertificate) =>
                  tls.checkServerIdentity(hostname, certificate),
              }
            : {}),
        },
      };
      targets.set(href, target);
    }
    return target;
  };

  const exchange = (request: HttpExchange): Promise<RawAnswer> => {
    if (closed) return Promise.reject(new ExchangeFailed(false, clientClosed()));
    // The proxy agent is loaded on first use (most clients never need https-proxy-agent).
    if (tunnelReady && tunnelAgent === undefined) {
      return tunnelReady.then(
        () => exchange(request),
        (error: unknown) => Promise.reject(new ExchangeFailed(false, error)),
      );
    }
    return exchangeOver(request);
  };

  const exchangeOver = (request: HttpExchange): Promise<RawAnswer> => {
    const { secure, watch, options: base } = targetOf(request.url);
    const body = Buffer.from(request.body, 'utf8');
    const headers = { ...request.headers, 'content-length': String(body.length) };
    // The phase of the exchange: whether any byte of the request was handed to the network. It alone decides
    // whether a failure means "may have reached the gateway" (see ExchangeFailed).
    let written = false;
    let outgoing: ClientRequest | undefined;
    const limits: SettleLimits = {
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      timedOut: () => new ExchangeTimedOut(written),
      aborted: () => new ExchangeAborted(written),
      stop: () => outgoing?.destroy(),
    };
    return settleOnce<RawAnswer>(limits, (guard) => {
      const send = (current: ClientRequest) => {
        if (guard.settled) return;
        written = true;
        request.onWritten?.();
        current.end(body);
      };
      // A pooled socket found closing before anything was written on it: drop it and start over on another (in
      // the end a fresh connection). Nothing was sent, so this is no retry and costs none.
      const swap = (stale: ClientRequest, socket: Socket, swaps: number) => {
        if (guard.settled) return;
        watch.discard(socket);
        stale.destroy();
        if (swaps >= MAX_SOCKET_SWAPS) guard.fail(new ExchangeFailed(false, idleSocketClosed()));
        else start(swaps + 1);
      };
      const start = (swaps: number) => {
        let current: ClientRequest;
        try {
          current = (secure ? httpsRequest : httpRequest)({ ...base, headers }, (response) =>
            readAnswer(response, request.maxBytes).then(
              (answer) => guard.resolve(answer),
              (error: unknown) =>
                guard.reject(error instanceof AnswerTooLarge ? error : new ExchangeFailed(true, error)),
            ),
          );
        } catch (error) {
          // Node refuses to build a request whose headers HTTP does not allow: nothing left the process.
          guard.fail(new ExchangeFailed(false, error));
          return;
        }
        outgoing = current;
        // First of all, so that no error the request emits can ever be unhandled (an uncaught exception). A
        // request given up for another socket is not the exchange any more: its errors are not the caller's.
        current.on('error', (error) => {
          if (current === outgoing) guard.reject(new ExchangeFailed(written, error));
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
          // A socket handed straight from one request to the next (a busy client) never sat idle: nothing to check.
          if (!request.unsafe || idleMs === undefined) {
            send(current);
          } else if (idleMs > watch.unsafeIdleLimitMs) {
            swap(current, socket, swaps);
          } else if (idleMs >= HOLD_IDLE_MS && !Number.isFinite(watch.unsafeIdleLimitMs)) {
            // The server's idle timeout is not known yet and this socket sat idle: a close that is due about now (a
            // FIN in flight, a server timer due within the millisecond) gets HOLD_MS and then a turn to show.
            setTimeout(
              () => setImmediate(() => (isDead(socket) ? swap(current, socket, swaps) : send(current))),
              HOLD_MS,
            );
          } else {
            // The server may have closed (or reset) this socket a moment ago, its FIN not yet read: one turn of
            // the event loop lets Node read it before anything is written.
            setImmediate(() => (isDead(socket) ? swap(current, socket, swaps) : send(current)));
          }
        });
      };
      start(0);
    });
  };

  return {
    exchange,
    close() {
      closed = true;
      for (const agent of agents) agent.destroy();
    },
  };
}
