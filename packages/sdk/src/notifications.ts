// Order-status notifications the platform POSTs to the merchant: verify and decrypt them, answer them, and a
// ready-made request handler for node:http and Express-style servers.
import { validatePaymentOrderStatusNotification, type PaymentOrderStatusEvent } from '@codepay/models';
import { describeReceived, isCodePayError, kindOf, parseJsonExact, ResponseFormatError, type EnvelopeClient, type Logger } from '@codepay/transport';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The answer that tells the platform a notification was received (anything else makes it retry). */
export interface NotificationAck {
  code: 0;
}

export type NotificationListener = (event: PaymentOrderStatusEvent) => void | Promise<void>;

/** `req` of node:http, or of Express/Connect with a body already read by `express.raw()`, `express.text()` or `express.json()`. */
export type NotificationRequest = IncomingMessage & { body?: unknown };

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
  handler(listener: NotificationListener): (req: NotificationRequest, res: ServerResponse) => Promise<void>;
}

const MAX_NOTIFICATION_BYTES = 1024 * 1024;

function notANotification(detail: string): ResponseFormatError {
  return new ResponseFormatError(`The body is not a PaymentOrderStatus notification: ${detail}.`);
}

function parseBody(rawBody: string | Uint8Array | Record<string, unknown>): Record<string, unknown> {
  if (typeof rawBody !== 'string' && !(rawBody instanceof Uint8Array)) {
    if (typeof rawBody === 'object' && rawBody !== null && !Array.isArray(rawBody)) return rawBody;
    throw notANotification(`it is ${kindOf(rawBody)}; pass the raw body (string or Buffer) or the parsed JSON object`);
  }
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody, 'utf8') : rawBody.byteLength;
  if (size > MAX_NOTIFICATION_BYTES) throw notANotification(`it is larger than ${MAX_NOTIFICATION_BYTES} bytes`);
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw notANotification(text.trim() === '' ? 'it is empty' : 'it is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw notANotification('it is not a JSON object');
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
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap, keep draining (so the sender gets an answer, not a reset) but keep nothing.
      if (size <= MAX_NOTIFICATION_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > MAX_NOTIFICATION_BYTES) reject(notANotification(`it is larger than ${MAX_NOTIFICATION_BYTES} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export function createNotifications(envelope: EnvelopeClient, logger: Logger): Notifications {
  const verifyAndDecrypt: Notifications['verifyAndDecrypt'] = async (rawBody) => {
    const body = parseBody(rawBody);
    if (body.noticeType !== 'PaymentOrderStatus') throw notANotification(`noticeType is ${body.noticeType === undefined ? 'missing' : describeReceived(body.noticeType)}, not "PaymentOrderStatus"`);
    if (typeof body.bizContent !== 'string' || typeof body.sign !== 'string') throw notANotification('bizContent or sign is missing');
    const plaintext = await envelope.openNotification(body.bizContent, body.sign);
    let content: unknown;
    try {
      // The same rule as for answers: an integer beyond 2^53 arrives as its exact digits, never rounded.
      content = parseJsonExact(plaintext);
    } catch {
      throw notANotification('the verified content is not JSON');
    }
    if (!validatePaymentOrderStatusNotification(content)) {
      const paths = (validatePaymentOrderStatusNotification.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`);
      throw notANotification(`the verified content does not match the contract (${paths.join('; ')})`);
    }
    return content.PaymentOrderStatus;
  };

  return {
    verifyAndDecrypt,
    ack: () => ({ code: 0 }),
    handler: (listener) => async (req, res) => {
      let event: PaymentOrderStatusEvent;
      try {
        event = await verifyAndDecrypt(await readRequestBody(req));
      } catch (error) {
        logger.warn('notification refused', { reason: isCodePayError(error) ? error.name : 'error' });
        answer(res, 400, { code: 400, msg: isCodePayError(error) ? error.message : 'Bad notification' });
        return;
      }
      try {
        await listener(event);
      } catch (error) {
        // Answered 500 so the platform delivers it again; the error itself is the listener's to report.
        logger.error('notification listener failed; answered 500 so the platform retries', { error: error instanceof Error ? error.name : typeof error });
        answer(res, 500, { code: 500, msg: 'listener failed' });
        return;
      }
      answer(res, 200, { code: 0 });
    },
  };
}
