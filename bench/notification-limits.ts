// The notification handler under abuse: how long bodies of deeply nested JSON, which the handler refuses unparsed
// (a linear depth scan before JSON.parse), hold the event loop. The test suite checks that they are refused unparsed
// (packages/sdk/test/notifications-limits.test.ts); how long that takes is measured here, never timed in a test.
// A benchmark: it prints a table and never fails. `pnpm --filter @codepay/bench run bench:notification-limits`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startMockGateway } from '@codepay/mock';
import { createCodePay } from '@codepay/sdk';
import { fixed, markdownTable } from './lib/table.js';

const BODY_BYTES = 1024 * 1024;
const ROUNDS = 5;
const half = BODY_BYTES / 2 - 8;
const nested = '['.repeat(half) + ']'.repeat(half);

const mock = await startMockGateway();
const codepay = createCodePay({ baseUrl: mock.url, ...mock.clientKeys, logLevel: 'silent' });
const server = createServer(codepay.notifications.handler(() => {}));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;

const post = async () => (await fetch(url, { method: 'POST', body: nested })).status;

const rows: (string | undefined)[][] = [];
try {
  for (const bodies of [1, 8, 32]) {
    const maxDelays: number[] = [];
    const wallTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      const statuses = await Promise.all(Array.from({ length: bodies }, post));
      wallTimes.push(performance.now() - started);
      delay.disable();
      if (statuses.some((status) => status !== 400)) throw new Error(`expected 400 for every body, got ${statuses}`);
      // The histogram records the interval between ticks of a 10 ms timer: the delay added is the rest.
      maxDelays.push(Math.max(0, delay.max / 1e6 - 10));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    rows.push([
      `${bodies} × 1 MiB of nested JSON, at once`,
      fixed(median(wallTimes), 1),
      fixed(median(maxDelays), 1),
      fixed(Math.max(...maxDelays), 1),
    ]);
  }
} finally {
  server.closeAllConnections();
  server.close();
  await mock.close();
}

console.log(
  'The notification handler refusing 1 MiB bodies of deeply nested JSON (refused unparsed: a linear depth scan, no ' +
    'JSON.parse), several at once: wall time, and the longest the event loop was held (monitorEventLoopDelay, ' +
    'resolution 10 ms, minus it).',
);
console.log(
  markdownTable(
    [
      { title: `notification handler, refused unparsed (${ROUNDS} rounds)` },
      { title: 'wall ms (median)', right: true },
      { title: 'event-loop delay max ms (median)', right: true },
      { title: 'event-loop delay max ms (worst)', right: true },
    ],
    rows,
  ),
);
