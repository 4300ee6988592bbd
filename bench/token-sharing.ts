// Token requests per minute for 8 processes, each an SDK client making calls back to back against the mock gateway,
// with their own token each (the SDK's default) and sharing one through Redis (@codepay/redis redisTokenProvider).
// A benchmark, not a test: it prints a table and never fails. Needs redis-server (skipped without it).
// The workers and the redis-server are the Redis package's test harness (packages/redis/test/support).
import { startMockGateway } from '@codepay/mock';
import { redisServerBinary, startRedisServer } from '../packages/redis/test/support/redis-process.js';
import { startWorkers } from '../packages/redis/test/support/workers.js';

const PROCESSES = 8;
const CONCURRENCY = 8;
const SCENARIOS = [
  { label: '7200 s (the mock default)', tokenTtlSeconds: 7200, durationMs: 20_000 },
  { label: '10 s (renewed 1 s ahead)', tokenTtlSeconds: 10, durationMs: 30_000 },
];

if (!redisServerBinary) {
  console.log('Token requests per minute, 8 processes: skipped (redis-server is not installed).');
  process.exit(0);
}

const redis = await startRedisServer();
const rows: string[] = [];
try {
  for (const scenario of SCENARIOS) {
    for (const shareTokens of [false, true]) {
      const mock = await startMockGateway({
        tokenTtlSeconds: scenario.tokenTtlSeconds,
        maxRecordedRequests: 1_000_000,
      });
      const workers = await startWorkers(PROCESSES, {
        mockUrl: mock.url,
        clientKeys: mock.clientKeys,
        redisUrl: redis.url,
        shareTokens,
        logLevel: 'warn',
        tokenOptions: { prefix: `bench-${scenario.tokenTtlSeconds}-${Date.now()}:` },
      });
      const end = Date.now() + scenario.durationMs;
      const started = Date.now();
      const counts = await Promise.all(
        workers.map(async (worker) => {
          let calls = 0;
          let failures = 0;
          while (Date.now() < end) {
            const batch = await worker.calls(CONCURRENCY);
            calls += batch.ok;
            failures += batch.failures.length;
          }
          return { calls, failures };
        }),
      );
      const minutes = (Date.now() - started) / 60_000;
      const tokenRequests = mock.requests.filter((r) => r.endpoint === 'token').length;
      await Promise.all(workers.map((w) => w.stop()));
      await mock.close();
      const calls = counts.reduce((sum, c) => sum + c.calls, 0);
      const failures = counts.reduce((sum, c) => sum + c.failures, 0);
      rows.push(
        `| ${scenario.label} | ${shareTokens ? 'redisTokenProvider (shared)' : 'none (a token per process)'} | ${PROCESSES} | ${(scenario.durationMs / 1000).toFixed(0)} | ${calls.toLocaleString('en-US')} | ${failures} | ${tokenRequests} | ${(tokenRequests / minutes).toFixed(1)} |`,
      );
    }
  }
} finally {
  await redis.stop();
}

console.log(
  `Token requests per minute: ${PROCESSES} processes, each making calls back to back (${CONCURRENCY} at a time) against the mock gateway.`,
);
console.log(
  '| token lifetime | token provider | processes | seconds | calls | failed | token requests | token requests/min |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
