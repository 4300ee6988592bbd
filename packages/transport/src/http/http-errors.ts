// Turns a failed fetch into a typed error that says whether the request may have reached the server: that one
// bit decides whether a state-changing call (createOrder, refundOrder…) may be retried.
import { ConnectionError } from '../errors.js';

// With a `fetch`, which cannot say how far an exchange got, these codes still prove the request was never sent:
// each can only happen while resolving the host or opening the connection. (EHOSTUNREACH and ENETUNREACH are not
// among them: an ICMP error can also arrive after the request was delivered.)
const CONNECT_ONLY = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

// Node refuses to write a request whose header holds characters HTTP does not allow: nothing left the process.
const UNWRITABLE = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_HTTP_INVALID_HEADER_VALUE']);

// TLS handshake failures also happen before the request is written; retrying them is pointless.
const CERTIFICATE =
  /^(CERT_|ERR_TLS_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/;

function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof code === 'string' ? [code] : [];
  const nested = Array.isArray(errors) ? errors.flatMap((e) => errorCodes(e, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(cause, depth + 1)];
}

export interface FailureContext {
  /** What was being sent, for the message: e.g. `createOrder request` or `token request`. */
  what: string;
  service?: string;
  /** Merchant order number, named in an "outcome unknown" message so the merchant knows which order to check. */
  orderSn?: string;
  url: string;
  /** The proxy the request goes through, without credentials (for the message). */
  via?: string | undefined;
}

// Proxy refusals no retry can fix: the proxy wants other credentials, or forbids this destination.
const FINAL_PROXY_STATUS = new Set([403, 407]);

// Failures that no retry can fix (a certificate the client does not trust).
const notRetriable = new WeakSet<object>();
export const isNotRetriable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && notRetriable.has(error);
/** Marks `error` as one no retry can fix (for an error that wraps one that was). */
export const markNotRetriable = <E extends object>(error: E): E => {
  notRetriable.add(error);
  return error;
};

// A connection closed under a request that was never written: a stale keep-alive socket, not a struggling server,
// so the next attempt (on a fresh connection) need not wait.
const RESET = new Set(['ECONNRESET', 'EPIPE']);
const atOnce = new WeakSet<object>();
export const retriesAtOnce = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && atOnce.has(error);

/**
 * `mayHaveReached` is the phase the HTTP client saw: `false` when no byte of the request was written, `true` after,
 * `undefined` when the client cannot tell.
 */
export function connectionFailure(
  error: unknown,
  context: FailureContext,
  mayHaveReached: boolean | undefined,
): ConnectionError {
  const codes = errorCodes(error);
  const host = new URL(context.url).host;
  const service = context.service === undefined ? {} : { service: context.service };
  const certificate = codes.find((c) => CERTIFICATE.test(c));
  if (certificate) {
    const failure = new ConnectionError(
      `The ${context.what} to ${host} failed the TLS certificate check (${certificate}); nothing was sent. ` +
        'Check the base URL, or pass your private CA with the `ca` option.',
      { ...service, outcomeUnknown: false, cause: error },
    );
    notRetriable.add(failure);
    return failure;
  }
  if (codes.includes('ERR_CLIENT_CLOSED')) {
    const failure = new ConnectionError(
      `The ${context.what} was not sent: the client was closed (close()). Create a new client to make calls.`,
      {
        ...service,
        outcomeUnknown: false,
        cause: error,
      },
    );
    notRetriable.add(failure);
    return failure;
  }
  const proxyStatus = (error as { proxyStatus?: unknown } | null)?.proxyStatus;
  if (codes.includes('ERR_PROXY_REFUSED') && typeof proxyStatus === 'number') {
    const failure = new ConnectionError(
      `The ${context.what} could not be sent: the proxy${context.via === undefined ? '' : ` ${context.via}`} refused to open a tunnel to ${host} (HTTP ${proxyStatus}${proxyStatus === 407 ? ', proxy authentication required' : ''}); nothing was sent. ` +
        'Check the proxy option (or HTTPS_PROXY/NO_PROXY) and the proxy credentials.',
      { ...service, outcomeUnknown: false, cause: error },
    );
    if (FINAL_PROXY_STATUS.has(proxyStatus)) notRetriable.add(failure);
    return failure;
  }
  const unwritable = codes.find((c) => UNWRITABLE.has(c));
  if (unwritable) {
    const failure = new ConnectionError(
      `The ${context.what} could not be written (${unwritable}: a header holds characters HTTP does not allow); nothing was sent.`,
      { ...service, outcomeUnknown: false, cause: error },
    );
    notRetriable.add(failure);
    return failure;
  }
  const detail = codes[0] ?? (error instanceof Error ? error.message : 'unknown error');
  if (mayHaveReached === false || (mayHaveReached === undefined && codes.some((c) => CONNECT_ONLY.has(c)))) {
    const route = context.via === undefined ? `to ${host}` : `to ${host} through the proxy ${context.via}`;
    const check =
      context.via === undefined
        ? 'Check the base URL and the network.'
        : 'Check the proxy (the proxy option or HTTPS_PROXY), the base URL and the network.';
    const failure = new ConnectionError(
      `The ${context.what} could not be sent ${route} (${detail}); nothing was sent. ${check}`,
      { ...service, outcomeUnknown: false, cause: error },
    );
    if (mayHaveReached === false && codes.some((c) => RESET.has(c))) atOnce.add(failure);
    return failure;
  }
  const order = context.orderSn === undefined ? '' : ` (order_sn ${context.orderSn})`;
  return new ConnectionError(
    `The connection to ${host} failed during the ${context.what}${order} (${detail}). The request may have reached ` +
      'the gateway, so its outcome is unknown: learn it (codepay.resolveOutcome(error)) before sending it again.',
    { ...service, outcomeUnknown: true, cause: error },
  );
}
