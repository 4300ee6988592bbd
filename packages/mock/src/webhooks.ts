// Webhook delivery: every order status change becomes a PaymentOrderStatus notification, POSTed sealed to the
// merchant's notification URL and retried until the merchant answers the documented acknowledgement — HTTP 2xx
// with the JSON body `{"code":0}` — as the platform does: at most 10 attempts (contract §6), then it gives up.
// Every attempt is recorded (time, HTTP status, answer), and a notification can be sent again ("resend").

import type { PaymentOrderStatusEvent } from '@codepay/models';
import { buildNotificationEvent, notificationBody, postNotification } from './notifications.js';
import type { PlatformSealingKeys } from './platform-envelope.js';

/** The documented limit: the platform gives up after 10 failed attempts. */
export const MAX_NOTIFICATION_ATTEMPTS = 10;

/**
 * Decided (the vendor documents the limit, not the schedule): the waits between attempts — 15 s, 30 s, 1 min,
 * 2 min, 5 min, 10 min, 30 min, 1 h, 2 h — about 3 h 49 min from the first attempt to the tenth.
 */
export const STANDARD_RETRY_DELAYS_MS: readonly number[] = [
  15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000,
];

/** The same ten attempts, for tests: 50 ms, 100 ms, 200 ms, 400 ms, 800 ms, then 1 s apart (about 5.6 s in all). */
export const FAST_RETRY_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800, 1000, 1000, 1000, 1000];

/** `standard`, `fast`, or your own waits in milliseconds (at most 9; the last one repeats up to the tenth attempt). */
export type NotifyRetry = 'standard' | 'fast' | readonly number[];

const STANDARD_TIMEOUT_MS = 10_000;
const FAST_TIMEOUT_MS = 2_000;
const MAX_ANSWER_CHARS = 1000;
const MAX_KEPT_DELIVERIES = 1000;

export interface NotificationAttempt {
  /** When the attempt was sent. */
  at: Date;
  durationMs: number;
  /** The merchant's HTTP status; absent when no answer came (refused connection, timeout). */
  httpStatus?: number;
  /** The merchant's answer body (at most 1000 characters). */
  answer?: string;
  /** Why no answer came, in words. */
  error?: string;
  /** Whether the answer was the documented acknowledgement (HTTP 2xx, `{"code":0}`). */
  acknowledged: boolean;
}

/**
 * `pending`: being sent, or waiting for its next attempt; `delivered`: acknowledged; `gave-up`: 10 attempts without
 * the acknowledgement; `no-url`: there was no notification URL to send it to (set one, then resend it).
 */
export type NotificationState = 'pending' | 'delivered' | 'gave-up' | 'no-url';

export interface NotificationDelivery {
  /** `N000001`, `N000002`, … in the order the status changes happened. */
  id: string;
  createdAt: Date;
  /** What changed the status, in words (e.g. `payOrder (frictionless)`, `refundOrder`, `resend of N000003`). */
  cause: string;
  /** The decrypted content: the PaymentOrderStatus event as sent. */
  event: PaymentOrderStatusEvent;
  url?: string;
  state: NotificationState;
  attempts: NotificationAttempt[];
  /** When the next attempt is due (state `pending`). */
  nextAttemptAt?: Date;
  /** The notification this one sends again. */
  resendOf?: string;
}

export function retryDelays(retry: NotifyRetry | undefined): readonly number[] {
  if (retry === undefined || retry === 'standard') return STANDARD_RETRY_DELAYS_MS;
  if (retry === 'fast') return FAST_RETRY_DELAYS_MS;
  if (!Array.isArray(retry) || retry.length < 1 || retry.length > MAX_NOTIFICATION_ATTEMPTS - 1) {
    throw new RangeError(
      `notifyRetry must be 'standard', 'fast' or 1 to ${MAX_NOTIFICATION_ATTEMPTS - 1} waits in milliseconds; received ${String(retry)}.`,
    );
  }
  for (const wait of retry) {
    if (!Number.isInteger(wait) || wait < 0 || wait > 86_400_000)
      throw new RangeError(`notifyRetry waits must be integers from 0 to 86400000 ms; received ${String(wait)}.`);
  }
  return retry;
}

