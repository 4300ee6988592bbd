// A long run of calls over one keep-alive connection leaves nothing behind: no extra sockets, timers or handles.
import { Agent } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '../src/index.js';
import { TestClient } from './support/test-client.js';

let mock: MockGateway;
let client: TestClient;

beforeAll(async () => {
  mock = await startMockGateway({ maxRecordedRequests: 100 });
  client = new TestClient(mock, { agent: new Agent({ keepAlive: true, maxSockets: 1 }) });
});

afterAll(async () => {
  client.close();
  await mock.close();
});

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) counts[resource] = (counts[resource] ?? 0) + 1;
  return counts;
}

it('1,000 sequential getBalance calls reuse one connection and leave no open handles behind', async () => {
  // Warm up: token, first connection, Prism's compiled validators.
  expect((await client.pay('getBalance', { currency: 'USD' })).payload?.status).toBe(0);
  const before = countResources();

  for (let call = 0; call < 1000; call++) {
    const answer = await client.pay('getBalance', { currency: 'USD' });
    if (answer.payload?.status !== 0 || answer.signatureValid !== true)
      throw new Error(`call ${call} failed: ${answer.text}`);
  }

  const after = countResources();
  expect(after.TCPSocketWrap ?? 0).toBe(before.TCPSocketWrap ?? 0);
  expect(Object.values(after).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(
    Object.values(before).reduce((a, b) => a + b, 0),
  );
  // One pooled socket on the client side, all along.
  const pooled = [...Object.values(client.agent.sockets), ...Object.values(client.agent.freeSockets)].flat().length;
  expect(pooled).toBe(1);
  // The request log stays bounded.
  expect(mock.requests.length).toBeLessThanOrEqual(120);
}, 60_000);

it('close() leaves no handle of the gateway behind', async () => {
  const gateway = await startMockGateway({ keys: mock.keys });
  const gatewayClient = new TestClient(gateway, { agent: new Agent({ keepAlive: true }) });
  const before = countResources();
  expect((await gatewayClient.pay('getBalance', { currency: 'USD' })).status).toBe(200);
  // The keep-alive connection is open now, on both ends.
  expect(countResources().TCPSocketWrap ?? 0).toBeGreaterThan(before.TCPSocketWrap ?? 0);
  await gateway.close();
  gatewayClient.close();
  // Destroyed sockets release their handles a few ticks later.
  const settledBy = Date.now() + 2000;
  while ((countResources().TCPSocketWrap ?? 0) > (before.TCPSocketWrap ?? 0) && Date.now() < settledBy) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const after = countResources();
  expect(after.TCPSocketWrap ?? 0).toBe(before.TCPSocketWrap ?? 0);
  expect(after.TCPServerWrap ?? 0).toBe((before.TCPServerWrap ?? 0) - 1);
});
