// The platform's order-status notification: POST `{noticeType: "PaymentOrderStatus", bizContent, sign}` to the
// merchant's URL, sealed exactly like a /api/v2/pay answer. The event starts from the spec's example, so a test only
// states the fields it cares about.

import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PaymentOrderStatusEvent, PaymentOrderStatusNotification } from '@codepay/models';
import { openapiDocument } from './gen/openapi-document.gen.js';
import { JSON_CONTENT_TYPE } from './http-io.js';
import { sealForMerchant, type PlatformSealingKeys, type SealTampering } from './platform-envelope.js';

export const NOTICE_TYPE = 'PaymentOrderStatus';
const DEFAULT_TIMEOUT_MS = 10_000;

export interface SendNotificationOptions {
  /** Send a notification the merchant must reject: a flipped signature bit, or another AES key. */
  tampering?: SealTampering;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>>;
  /** Give up after this long without a full answer (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface NotificationAnswer {
  status: number;
  /** The merchant's answer, parsed as JSON when it is JSON, else the text. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

interface SchemaWithExamples {
  examples?: unknown[];
}

/** The first example of `PaymentOrderStatusNotification` in the spec. */
function exampleEvent(): PaymentOrderStatusEvent {
  const components = openapiDocument.components as { schemas: Record<string, SchemaWithExamples> };
  const example = components.schemas.PaymentOrderStatusNotification?.examples?.[0] as
    | PaymentOrderStatusNotification
    | undefined;
  if (!example) throw new Error('the spec has no PaymentOrderStatusNotification example');
  return structuredClone(example.PaymentOrderStatus);
}

/** The spec's example event with `overrides` applied (shallow merge). */
export function buildNotificationEvent(overrides: Partial<PaymentOrderStatusEvent> = {}): PaymentOrderStatusEvent {
  return { ...exampleEvent(), ...overrides };
}

function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The merchant's answer as received: status, text and headers. */
export interface RawNotificationAnswer {
  status: number;
  text: string;
  headers: IncomingHttpHeaders;
}

/** POSTs `body` (JSON) to `url` once; no pooled agent, a timeout, and the caller's signal. */
export function postNotification(
  url: URL,
  body: string,
  options: Pick<SendNotificationOptions, 'headers' | 'timeoutMs' | 'signal'>,
): Promise<RawNotificationAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!send) return Promise.reject(new TypeError(`notification URL must be http: or https:, not ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body, 'utf8');
    const request = send(
      url,
      {
        method: 'POST',
        // No pooled agent: a notification is one-off, and a kept-alive socket would hold the test process open.
        agent: false,
        headers: {
          ...options.headers,
          'content-type': JSON_CONTENT_TYPE,
          accept: 'application/json',
          'content-length': String(payload.length),
        },
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`no answer from ${url.origin} within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** The sealed notification body `{noticeType, bizContent, sign}` for `event` (merged into the spec's example). */
export async function notificationBody(
  event: Partial<PaymentOrderStatusEvent>,
  keys: PlatformSealingKeys,
  tampering?: SealTampering,
): Promise<string> {
  const notification: PaymentOrderStatusNotification = { PaymentOrderStatus: buildNotificationEvent(event) };
  const sealed = await sealForMerchant(notification, keys, tampering);
  return JSON.stringify({ noticeType: NOTICE_TYPE, ...sealed });
}

export async function deliverNotification(
  url: string | URL,
  event: Partial<PaymentOrderStatusEvent>,
  keys: PlatformSealingKeys,
  options: SendNotificationOptions = {},
): Promise<NotificationAnswer> {
  const answer = await postNotification(new URL(url), await notificationBody(event, keys, options.tampering), options);
  return { status: answer.status, body: parseAnswer(answer.text), headers: answer.headers };
}