/** A notification URL must be absolute http: or https:; undefined (no URL) is allowed. */
export function checkNotifyUrl(url: string | undefined, name = 'notifyUrl'): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`${name} must be an absolute http: or https: URL; received ${JSON.stringify(url)}.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RangeError(
      `${name} must be an http: or https: URL; received ${parsed.protocol} in ${JSON.stringify(url)}.`,
    );
  }
  return parsed.href;
}

/** Whether the merchant's answer is the documented acknowledgement: HTTP 2xx with a JSON body whose `code` is 0. */
export function isAcknowledgement(status: number, text: string): boolean {
  if (status < 200 || status > 299) return false;
  try {
    const body = JSON.parse(text) as unknown;
    return typeof body === 'object' && body !== null && !Array.isArray(body) && (body as { code?: unknown }).code === 0;
  } catch {
    return false;
  }
}

export interface NotificationDispatcherOptions {
  url?: string;
  retry?: NotifyRetry;
}

export class NotificationDispatcher {
  /** Every notification so far, oldest first (a live array; the oldest are dropped past 1000). */
  readonly deliveries: NotificationDelivery[] = [];
  #url: string | undefined;
  #sequence = 0;
  readonly #delays: readonly number[];
  readonly #timeoutMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #closing = new AbortController();

  constructor(
    private readonly keys: PlatformSealingKeys,
    options: NotificationDispatcherOptions = {},
  ) {
    this.#url = checkNotifyUrl(options.url);
    this.#delays = retryDelays(options.retry);
    this.#timeoutMs = options.retry === 'fast' ? FAST_TIMEOUT_MS : STANDARD_TIMEOUT_MS;
  }

  get url(): string | undefined {
    return this.#url;
  }

  set url(url: string | undefined) {
    this.#url = checkNotifyUrl(url, 'the notification URL');
  }

  /** Records a notification of `event` and starts delivering it (to `url`, else the notification URL, if any). */
  enqueue(
    event: Partial<PaymentOrderStatusEvent>,
    cause: string,
    options: { url?: string; resendOf?: string } = {},
  ): NotificationDelivery {
    const url = options.url === undefined ? this.#url : checkNotifyUrl(options.url, 'url');
    const delivery: NotificationDelivery = {
      id: `N${String(++this.#sequence).padStart(6, '0')}`,
      createdAt: new Date(),
      cause,
      event: buildNotificationEvent(event),
      ...(url === undefined ? {} : { url }),
      state: url === undefined ? 'no-url' : 'pending',
      attempts: [],
      ...(options.resendOf === undefined ? {} : { resendOf: options.resendOf }),
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_KEPT_DELIVERIES)
      this.deliveries.splice(0, this.deliveries.length - MAX_KEPT_DELIVERIES);
    if (url !== undefined && !this.#closing.signal.aborted) void this.#attempt(delivery, url);
    return delivery;
  }

  /** Sends a recorded notification again, as a new notification (to `url`, else the notification URL). */
  resend(id: string, url?: string): NotificationDelivery | undefined {
    const original = this.deliveries.find((delivery) => delivery.id === id);
    if (!original) return undefined;
    return this.enqueue(original.event, `resend of ${id}`, { resendOf: id, ...(url === undefined ? {} : { url }) });
  }

  /** Stops every pending retry and abandons attempts in flight. */
  close(): void {
    this.#closing.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #attempt(delivery: NotificationDelivery, url: string): Promise<void> {
    delete delivery.nextAttemptAt;
    const at = new Date();
    const attempt: NotificationAttempt = { at, durationMs: 0, acknowledged: false };
    try {
      const body = await notificationBody(delivery.event, this.keys);
      const answer = await postNotification(new URL(url), body, {
        timeoutMs: this.#timeoutMs,
        signal: this.#closing.signal,
      });
      attempt.httpStatus = answer.status;
      attempt.answer =
        answer.text.length > MAX_ANSWER_CHARS ? `${answer.text.slice(0, MAX_ANSWER_CHARS)}…` : answer.text;
      attempt.acknowledged = isAcknowledgement(answer.status, answer.text);
    } catch (error) {
      if (this.#closing.signal.aborted) return;
      const code = (error as { code?: unknown }).code;
      attempt.error = `${error instanceof Error ? error.message : String(error)}${typeof code === 'string' && !String(error).includes(code) ? ` (${code})` : ''}`;
    }
    attempt.durationMs = Date.now() - at.getTime();
    delivery.attempts.push(attempt);
    if (attempt.acknowledged) {
      delivery.state = 'delivered';
      return;
    }
    if (delivery.attempts.length >= MAX_NOTIFICATION_ATTEMPTS || this.#closing.signal.aborted) {
      delivery.state = 'gave-up';
      return;
    }
    const wait = this.#delays[Math.min(delivery.attempts.length - 1, this.#delays.length - 1)] ?? 0;
    delivery.nextAttemptAt = new Date(Date.now() + wait);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(delivery, url);
    }, wait);
    // A waiting retry must not keep a test process (or a CLI being stopped) alive.
    timer.unref();
    this.#timers.add(timer);
  }
}
