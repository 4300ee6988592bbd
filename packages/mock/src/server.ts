// startMockGateway(): a node:http server in front of an in-process Prism. The server routes, times and records;
// the handlers decide the answers.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { OrderStatus, PaymentOrderStatusEvent, ServiceName } from '@codepay/models';
import { wirePaths } from '@codepay/models';
import {
  answerGatewayError,
  type GatewayContext,
  type GatewayRequest,
  type HandledRequest,
} from './gateway-context.js';
import { headerValue, readBody, writeAnswer } from './http-io.js';
import {
  generateGatewayKeys,
  prepareGatewayKeys,
  toClientKeys,
  type MockClientKeys,
  type MockGatewayKeys,
} from './keys.js';
import { pickLanguage } from './messages.js';
import { deliverNotification, type NotificationAnswer, type SendNotificationOptions } from './notifications.js';
import { handlePay } from './pay-handler.js';
import { MerchantState, UNKNOWN_RECORDS_MODES, type CardPayment, type UnknownRecords } from './merchant-state.js';
import { handleSandbox, type SandboxControls } from './sandbox-routes.js';
import { SandboxSessions } from './sandbox-sessions.js';
import { NotificationDispatcher, type NotificationDelivery, type NotifyRetry } from './webhooks.js';
import { PrismEngine } from './prism-engine.js';
import { nextPsn } from './psn.js';
import { RequestLog, type GatewayEndpoint, type RecordedRequest } from './request-log.js';
import { ScenarioQueue } from './scenario-queue.js';
import { parseScenario, type ScenarioText } from './scenarios.js';
import { handleToken } from './token-handler.js';
import { TokenStore } from './token-store.js';

/** The paths of the token endpoint and /api/v2/pay: the spec's (`wirePaths` of @codepay/models). */
export const TOKEN_PATH = wirePaths.token;
export const PAY_PATH = wirePaths.pay;

/** A request body larger than this is refused (E02003) without being parsed. */
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_TOKEN_TTL_SECONDS = 7200;
const DEFAULT_MAX_RECORDED_REQUESTS = 10_000;

