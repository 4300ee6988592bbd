// Several processes, one token: eight node:cluster workers, each with its own SDK client, share one access token
// through Redis (@codepay/redis), and a notification delivered to all of them at once runs its listener once.
// Redis: REDIS_URL, or a redis-server started here on a free port. The gateway: the mock (or CODEPAY_* variables).
import cluster from 'node:cluster';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createClient } from 'redis';
import { startMockGateway } from '@codepay/mock';
import { createCodePay, type CodePayOptions } from '@codepay/sdk';
import { redisNotificationDeduplicator, redisTokenProvider } from '@codepay/redis';

const WORKERS = 8;
const CALLS_PER_WORKER = 25;

interface Setup {
  options: Pick<CodePayOptions, 'baseUrl' | 'appId' | 'merchantPrivateKey' | 'platformPublicKey' | 'aesKey'>;
  redisUrl: string;
  notifyPort: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<{ url: string; stop: () => void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} };
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect(); // waits until the server answers
  await client.close();
  return { url: `redis://127.0.0.1:${port}`, stop: () => server.kill() };
}

async function primary(): Promise<void> {
  const env = process.env;
  const mock = env.CODEPAY_BASE_URL ? undefined : await startMockGateway();
  const options = mock
    ? { baseUrl: mock.url, ...mock.clientKeys }
    : {
        baseUrl: env.CODEPAY_BASE_URL!,
        appId: env.CODEPAY_APP_ID ?? '',
        merchantPrivateKey: env.CODEPAY_MERCHANT_PRIVATE_KEY ?? '',
        platformPublicKey: env.CODEPAY_PLATFORM_PUBLIC_KEY ?? '',
        aesKey: env.CODEPAY_AES_KEY ?? '',
      };
  const redis = await startRedis();
  const setup: Setup = { options, redisUrl: redis.url, notifyPort: await freePort() };
  let listenerRuns = 0;
  let ready = 0;
  let done = 0;
  let resolveReady = () => {};
  let resolveDone = () => {};
  const allReady = new Promise<void>((resolve) => (resolveReady = resolve));
  const allDone = new Promise<void>((resolve) => (resolveDone = resolve));
  for (let i = 0; i < WORKERS; i++) {
    const worker = cluster.fork({ CODEPAY_EXAMPLE_SETUP: JSON.stringify(setup) });
    worker.on('message', (message: { type: string; calls?: number }) => {
      if (message.type === 'ready' && ++ready === WORKERS) resolveReady();
      if (message.type === 'calls-done' && ++done === WORKERS) resolveDone();
      if (message.type === 'listener') listenerRuns++;
    });
  }
  try {
    await allReady;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.send({ type: 'calls' });
    await allDone;
    const tokens = mock ? mock.requests.filter((r) => r.endpoint === 'token').length : 'n/a';
    console.log(`${WORKERS} workers made ${WORKERS * CALLS_PER_WORKER} calls with ${tokens} token request(s)`);
    if (mock) {
      // The workers share the notification port: four deliveries of one notification at once reach several of them.
      const url = `http://127.0.0.1:${setup.notifyPort}/codepay/notifications`;
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => mock.sendNotification(url, { order_sn: 'CLUSTER-1', status: 'Paid' })),
      );
      await Promise.all(
        Array.from({ length: 4 }, () => mock.sendNotification(url, { order_sn: 'CLUSTER-1', status: 'Paid' })),
      );
      await delay(100);
      console.log(
        `4 concurrent deliveries answered ${answers.map((a) => a.status).join(', ')}; the listener ran ${listenerRuns} time(s)`,
      );
    }
  } finally {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    redis.stop();
    await mock?.close();
  }
}

async function worker(): Promise<void> {
  const setup = JSON.parse(process.env.CODEPAY_EXAMPLE_SETUP!) as Setup;
  const redis = createClient({ url: setup.redisUrl, disableOfflineQueue: true });
  redis.on('error', () => {}); // outages are logged by @codepay/redis (once when they start, once when they end)
  await redis.connect();
  const codepay = createCodePay({ ...setup.options, tokenProvider: redisTokenProvider(redis) });
  const handler = codepay.notifications.handler(
    async () => {
      process.send!({ type: 'listener' });
      await delay(200); // long enough for the other deliveries to arrive while it runs
    },
    { deduplicate: redisNotificationDeduplicator(redis) },
  );
  createServer(handler).listen(setup.notifyPort, '127.0.0.1', () => process.send!({ type: 'ready' }));
  process.on('message', async (message: { type: string }) => {
    if (message.type !== 'calls') return;
    await Promise.all(Array.from({ length: CALLS_PER_WORKER }, () => codepay.balance.get({ currency: 'USD' })));
    process.send!({ type: 'calls-done' });
  });
}

if (cluster.isPrimary) {
  primary().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
} else {
  void worker();
}
