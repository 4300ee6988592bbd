// Order-status notifications the platform POSTs to the merchant: verify and decrypt them, answer them, and a
// ready-made request handler for node:http and Express-style servers.
import { validatePaymentOrderStatusNotification, type PaymentOrderStatusEvent } from '@codepay/models';
import {
  ConfigurationError,
  describeReceived,
  isCodePayError,
  kindOf,
  parseJsonExact,
  ResponseFormatError,
  type EnvelopeClient,
  type Logger,
} from '@codepay/transport';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The answer that tells the platform a notification was received (anything else makes it retry). */
export interface NotificationAck {
  code: 0;
}

export type NotificationListener = (event: PaymentOrderStatusEvent) => void | Promise<void>;

/** `req` of node:http, or of Express/Connect with a body already read by `express.raw()`, `express.text()` or `express.json()`. */
export type NotificationRequest = IncomingMessage & { body?: unknown };

/** Where a notification failed: refused before the listener (`verify`: read, parse, decrypt, signature, contract), or in it. */
export type NotificationErrorStage = 'verify' | 'listener';

export interface NotificationHandlerOptions {
  /**
   * Called with every failure, after the answer (400 for a refused notification, 500 for a listener that threw) was
   * sent: the error itself (a typed CodePayError for a refusal; whatever the listener threw). The answer never says
   * which check failed, and the log line names only the error class: this is where the detail is.
   */
  onError?: (error: unknown, context: { stage: NotificationErrorStage }) => void | Promise<void>;
}

export interface Notifications {
  /**
   * Verifies the platform's signature and decrypts a notification body; raises SignatureVerificationError on a
   * bad signature and ResponseFormatError for a body that is not a PaymentOrderStatus notification.
   */
  verifyAndDecrypt(rawBody: string | Uint8Array | Record<string, unknown>): Promise<PaymentOrderStatusEvent>;
  /** `{ code: 0 }`: the answer that acknowledges a notification. */
  ack(): NotificationAck;
  /**
   * A request handler: reads the body, verifies and decrypts it, awaits `listener`, and answers `{"code":0}`.
   * A forged or malformed body is answered 400, a listener that throws 500 (so the platform retries).
   */
  handler(
    listener: NotificationListener,
    options?: NotificationHandlerOptions,
  ): (req: NotificationRequest, res: ServerResponse) => Promise<void>;
}

const MAX_NOTIFICATION_BYTES = 1024 * 1024;
/** A sender still going past this many bytes is cut off (answered 400, connection closed) instead of drained. */
const MAX_DRAINED_BYTES = 8 * MAX_NOTIFICATION_BYTES;
/** An RSA-4096 signature is 684 Base64 characters; anything much longer is not a signature. */
const MAX_SIGN_CHARS = 2048;

/** Refusals after which the connection is closed rather than read to its end. */
const cutOff = new WeakSet<object>();

function notANotification(detail: string): ResponseFormatError {
  return new ResponseFormatError(`The body is not a PaymentOrderStatus notification: ${detail}.`);
}

const tooLarge = () => notANotification(`it is larger than ${MAX_NOTIFICATION_BYTES} bytes`);

function parseBody(rawBody: string | Uint8Array | Record<string, unknown>): Record<string, unknown> {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    if (typeof rawBody === 'object' && rawBody !== null && !Array.isArray(rawBody)) {
      // Parsed already (express.json() with whatever limit it was given): the fields that are decrypted and verified
      // are held to the same cap as a raw body, before any work is done on them.
      const { bizContent, sign } = rawBody;
      if (
        (typeof bizContent === 'string' && bizContent.length > MAX_NOTIFICATION_BYTES) ||
        (typeof sign === 'string' && sign.length > MAX_SIGN_CHARS)
      )
        throw tooLarge();
      return rawBody;
    }
    throw notANotification(`it is ${kindOf(rawBody)}; pass the raw body (string or Buffer) or the parsed JSON object`);
  }
  // A string has at least as many UTF-8 bytes as characters: a long one is refused without counting them.
  if (rawBody.length > MAX_NOTIFICATION_BYTES) throw tooLarge();
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody, 'utf8') : rawBody.byteLength;
  if (size > MAX_NOTIFICATION_BYTES) throw tooLarge();
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  let body: unknown;
  try {
    // Refuses JSON nested deeper than 64 levels before parsing it (a megabyte of `[[[[…` would block for a second).
    body = parseJsonExact(text);
  } catch {
    throw notANotification(text.trim() === '' ? 'it is empty' : 'it is not JSON, or is nested too deep');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw notANotification('it is not a JSON object');
  return body as Record<string, unknown>;
}

