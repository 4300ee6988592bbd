// The merchant's side of notifications: the SDK's ready-made handler mounted on node:http, a way to POST any bytes
// to it, and a catcher that keeps the exact body the platform (the mock) sends.
import { request as httpRequest } from 'node:http';
import type { MockGateway } from '@codepay/mock';
import type { CodePay, NotificationRequest, PaymentOrderStatusEvent } from '@codepay/sdk';
import { answer, readRequestBody, startLoopbackServer, type LoopbackServer } from './loopback-server.js';

export interface PostAnswer {
  status: number;
  body: unknown;
}

/** How long a POST waits for an answer: a handler that never answers must fail the test, not hang it. */
const ANSWER_TIMEOUT_MS = 2_000;

/**
 * POSTs `body` as JSON without a pooled connection. An endpoint that drops the connection resolves to status 0, one
 * that does not answer within ANSWER_TIMEOUT_MS to status -1.
 */
function postRaw(url: string, body: string | Uint8Array): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
      },
      (response) => {
        void readRequestBody(response).then((bytes) => {
          const text = bytes.toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        }, reject);
      },
    );
    request.setTimeout(ANSWER_TIMEOUT_MS, () => {
      resolve({ status: -1, body: 'no answer' });
      request.destroy();
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve({ status: 0, body: undefined }) : reject(error),
    );
    request.end(payload);
  });
}

export interface NotificationEndpoint {
  readonly url: string;
  /** Every event the listener was called with. */
  readonly delivered: PaymentOrderStatusEvent[];
  post(body: string | Uint8Array): Promise<PostAnswer>;
  close(): Promise<void>;
}

/**
 * The handler on node:http. With `bodyParser: 'json'`, a middleware reads and parses the body first, as
 * `express.json()` does (an empty body becomes `{}`), and the handler gets `req.body`.
 */
export async function startNotificationEndpoint(
  codepay: CodePay,
  options: { bodyParser?: 'json' } = {},
): Promise<NotificationEndpoint> {
  const delivered: PaymentOrderStatusEvent[] = [];
  const handler = codepay.notifications.handler((event) => {
    delivered.push(event);
  });
  const server = await startLoopbackServer((request: NotificationRequest, response) => {
    if (options.bodyParser !== 'json') return void handler(request, response);
    void readRequestBody(request).then((bytes) => {
      const text = bytes.toString('utf8');
      try {
        request.body = text === '' ? {} : (JSON.parse(text) as unknown);
      } catch {
        return answer(response, 400, '{"error":"body-parser: invalid JSON"}');
      }
      void handler(request, response);
    });
  });
  const url = `${server.url}/codepay/notifications`;
  return { url, delivered, post: (body) => postRaw(url, body), close: () => server.close() };
}

/** The exact body the mock sends for a notification of `event` (optionally tampered by the mock itself). */
export async function catchNotificationBody(
  mock: MockGateway,
  event: Partial<PaymentOrderStatusEvent> = {},
  tampering?: 'bad-signature' | 'wrong-key',
): Promise<string> {
  let caught: string | undefined;
  const catcher: LoopbackServer = await startLoopbackServer((request, response) => {
    void readRequestBody(request).then((bytes) => {
      caught = bytes.toString('utf8');
      answer(response, 200, '{"code":0}');
    });
  });
  try {
    await mock.sendNotification(catcher.url, event, tampering === undefined ? {} : { tampering });
  } finally {
    await catcher.close();
  }
  if (caught === undefined) throw new Error('the mock sent no notification');
  return caught;
}
