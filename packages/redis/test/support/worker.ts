// One merchant process of the multi-process tests, run by child_process.fork (see workers.ts): an SDK client with
// redisTokenProvider (or without, for comparison) and a notification handler with redisNotificationDeduplicator,
// driven over IPC. Every log line goes to the parent, which is how a test sees what each process did.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from 'redis';
import { createCodePay, type Logger } from '@codepay/sdk';
import { redisNotificationDeduplicator, redisTokenProvider } from '../../src/index.js';
import type { ParentMessage, WorkerConfig, WorkerMessage } from './workers.js';

const config = JSON.parse(process.env.CODEPAY_WORKER_CONFIG!) as WorkerConfig;
const send = (message: WorkerMessage) => process.send!(message);

const logger: Logger = {
  debug: (message, fields) => send({ type: 'log', level: 'debug', message, fields }),
  info: (message, fields) => send({ type: 'log', level: 'info', message, fields }),
  warn: (message, fields) => send({ type: 'log', level: 'warn', message, fields }),
  error: (message, fields) => send({ type: 'log', level: 'error', message, fields }),
};

// Commands fail at once while the connection is down (no offline queue) and it reconnects every 100 ms.
const redis = createClient({
  url: config.redisUrl,
  disableOfflineQueue: true,
  socket: { reconnectStrategy: () => 100, connectTimeout: 1_000 },
});
redis.on('error', () => {});
await redis.connect();

const codepay = createCodePay({
  baseUrl: config.mockUrl,
  ...config.clientKeys,
  logger,
  logLevel: config.logLevel ?? 'debug',
  ...(config.shareTokens ? { tokenProvider: redisTokenProvider(redis, config.tokenOptions) } : {}),
});

let listenerFails = false;
const server = createServer(
  codepay.notifications.handler(
    async (event) => {
      send({ type: 'listener', orderSn: event.order_sn, failing: listenerFails });
      await delay(config.listenerMs ?? 0);
      if (listenerFails) throw new Error('listener failed on purpose');
    },
    { deduplicate: redisNotificationDeduplicator(redis, config.deduplicatorOptions) },
  ),
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

process.on('message', async (message: ParentMessage) => {
  if (message.type === 'calls') {
    const outcomes = await Promise.allSettled(
      Array.from({ length: message.count }, () => codepay.balance.get({ currency: 'USD' })),
    );
    const failures = outcomes.flatMap((o) =>
      o.status === 'rejected'
        ? [o.reason instanceof Error ? `${o.reason.name}: ${o.reason.message}` : String(o.reason)]
        : [],
    );
    send({ type: 'calls-done', id: message.id, ok: outcomes.length - failures.length, failures });
  } else if (message.type === 'listener-fails') {
    listenerFails = message.value;
    send({ type: 'listener-fails-set', id: message.id });
  } else if (message.type === 'exit') {
    server.close();
    await codepay.close();
    await redis.close().catch(() => {});
    process.exit(0);
  }
});

send({ type: 'ready', notifyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/codepay/notifications` });
