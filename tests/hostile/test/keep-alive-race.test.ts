// The keep-alive race: a server (a load balancer, say) closes idle connections after 20 ms without announcing it,
// and the merchant sends a createOrder every ~20 ms, so requests keep meeting a pooled socket the server is
// closing at that very moment. None of them may be reported as "outcome unknown" when the gateway never saw it
// (a false alarm costs a manual reconciliation each), and none may be processed twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '@codepay/mock';
import { isCodePayError, type CodePay } from '@codepay/sdk';
import { startIdleClosingFront } from './support/fault-front.js';
import { createHostileClient, generateRegisteredKeys } from './support/hostile-gateway.js';
import { checkForLeaksAfterAll } from './support/leak-guard.js';
import { settle } from './support/outcome.js';
import { sampleParams } from './support/sample-params.js';

checkForLeaksAfterAll();

const CALLS = 400;
const IDLE_MS = 20;

let mock: MockGateway;
let front: Awaited<ReturnType<typeof startIdleClosingFront>>;
let codepay: CodePay;

beforeAll(async () => {
  mock = await startMockGateway({ keys: await generateRegisteredKeys('keep-alive race') });
  front = await startIdleClosingFront(mock.url, IDLE_MS);
  codepay = createHostileClient({ baseUrl: front.url, ...mock.clientKeys });
});

afterAll(async () => {
  await front?.close();
  await mock?.close();
});

it(`${CALLS} createOrders against a server closing idle sockets after ${IDLE_MS} ms: no false alarm, nothing processed twice`, async () => {
  const sent: string[] = [];
  const failures: unknown[] = [];
  for (let i = 0; i < CALLS; i++) {
    // Around the server's idle time, a little before or after it, so the two meet often.
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS - 3 + (i % 7)));
    const params = sampleParams('createOrder');
    sent.push(String(params.order_sn));
    const result = await settle(codepay.orders.create(params as never));
    if (!result.ok) failures.push(result.error);
  }
  const processedBy = new Map<string, number>();
  for (const entry of mock.requests) {
    const orderSn = (entry.params as { order_sn?: string } | undefined)?.order_sn;
    if (entry.service === 'createOrder' && entry.outcome === 'ok' && orderSn)
      processedBy.set(orderSn, (processedBy.get(orderSn) ?? 0) + 1);
  }
  const falseAlarms = failures.filter((error) => isCodePayError(error) && error.outcomeUnknown === true);
  expect(front.closedIdle(), 'the server really closed idle sockets under the client').toBeGreaterThan(CALLS / 4);
  expect(falseAlarms, 'outcome-unknown errors for orders the gateway never saw').toHaveLength(0);
  expect(failures).toHaveLength(0);
  expect(sent.filter((orderSn) => processedBy.get(orderSn) !== 1)).toEqual([]);
}, 120_000);