export interface MockGatewayOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1` (loopback only). */
  host?: string;
  /** The merchant account's keys; a fresh set (two RSA-2048 pairs, an AES-128 key, an appId) when absent. */
  keys?: MockGatewayKeys;
  /** Lifetime of issued access tokens; default 7200. */
  tokenTtlSeconds?: number;
  /** Answer with data Prism generates from the result schemas instead of their static examples. */
  dynamic?: boolean;
  /**
   * How a payer or order this gateway never created is answered (static mode): `'not-found'` (the default), a
   * business failure P0404 (payer) or P0405 (order) as the real gateway would; `'examples'`, the spec's example
   * data, as if it existed.
   */
  unknownRecords?: UnknownRecords;
  /** Seed of the generated data (with `dynamic`), so runs repeat; random (and exposed as `seed`) when absent. */
  seed?: string | number;
  /** Delay added before every answer, in milliseconds. */
  latencyMs?: number;
  /** How many requests `requests` keeps (oldest dropped first); default 10,000. */
  maxRecordedRequests?: number;
  /**
   * The merchant's notification URL: every order status change is POSTed there as the sealed PaymentOrderStatus
   * notification, and retried until the answer is `{"code":0}` (at most 10 attempts). None by default: changes are
   * still recorded in `notifications`, and can be sent later.
   */
  notifyUrl?: string;
  /**
   * The waits between delivery attempts: `'standard'` (default: 15 s, 30 s, 1 min, 2 min, 5 min, 10 min, 30 min,
   * 1 h, 2 h), `'fast'` for tests (50 ms, 100 ms, 200 ms, 400 ms, 800 ms, then 1 s), or your own list of at most 9
   * waits in milliseconds (the last one repeats up to the tenth attempt).
   */
  notifyRetry?: NotifyRetry;
}

export interface QueueScenarioOptions {
  /** How many of the next requests get the scenario; default 1. */
  times?: number;
  /** Which endpoint's requests; default `pay` (/api/v2/pay). */
  endpoint?: 'pay' | 'token';
  /**
   * Only /api/v2/pay requests for this service take (and use up) the scenario; requests for other services pass
   * untouched and leave it queued.
   */
  service?: ServiceName;
}

export interface MockGateway {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:53124`. */
  readonly url: string;
  /** Every key of the merchant account, in the dashboard's format (Base64 DER, Base64 AES key). */
  readonly keys: MockGatewayKeys;
  /** What a client is configured with: `{ appId, merchantPrivateKey, platformPublicKey, aesKey }`. */
  readonly clientKeys: MockClientKeys;
  /** The seed of generated data (meaningful with `dynamic`). */
  readonly seed: string;
  /** Every request so far, oldest first (a live array). */
  readonly requests: readonly RecordedRequest[];
  /** Applies a scenario (same syntax as `x-mock-scenario`, e.g. `http-503:2`) to the next requests. */
  queueScenario(scenario: ScenarioText, options?: QueueScenarioOptions): void;
  /** Drops every queued scenario. */
  clearScenarios(): void;
  /** Expires every token issued so far: the next call with one is refused with E01003. */
  expireTokens(): void;
  clearRequests(): void;
  /**
   * Moves an order created through this gateway to `status` (e.g. `Paid`, as if the payer paid), and returns it as
   * a notification event; undefined for an order the gateway does not know.
   */
  setOrderStatus(orderSn: string, status: OrderStatus): PaymentOrderStatusEvent | undefined;
  /**
   * POSTs a sealed PaymentOrderStatus notification to `url`: the spec's example event, overlaid with the fields of
   * the order named by `event.order_sn` when this gateway created it, overlaid with `event`.
   */
  sendNotification(
    url: string | URL,
    event?: Partial<PaymentOrderStatusEvent>,
    options?: SendNotificationOptions,
  ): Promise<NotificationAnswer>;
  /** Every notification of a status change so far, with its delivery attempts, oldest first (a live array). */
  readonly notifications: readonly NotificationDelivery[];
  /** Where notifications are delivered; undefined when there is no notification URL. */
  readonly notifyUrl: string | undefined;
  /** Sets (or, with undefined, removes) the notification URL, for the status changes from now on. */
  setNotifyUrl(url: string | undefined): void;
  /**
   * Records and delivers (with the retry policy) a PaymentOrderStatus notification: the order named by
   * `event.order_sn` when this gateway created it, overlaid with `event`; to `options.url` or the notification URL.
   */
  notify(event?: Partial<PaymentOrderStatusEvent>, options?: { url?: string }): NotificationDelivery;
  /** Sends a recorded notification again (as a new notification), to `url` or the notification URL. */
  resendNotification(id: string, url?: string): NotificationDelivery | undefined;
  /**
   * Answers a pending 3-D Secure challenge as the payer would on its page: `pass` (then the order is Paid, or Failed
   * for a declined card) or `fail` (Failed). Throws a RangeError naming the problem for an unknown or answered one.
   */
  answerChallenge(reference: string, result: 'pass' | 'fail'): CardPayment;
  /** Stops listening and closes every connection, keep-alive ones included; pending notification retries stop. */
  close(): Promise<void>;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer; received ${String(value)}.`);
  return value;
}

function unknownRecordsMode(value: UnknownRecords | undefined): UnknownRecords {
  if (value === undefined) return 'not-found';
  if (!UNKNOWN_RECORDS_MODES.includes(value)) {
    throw new RangeError(
      `unknownRecords must be one of ${UNKNOWN_RECORDS_MODES.map((mode) => `'${mode}'`).join(', ')}; received ${String(value)}.`,
    );
  }
  return value;
}

/** A scenario can only be queued for a service the gateway knows, on the endpoint that has services. */
function checkQueuedService(service: string, endpoint: string, known: readonly string[]): void {
  if (endpoint !== 'pay')
    throw new RangeError(`service applies to the pay endpoint only; received endpoint ${String(endpoint)}.`);
  if (!known.includes(service))
    throw new RangeError(`service must be one of ${known.join(', ')}; received ${String(service)}.`);
}

function endpointOf(path: string): GatewayEndpoint {
  return path === PAY_PATH ? 'pay' : path === TOKEN_PATH ? 'token' : 'other';
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function baseUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startMockGateway(options: MockGatewayOptions = {}): Promise<MockGateway> {
  const port = nonNegativeInteger(options.port ?? 0, 'port');
  const host = options.host ?? '127.0.0.1';
  const latencyMs = nonNegativeInteger(options.latencyMs ?? 0, 'latencyMs');
  const unknownRecords = unknownRecordsMode(options.unknownRecords);
  const seed = String(options.seed ?? randomBytes(6).toString('hex'));
  const { keys, loaded } = prepareGatewayKeys(options.keys ?? (await generateGatewayKeys()));
  const log = new RequestLog(options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS);
  const closing = new AbortController();
  let url = '';
  const sessions = new SandboxSessions();
  const notifications = new NotificationDispatcher(loaded, {
    ...(options.notifyUrl === undefined ? {} : { url: options.notifyUrl }),
    ...(options.notifyRetry === undefined ? {} : { retry: options.notifyRetry }),
  });
  const context: GatewayContext = {
    keys: loaded,
    state: new MerchantState(() => url, {
      enabled: !(options.dynamic ?? false),
      unknownRecords,
      sessions,
      onStatusChange: ({ event, cause }) => void notifications.enqueue(event, cause),
    }),
    sessions,
    notifications,
    url: () => url,
    tokens: new TokenStore(options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS),
    prism: await PrismEngine.create({ dynamic: options.dynamic ?? false, seed }),
    payScenarios: new ScenarioQueue(),
    tokenScenarios: new ScenarioQueue(),
    signal: closing.signal,
  };

  async function route(request: GatewayRequest, endpoint: ReturnType<typeof endpointOf>): Promise<HandledRequest> {
    if (endpoint === 'other') return answerGatewayError(context, request, 'E04040');
    if (request.method !== 'POST')
      return answerGatewayError(context, request, 'E04050', { headers: { allow: 'POST' } });
    return endpoint === 'pay' ? handlePay(context, request) : handleToken(context, request);
  }

  const controls: SandboxControls = {
    context,
    requests: () => log.entries,
    clearRequests: () => log.clear(),
    queueScenario: (scenario, queueOptions) => gateway.queueScenario(scenario, queueOptions as QueueScenarioOptions),
    clearScenarios: () => gateway.clearScenarios(),
    expireTokens: () => gateway.expireTokens(),
    queuedScenarios: () => [
      ...context.payScenarios.list(),
      ...context.tokenScenarios.list().map((entry) => ({ ...entry, scenario: `${entry.scenario} (token endpoint)` })),
    ],
    loopbackOnly: /^(127\.|::1$|localhost$)/.test(host),
  };

  async function serve(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const method = incoming.method ?? 'GET';
    const target = new URL(incoming.url ?? '/', 'http://mock.invalid');
    const path = target.pathname;
    const endpoint = endpointOf(path);
    const request: GatewayRequest = {
      method,
      path,
      headers: incoming.headers,
      body: await readBody(incoming, MAX_BODY_BYTES),
      language: pickLanguage(headerValue(incoming, 'accept-language')),
      psn: nextPsn(receivedAt),
    };
    if (endpoint === 'other') {
      // The pages, the card-flow stand-ins and the control API; only the payment page's service calls are logged.
      let sandbox: Awaited<ReturnType<typeof handleSandbox>>;
      try {
        sandbox = await handleSandbox(controls, { ...request, query: target.searchParams });
      } catch (error) {
        // A bug in the sandbox: say what broke rather than drop the connection (messages never hold key material).
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected error';
        sandbox = { answer: { kind: 'json', status: 500, body: { error: `The sandbox failed: ${detail}` } } };
      }
      if (sandbox) {
        if (sandbox.record)
          log.add({
            receivedAt,
            endpoint: 'payment-page',
            method,
            path,
            language: request.language,
            ...sandbox.record,
          });
        writeAnswer(response, sandbox.answer);
        return;
      }
    }
    let handled: HandledRequest;
    try {
      handled = await route(request, endpoint);
    } catch (error) {
      if (closing.signal.aborted) {
        incoming.socket.destroy();
        return;
      }
      // A bug in the mock: answer like a gateway would, and say what broke (messages never hold key material).
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected error';
      handled = await answerGatewayError(context, request, 'E05000', { detail });
    }
    log.add({ receivedAt, endpoint, method, path, language: request.language, ...handled.record });
    if (latencyMs > 0) await delay(latencyMs, undefined, { signal: closing.signal });
    writeAnswer(response, handled.answer);
  }

  const server = createServer((incoming, response) => {
    serve(incoming, response).catch(() => {
      // Only a close() during the latency delay, or a client gone mid-answer, lands here: drop the connection.
      incoming.socket.destroy();
    });
  });
  const address = await listen(server, port, host);
  url = baseUrl(address);

  let closed: Promise<void> | undefined;
  const gateway: MockGateway = {
    url,
    keys,
    clientKeys: toClientKeys(keys),
    seed,
    requests: log.entries,
    queueScenario(scenario, queueOptions = {}) {
      const { times = 1, endpoint = 'pay', service } = queueOptions;
      if (service !== undefined) checkQueuedService(service, endpoint, context.prism.services);
      const queue = endpoint === 'token' ? context.tokenScenarios : context.payScenarios;
      queue.add(parseScenario(scenario), times, service);
    },
    clearScenarios() {
      context.payScenarios.clear();
      context.tokenScenarios.clear();
    },
    expireTokens() {
      context.tokens.expireAll();
    },
    clearRequests() {
      log.clear();
    },
    setOrderStatus(orderSn, status) {
      return context.state.setOrderStatus(orderSn, status);
    },
    sendNotification(target, event = {}, notificationOptions = {}) {
      // A known order's own fields come first, so a notification about it matches what the merchant created.
      return deliverNotification(
        target,
        { ...context.state.notificationEvent(event.order_sn), ...event },
        loaded,
        notificationOptions,
      );
    },
    notifications: notifications.deliveries,
    get notifyUrl() {
      return notifications.url;
    },
    setNotifyUrl(notifyUrl) {
      notifications.url = notifyUrl;
    },
    notify(event = {}, notifyOptions = {}) {
      const known = context.state.notificationEvent(event.order_sn);
      return notifications.enqueue({ ...known, ...event }, 'sent by a test (notify)', notifyOptions);
    },
    resendNotification(id, resendUrl) {
      return notifications.resend(id, resendUrl);
    },
    answerChallenge(reference, result) {
      const answered = context.state.answerChallenge(reference, result);
      if (!answered.ok) throw new RangeError(answered.message);
      return answered.value.payment;
    },
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        notifications.close();
        server.close((error) => (error ? reject(error) : resolve()));
        // close() only stops accepting; idle keep-alive sockets would keep the server (and the process) open.
        server.closeAllConnections();
      });
      return closed;
    },
  };
  return gateway;
}
