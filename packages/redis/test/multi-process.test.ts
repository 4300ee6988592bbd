// Issue 18 end to end: merchant processes (child_process.fork), each an SDK client with @codepay/redis, against the
// real mock gateway and a real redis-server. What the mock counts (token requests in its request log) is the proof.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '@codepay/mock';
import { describeWithRedis, useRedisServer } from './support/redis-server.js';
import { startWorkers, type Worker } from './support/workers.js';

const tokenRequests = (mock: MockGateway) => mock.requests.filter((r) => r.endpoint === 'token').length;
const payRequests = (mock: MockGateway) => mock.requests.filter((r) => r.endpoint === 'pay').length;

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describeWithRedis('eight processes sharing one token through Redis', () => {
  const redis = useRedisServer();
  let mock: MockGateway;
  let workers: Worker[] = [];
  beforeAll(async () => {
    mock = await startMockGateway({ maxRecordedRequests: 100_000 });
    workers = await startWorkers(8, {
      mockUrl: mock.url,
      clientKeys: mock.clientKeys,
      redisUrl: redis.server.url,
      shareTokens: true,
      tokenOptions: { lockTtl: 3_000, probeInterval: 200 },
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await mock?.close();
  });

  it('8 processes × 200 concurrent calls: exactly one token request reaches the gateway', async () => {
    const results = await Promise.all(workers.map((w) => w.calls(200)));
    expect(results).toEqual(Array(8).fill({ ok: 200, failures: [] }));
    expect(tokenRequests(mock)).toBe(1);
    // Exactly one process took the lock and requested it.
    expect(workers.filter((w) => w.logs.some((l) => /token lock taken/.test(l.message)))).toHaveLength(1);
  });

  it('the token expiring mid-run (the gateway refuses it): exactly one refresh for all processes, no call fails', async () => {
    const before = tokenRequests(mock);
    const paysBefore = payRequests(mock);
    const batch = Promise.all(workers.map((w) => w.calls(200)));
    await until(() => payRequests(mock) >= paysBefore + 200, 'the batch to be under way');
    mock.expireTokens();
    const results = await batch;
    const after = await Promise.all(workers.map((w) => w.calls(50)));
    expect([...results, ...after].flatMap((r) => r.failures)).toEqual([]);
    expect(tokenRequests(mock) - before).toBe(1);
    // The refused token was answered E01003 and replayed with the new one: the refusals are in the log.
    expect(mock.requests.slice(paysBefore).some((r) => r.code === 'E01003')).toBe(true);
  });

  it('the lock holder killed (SIGKILL) while its token request is held: another process takes over, calls succeed', async () => {
    const before = tokenRequests(mock);
    const lockLines = workers.map((w) => w.logs.filter((l) => /token lock taken/.test(l.message)).length);
    // The next token request is answered only after 60 s: whoever sends it holds the lock all that time.
    mock.queueScenario('slow:60000', { endpoint: 'token' });
    mock.expireTokens();
    const batches = workers.map((w) => w.calls(20).catch((error: unknown) => ({ ok: 0, failures: [String(error)] })));
    let holder: Worker | undefined;
    await until(() => {
      holder = workers.find((w, i) => w.logs.filter((l) => /token lock taken/.test(l.message)).length > lockLines[i]!);
      return holder !== undefined;
    }, 'a process to take the lock');
    // Its token request reached the gateway (the queued scenario was used up) and is being held there.
    await until(
      async () =>
        ((await (await fetch(`${mock.url}/sandbox/api/scenarios`)).json()) as { queued: unknown[] }).queued.length ===
        0,
      'the token request to arrive',
    );
    holder!.child.kill('SIGKILL');
    const survivors = workers.filter((w) => w !== holder);
    const results = await Promise.all(batches.filter((_, i) => workers[i] !== holder));
    expect(results).toEqual(Array(7).fill({ ok: 20, failures: [] }));
    // One survivor took the lock after it expired and made the one token request that was answered.
    const takers = survivors.filter(
      (w) => w.logs.filter((l) => /token lock taken/.test(l.message)).length > lockLines[workers.indexOf(w)]!,
    );
    expect(takers).toHaveLength(1);
    expect(tokenRequests(mock) - before).toBe(1);
    workers = survivors;
  });

  it('Redis stopped mid-run: no call fails (each process falls back to a token of its own), and the log says so', async () => {
    const before = tokenRequests(mock);
    const batch = Promise.all(workers.map((w) => w.calls(100)));
    await redis.server.stop();
    // The processes need a new token while Redis is down.
    mock.expireTokens();
    const results = [...(await batch), ...(await Promise.all(workers.map((w) => w.calls(100))))];
    expect(results.flatMap((r) => r.failures)).toEqual([]);
    // One token per process (single flight within each), and each logged the outage once.
    expect(tokenRequests(mock) - before).toBe(workers.length);
    for (const worker of workers) {
      const outage = worker.logs.filter((l) => /Redis is unreachable/.test(l.message));
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/token of its own/) });
    }
    await redis.server.start();
    await Promise.all(workers.map((w) => w.logged(/Redis is reachable again: the processes share one token again/)));
    // No log line of any process carries a token.
    const issued = mock.requests.filter((r) => r.endpoint === 'token').length;
    expect(issued).toBeGreaterThan(0);
    expect(workers.flatMap((w) => w.logs).some((l) => /mock_[A-Za-z0-9_-]{20}/.test(JSON.stringify(l)))).toBe(false);
  });
});