function readRequestBody(req: NotificationRequest): Promise<string | Uint8Array | Record<string, unknown>> {
  // Express and friends may have read the body already: a Buffer (raw), a string (text) or an object (json). The
  // signature covers the decrypted bizContent, not the outer JSON, so a parsed object verifies just as well. Once a
  // parser ran, the stream is consumed: use what it made, even `{}`, rather than wait for data that never comes.
  const body = req.body;
  if (typeof body === 'string' || body instanceof Uint8Array) return Promise.resolve(body);
  if (typeof body === 'object' && body !== null) return Promise.resolve(body as Record<string, unknown>);
  if (req.readableEnded) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap, keep draining for a while (so the sender gets an answer, not a reset) but keep nothing; a
      // sender still going long after it is cut off, so that a body without end cannot hold the handler.
      if (size <= MAX_NOTIFICATION_BYTES) chunks.push(chunk);
      else chunks.length = 0;
      if (size > MAX_DRAINED_BYTES) {
        req.removeListener('data', onData);
        req.pause();
        const error = tooLarge();
        cutOff.add(error);
        reject(error);
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size > MAX_NOTIFICATION_BYTES) reject(tooLarge());
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: object, closeConnection = false): void {
  res.writeHead(
    status,
    closeConnection
      ? { 'content-type': 'application/json', connection: 'close' }
      : { 'content-type': 'application/json' },
  );
  res.end(JSON.stringify(body), closeConnection ? () => res.socket?.destroy() : undefined);
}

export function createNotifications(envelope: EnvelopeClient, logger: Logger): Notifications {
  const verifyAndDecrypt: Notifications['verifyAndDecrypt'] = async (rawBody) => {
    const body = parseBody(rawBody);
    if (body.noticeType !== 'PaymentOrderStatus')
      throw notANotification(
        `noticeType is ${body.noticeType === undefined ? 'missing' : describeReceived(body.noticeType)}, not "PaymentOrderStatus"`,
      );
    if (typeof body.bizContent !== 'string' || typeof body.sign !== 'string')
      throw notANotification('bizContent or sign is missing');
    const plaintext = await envelope.openNotification(body.bizContent, body.sign);
    let content: unknown;
    try {
      // The same rule as for answers: an integer beyond 2^53 arrives as its exact digits, never rounded.
      content = parseJsonExact(plaintext);
    } catch {
      throw notANotification('the verified content is not JSON');
    }
    // Verified content is refused only when it is not a notification at all. Anything else reaches the listener — an
    // unknown status, a mistyped optional field: refusing it would make the platform retry ten times and then drop
    // the notification for good — with the departure reported as drift (a warn line and the event's `drift`).
    const event = (content as { PaymentOrderStatus?: unknown } | null)?.PaymentOrderStatus;
    if (
      typeof content !== 'object' ||
      content === null ||
      typeof event !== 'object' ||
      event === null ||
      Array.isArray(event)
    ) {
      throw notANotification('the verified content carries no PaymentOrderStatus event');
    }
    if (!validatePaymentOrderStatusNotification(content)) {
      const drift = (validatePaymentOrderStatusNotification.errors ?? []).map((e) => ({
        path: e.instancePath.replace(/^\/PaymentOrderStatus/, '') || '',
        keyword: e.keyword,
        message: e.message ?? `does not meet the contract's "${e.keyword}" rule`,
      }));
      logger.warn('notification drift: the event departs from the spec', {
        paths: drift.map((d) => `${d.path || '(root)'} ${d.keyword}`).join(', '),
      });
      Object.defineProperty(event, 'drift', { value: drift, enumerable: false });
    }
    return event as PaymentOrderStatusEvent;
  };

  return {
    verifyAndDecrypt,
    ack: () => ({ code: 0 }),
    handler: (listener, options = {}) => {
      const onError = options.onError;
      if (onError !== undefined && typeof onError !== 'function') {
        throw new ConfigurationError(
          'must be a function (error, { stage }) called with every failure of the handler.',
          { option: 'onError' },
        );
      }
      // The hook's own failure must not take the handler down with it: it is logged (by class) and dropped.
      const report = async (error: unknown, stage: NotificationErrorStage) => {
        if (!onError) return;
        try {
          await onError(error, { stage });
        } catch (hookError) {
          logger.error('notification onError hook threw', {
            stage,
            error: hookError instanceof Error ? hookError.name : typeof hookError,
          });
        }
      };
      return async (req, res) => {
        let event: PaymentOrderStatusEvent;
        try {
          event = await verifyAndDecrypt(await readRequestBody(req));
        } catch (error) {
          // The answer says only that the notification was refused: which check failed (Base64, padding, UTF-8,
          // signature) would help a forger, not the platform. The class goes to the log, the error to onError.
          logger.warn('notification refused', {
            reason: isCodePayError(error) ? error.name : 'error',
            outcome: 'refused',
          });
          answer(
            res,
            400,
            { code: 400, msg: 'notification refused' },
            typeof error === 'object' && error !== null && cutOff.has(error),
          );
          await report(error, 'verify');
          return;
        }
        try {
          await listener(event);
        } catch (error) {
          // Answered 500 so the platform delivers it again; the error itself is the listener's to report (onError).
          logger.error('notification listener failed; answered 500 so the platform retries', {
            error: error instanceof Error ? error.name : typeof error,
            outcome: 'listener-failed',
            hook: onError ? 'onError' : 'none (pass onError to handler() to receive the error)',
          });
          answer(res, 500, { code: 500, msg: 'listener failed' });
          await report(error, 'listener');
          return;
        }
        answer(res, 200, { code: 0 });
      };
    },
  };
}
