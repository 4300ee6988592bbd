// Turns a failed fetch into a typed error that says whether the request may have reached the server: that one
// bit decides whether a state-changing call (createOrder, refundOrder…) may be retried.
import { ConnectionError } from '../errors.js';

// Failures that happen before a single byte of the request is written: the server certainly never saw it.
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// Node refuses to write a request whose header holds characters HTTP does not allow: nothing left the process.
const UNWRITABLE = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_HTTP_INVALID_HEADER_VALUE']);

// TLS handshake failures also happen before the request is written; retrying them is pointless.
const CERTIFICATE = /^(CERT_|ERR_TLS_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(VERIFY|GET)_)/;

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
}

// Failures that no retry can fix (a certificate the client does not trust).
const notRetriable = new WeakSet<object>();
export const isNotRetriable = (error: unknown): boolean => typeof error === 'object' && error !== null && notRetriable.has(error);

export function connectionFailure(error: unknown, context: FailureContext): ConnectionError {
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
  const unwritable = codes.find((c) => UNWRITABLE.has(c));
  if (unwritable) {
    const failure = new ConnectionError(
      `The ${context.what} could not be written (${unwritable}: a header holds characters HTTP does not allow); nothing was sent.`,
      { ...service, outcomeUnknown: false, cause: error },
    );
    notRetriable.add(failure);
    return failure;
  }
  const neverSent = codes.find((c) => NEVER_SENT.has(c));
  if (neverSent) {
    return new ConnectionError(
      `The ${context.what} could not connect to ${host} (${neverSent}); nothing was sent. Check the base URL and the network.`,
      { ...service, outcomeUnknown: false, cause: error },
    );
  }
  const detail = codes[0] ?? (error instanceof Error ? error.message : 'unknown error');
  const order = context.orderSn === undefined ? '' : ` (order_sn ${context.orderSn})`;
  return new ConnectionError(
    `The connection to ${host} failed during the ${context.what}${order} (${detail}). The request may have reached ` +
      `the gateway, so its outcome is unknown: check its status${context.orderSn ? ' with queryOrder' : ''} before sending it again.`,
    { ...service, outcomeUnknown: true, cause: error },
  );
}
