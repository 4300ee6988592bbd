// Order-status notifications the platform POSTs to the merchant: verify and decrypt them, answer them, and a
// ready-made request handler for node:http and Express-style servers.
import { createHash } from 'node:crypto';
import { validatePaymentOrderStatusNotification, type PaymentOrderStatusEvent } from '@codepay/models';
import {
  ConfigurationError,
  isCodePayError,
  ResponseFormatError,
  type EnvelopeClient,
  type Logger,
} from '@codepay/transport';
import { describeReceived, JsonTooDeep, kindOf, parseJsonExact } from '@codepay/transport/internal';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The answer that tells the platform a notification was received (anything else makes it retry). */
export interface NotificationAck {
  code: 0;
}

export type NotificationListener = (event: PaymentOrderStatusEvent) => void | Promise<void>;

/** `req` of node:http, or of Express/Connect with a body already read by `express.raw()`, `express.text()` or `express.json()`. */
export type NotificationRequest = IncomingMessage & { body?: unknown };

/**
 * Where a notification failed: refused before the listener (`verify`: read, parse, decrypt, signature, contract), in
 * the `deduplicate` option's claim (`deduplicate`: answered 503), or in the listener.
 */
export type NotificationErrorStage = 'verify' | 'deduplicate' | 'listener';

/** A notification this process now handles: say how it ended, so the other processes know. */
export interface NotificationClaim {
  status: 'claimed';
  /** The listener succeeded: the notification is handled (later deliveries are acknowledged without running it). */
  complete(): void | Promise<void>;
  /** The listener failed: forget the claim, so the platform's next delivery runs the listener again. */
  release(): void | Promise<void>;
}

/**
 * What a deduplicator answers: `claimed` (run the listener here), `done` (handled before: acknowledged without
 * running the listener) or `busy` (being handled right now elsewhere: answered 503, so the platform delivers it
 * again later, when it is either done or released).
 */
export type NotificationClaimResult = NotificationClaim | { status: 'done' } | { status: 'busy' };

/**
 * Runs the listener once per notification across processes (the `deduplicate` option of `handler()`). `key`
 * identifies the notification — a SHA-256 (hex) of the appId and the verified event's identifying fields, never the
 * content itself. A claim that throws is answered 503 (the platform retries). An in-memory one is a few lines (see the
 * README); `@codepay/redis` has one for several processes.
 */
export interface NotificationDeduplicator {
  claim(key: string, context: { logger: Logger }): NotificationClaimResult | Promise<NotificationClaimResult>;
}

export interface NotificationHandlerOptions {
  /**
   * Called with every failure, after the answer (400 for a refused notification, 500 for a listener that threw) was
   * sent: the error itself (a typed CodePayError for a refusal; whatever the listener threw). The answer never says
   * which check failed, and the log line names only the error class: this is where the detail is.
   */
  onError?: (error: unknown, context: { stage: NotificationErrorStage }) => void | Promise<void>;
  /**
   * Runs the listener once per notification, also across processes sharing the deduplicator: a duplicate already
   * handled is acknowledged without running it, one being handled elsewhere is answered 503 (delivered again later),
   * and a listener that throws releases its claim so the next delivery runs it again. Default: none (every delivery
   * runs the listener).
   */
  deduplicate?: NotificationDeduplicator;
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
   * A forged or malformed body is answered 400, a listener that throws 500 (so the platform retries). With
   * `deduplicate`, a duplicate already handled is answered `{"code":0}` without running the listener, and one being
   * handled elsewhere 503.
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
  } catch (error) {
    if (error instanceof JsonTooDeep) {
      throw notANotification(`it is JSON nested deeper than ${error.maxDepth} levels (refused unparsed)`);
    }
    throw notANotification(text.trim() === '' ? 'it is empty' : 'it is not JSON');
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

const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

function answer(res: ServerResponse, status: number, body: object, closeConnection = false): void {
  res.writeHead(
    status,
    closeConnection
      ? { 'content-type': 'application/json', connection: 'close' }
      : { 'content-type': 'application/json' },
  );
  res.end(JSON.stringify(body), closeConnection ? () => res.socket?.destroy() : undefined);
}

/** The fields that tell one status change from another: the order, its new status and when it changed. */
const IDENTIFYING_FIELDS = ['order_sn', 'platform_order_sn', 'linkID', 'status', 'requestTime', 'failTimes'] as const;

/** What identifies a notification to a deduplicator: a hash, so no content of the event leaves the process. */
export function notificationKey(appId: string, event: PaymentOrderStatusEvent): string {
  const fields = IDENTIFYING_FIELDS.map((field) => (event as Record<string, unknown>)[field] ?? null);
  return createHash('sha256')
    .update(JSON.stringify([appId, ...fields]))
    .digest('hex');
}

function checkDeduplicator(value: unknown): NotificationDeduplicator | undefined {
  if (value === undefined || typeof (value as { claim?: unknown } | null)?.claim === 'function')
    return value as NotificationDeduplicator | undefined;
  throw new ConfigurationError(
    'must be an object with claim(key) (e.g. redisNotificationDeduplicator(client) from @codepay/redis).',
    { option: 'deduplicate' },
  );
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
      const deduplicate = checkDeduplicator(options.deduplicate);
      // The hook's own failure must not take the handler down with it: it is logged (by class) and dropped.
      const report = async (error: unknown, stage: NotificationErrorStage) => {
        if (!onError) return;
        try {
          await onError(error, { stage });
        } catch (hookError) {
          logger.error('notification onError hook threw', { stage, error: errorName(hookError) });
        }
      };
      // The listener's outcome is what the answer reports: a deduplicator failing to record it is logged, not answered.
      const settle = async (claim: NotificationClaim | undefined, how: 'complete' | 'release') => {
        try {
          await claim?.[how]();
        } catch (error) {
          logger.warn(`notification deduplicator could not ${how} its claim`, { error: errorName(error) });
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
        let claim: NotificationClaim | undefined;
        if (deduplicate) {
          let claimed: NotificationClaimResult;
          try {
            claimed = await deduplicate.claim(notificationKey(envelope.appId, event), { logger });
          } catch (error) {
            logger.error('notification deduplicator failed; answered 503 so the platform retries', {
              error: errorName(error),
              outcome: 'deduplicate-failed',
            });
            answer(res, 503, { code: 503, msg: 'notification not processed, retry later' });
            await report(error, 'deduplicate');
            return;
          }
          if (claimed.status === 'done') {
            logger.info('duplicate notification acknowledged; the listener ran for it before', {
              outcome: 'duplicate',
            });
            answer(res, 200, { code: 0 });
            return;
          }
          if (claimed.status !== 'claimed') {
            logger.info('notification is being handled elsewhere; answered 503 so the platform retries', {
              outcome: 'busy',
            });
            answer(res, 503, { code: 503, msg: 'notification being processed, retry later' });
            return;
          }
          claim = claimed;
        }
        try {
          await listener(event);
        } catch (error) {
          await settle(claim, 'release');
          // Answered 500 so the platform delivers it again; the error itself is the listener's to report (onError).
          logger.error('notification listener failed; answered 500 so the platform retries', {
            error: errorName(error),
            outcome: 'listener-failed',
            hook: onError ? 'onError' : 'none (pass onError to handler() to receive the error)',
          });
          answer(res, 500, { code: 500, msg: 'listener failed' });
          await report(error, 'listener');
          return;
        }
        await settle(claim, 'complete');
        answer(res, 200, { code: 0 });
      };
    },
  };
}