describeWithRedis('one notification delivered to four processes', () => {
  const redis = useRedisServer();
  let mock: MockGateway;
  let workers: Worker[] = [];
  beforeAll(async () => {
    mock = await startMockGateway();
    workers = await startWorkers(4, {
      mockUrl: mock.url,
      clientKeys: mock.clientKeys,
      redisUrl: redis.server.url,
      shareTokens: false,
      listenerMs: 300,
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await mock?.close();
  });
  const runs = (orderSn: string) => workers.flatMap((w) => w.listenerRuns.filter((r) => r.orderSn === orderSn));

  it('delivered concurrently to 4 processes, the listener runs exactly once; redeliveries are acknowledged unrun', async () => {
    const event = { order_sn: 'DEDUP-1', status: 'Paid' as const };
    const answers = await Promise.all(workers.map((w) => mock.sendNotification(w.notifyUrl, event)));
    expect(runs('DEDUP-1')).toHaveLength(1);
    // The one that ran acknowledged it; the others were either told to come back (503) or, if late, acknowledged.
    expect(answers.filter((a) => a.status === 200)).not.toHaveLength(0);
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    const redelivered = await Promise.all(workers.map((w) => mock.sendNotification(w.notifyUrl, event)));
    expect(redelivered.map((a) => [a.status, a.body])).toEqual(Array(4).fill([200, { code: 0 }]));
    expect(runs('DEDUP-1')).toHaveLength(1);
  });

  it('a failing listener releases the claim: the redelivery (to another process) runs it again, once', async () => {
    const event = { order_sn: 'DEDUP-2', status: 'Paid' as const };
    await workers[0]!.setListenerFails(true);
    expect((await mock.sendNotification(workers[0]!.notifyUrl, event)).status).toBe(500);
    await workers[0]!.setListenerFails(false);
    expect((await mock.sendNotification(workers[1]!.notifyUrl, event)).status).toBe(200);
    expect((await mock.sendNotification(workers[2]!.notifyUrl, event)).status).toBe(200);
    expect(runs('DEDUP-2')).toEqual([
      { orderSn: 'DEDUP-2', failing: true },
      { orderSn: 'DEDUP-2', failing: false },
    ]);
    expect(workers[1]!.listenerRuns).toContainEqual({ orderSn: 'DEDUP-2', failing: false });
  });
});
