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
  const components = openapiDocument['components'] as { schemas: Record<string, SchemaWithExamples> };
  const example = components.schemas['PaymentOrderStatusNotification']?.examples?.[0] as
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

function post(url: URL, body: string, options: SendNotificationOptions): Promise<NotificationAnswer> {
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
            body: parseAnswer(Buffer.concat(chunks).toString('utf8')),
            headers: response.headers,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`the notification to ${url.origin} timed out`)));
    request.on('error', reject);
    request.end(payload);
  });
}

export async function deliverNotification(
  url: string | URL,
  event: Partial<PaymentOrderStatusEvent>,
  keys: PlatformSealingKeys,
  options: SendNotificationOptions = {},
): Promise<NotificationAnswer> {
  const notification: PaymentOrderStatusNotification = { PaymentOrderStatus: buildNotificationEvent(event) };
  const sealed = await sealForMerchant(notification, keys, options.tampering);
  return post(new URL(url), JSON.stringify({ noticeType: NOTICE_TYPE, ...sealed }), options);
}
