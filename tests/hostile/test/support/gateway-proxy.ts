// A loopback HTTP proxy in front of the mock gateway, so the client talks to real components while the test sees
// (and, when it asks, alters) what goes over the wire:
// - every request is recorded when it arrives (attempt counting that does not wait for a slow answer);
// - tokens and plaintext bizContents seen on the wire are registered as secrets for the leak check;
// - a `tamper` function may replace the gateway's answer.
import type { KeyObject } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { aesDecrypt, loadAesKey } from '@codepay/transport';
import { registerPlaintext, registerToken } from './leak-guard.js';
import { closeServer, listenOnLoopback, readRequestBody } from './loopback-server.js';

export type Endpoint = 'pay' | 'token' | 'other';

/** One request and the gateway's answer to it, as text. */
export interface Exchange {
  endpoint: Endpoint;
  requestBody: string;
  status: number;
  /** The answer's headers that matter to a client (content-type, retry-after). */
  headers: Record<string, string>;
  body: string;
}

export interface Arrival {
  endpoint: Endpoint;
  /** Milliseconds since the epoch when the request head arrived. */
  at: number;
}

export interface TamperedAnswer {
  status?: number;
  body: string;
}

/** What to send instead of the gateway's answer, or undefined to pass it through. */
export type Tamper = (exchange: Exchange) => TamperedAnswer | undefined;

export interface GatewayProxy {
  readonly url: string;
  readonly arrivals: readonly Arrival[];
  /** The most recent complete exchange with each endpoint (before tampering). */
  readonly lastExchange: Partial<Record<Endpoint, Exchange>>;
  tamperWith(tamper: Tamper | undefined): void;
  /** Resolves when the next request for `endpoint` arrives. */
  nextArrival(endpoint: Endpoint): Promise<Arrival>;
  /** Resolves once every request that arrived has been answered, dropped or abandoned. */
  idle(): Promise<void>;
  /** Pay requests that arrived since `since` (an index into `arrivals`). */
  payArrivalsSince(since: number): Arrival[];
  close(): Promise<void>;
}

const FORWARDED_ANSWER_HEADERS = ['content-type', 'retry-after'];

function endpointOf(url: string | undefined): Endpoint {
  const path = new URL(url ?? '/', 'http://proxy.invalid').pathname;
  return path === '/api/v2/pay' ? 'pay' : path === '/api/v2/token' ? 'token' : 'other';
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Registers what a leak would expose: the token handed out, and every bizContent that any known key opens. */
function observe(exchange: Exchange, aesKeys: readonly KeyObject[]): void {
  const answer = parseObject(exchange.body);
  if (exchange.endpoint === 'token') {
    const token = (answer?.data as { accessToken?: unknown } | undefined)?.accessToken;
    if (typeof token === 'string') registerToken(token, 'token endpoint answer');
    return;
  }
  for (const [origin, body] of [
    ['params sent', parseObject(exchange.requestBody)],
    ['payload received', answer],
  ] as const) {
    const bizContent = body?.bizContent;
    if (typeof bizContent !== 'string') continue;
    for (const key of aesKeys) {
      try {
        registerPlaintext(aesDecrypt(bizContent, key), origin);
        break;
      } catch {
        // Not this key (or tampered): try the next one.
      }
    }
  }
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function forward(
  target: URL,
  incoming: IncomingMessage,
  body: Buffer,
  agent: Agent,
  clientGone: AbortSignal,
): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const { host: _host, connection: _connection, ...headers } = incoming.headers;
    const upstream = httpRequest(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers, agent, signal: clientGone },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const picked: Record<string, string> = {};
          for (const name of FORWARDED_ANSWER_HEADERS) {
            const value = response.headers[name];
            if (typeof value === 'string') picked[name] = value;
          }
          resolve({ status: response.statusCode ?? 0, headers: picked, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

export async function startGatewayProxy(options: {
  target: string;
  aesKeys: readonly string[];
}): Promise<GatewayProxy> {
  const target = new URL(options.target);
  const aesKeys = options.aesKeys.map((key) => loadAesKey(key));
  const agent = new Agent({ keepAlive: true });
  const arrivals: Arrival[] = [];
  const lastExchange: Partial<Record<Endpoint, Exchange>> = {};
  let tamper: Tamper | undefined;
  const arrivalWaiters: Array<{ endpoint: Endpoint; resolve: (arrival: Arrival) => void }> = [];

  async function relay(incoming: IncomingMessage, downstream: ServerResponse): Promise<void> {
    // A client that gave up (timeout, abort) is not forwarded, or stops being waited for: its request must not
    // reach the gateway after the test that sent it has ended.
    const clientGone = new AbortController();
    downstream.on('close', () => {
      if (!downstream.writableFinished) clientGone.abort();
    });
    const arrival: Arrival = { endpoint: endpointOf(incoming.url), at: Date.now() };
    arrivals.push(arrival);
    for (const waiter of arrivalWaiters.filter((candidate) => candidate.endpoint === arrival.endpoint)) {
      arrivalWaiters.splice(arrivalWaiters.indexOf(waiter), 1);
      waiter.resolve(arrival);
    }
    const requestBody = await readRequestBody(incoming);
    if (clientGone.signal.aborted) return;
    let upstream: Upstream;
    try {
      upstream = await forward(target, incoming, requestBody, agent, clientGone.signal);
    } catch {
      // The gateway hung up (the `drop` scenario) or the client left: hang up on the client as well.
      incoming.socket.destroy();
      return;
    }
    const exchange: Exchange = { endpoint: arrival.endpoint, requestBody: requestBody.toString('utf8'), ...upstream };
    lastExchange[exchange.endpoint] = exchange;
    observe(exchange, aesKeys);
    const altered = tamper?.(exchange);
    const status = altered?.status ?? exchange.status;
    const body = Buffer.from(altered?.body ?? exchange.body);
    downstream.writeHead(status, { ...exchange.headers, 'content-length': String(body.length) });
    downstream.end(body);
  }

  const inFlight = new Set<Promise<void>>();
  const server = createServer((incoming, downstream) => {
    const relaying = relay(incoming, downstream).catch(() => {
      incoming.socket.destroy();
    });
    inFlight.add(relaying);
    void relaying.finally(() => inFlight.delete(relaying));
  });
  const url = await listenOnLoopback(server);

  return {
    url,
    arrivals,
    lastExchange,
    tamperWith(next) {
      tamper = next;
    },
    nextArrival(endpoint) {
      return new Promise((resolve) => arrivalWaiters.push({ endpoint, resolve }));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    payArrivalsSince(since) {
      return arrivals.slice(since).filter((arrival) => arrival.endpoint === 'pay');
    },
    async close() {
      await closeServer(server);
      agent.destroy();
    },
  };
}
