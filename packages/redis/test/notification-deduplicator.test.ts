// redisNotificationDeduplicator against a real redis-server: claim, complete, release, the two expiries, and what
// it does while Redis is unreachable.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { Logger } from '@codepay/transport';
import type { NotificationClaim } from '@codepay/sdk';
import { redisNotificationDeduplicator, RedisUnavailableError } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './support/redis-server.js';

const warnings: string[] = [];
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message) => void warnings.push(message),
  error: () => {},
};
const context = { logger };
const newKey = () => randomBytes(32).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('redisNotificationDeduplicator', () => {
  const redis = useRedisServer();
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    client = createClient({ url: redis.server.url, disableOfflineQueue: true });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(() => client?.close());

  it('claimed → busy for the others while it runs → done after complete(), remembered for completedTtl', async () => {
    const [first, second] = [
      redisNotificationDeduplicator(client, { completedTtl: 300 }),
      redisNotificationDeduplicator(client),
    ];
    const key = newKey();
    const claim = (await first.claim(key, context)) as NotificationClaim;
    expect(claim.status).toBe('claimed');
    expect(await second.claim(key, context)).toEqual({ status: 'busy' });
    await claim.complete();
    expect(await second.claim(key, context)).toEqual({ status: 'done' });
    // Only the hash is stored, as the key's last part; the value says where it stands.
    expect(await client.get(`codepay:notification:${key}`)).toBe('done');
    await sleep(400);
    expect((await second.claim(key, context)).status).toBe('claimed');
  });

  it('release() after a failed listener: the next delivery claims it again', async () => {
    const deduplicator = redisNotificationDeduplicator(client);
    const key = newKey();
    await ((await deduplicator.claim(key, context)) as NotificationClaim).release();
    expect((await deduplicator.claim(key, context)).status).toBe('claimed');
  });

  it('a claim whose process died expires after claimTtl; a late release() does not drop the new claim', async () => {
    const deduplicator = redisNotificationDeduplicator(client, { claimTtl: 200 });
    const key = newKey();
    const dead = (await deduplicator.claim(key, context)) as NotificationClaim;
    expect((await deduplicator.claim(key, context)).status).toBe('busy');
    await sleep(300);
    const next = await deduplicator.claim(key, context);
    expect(next.status).toBe('claimed');
    await dead.release();
    expect((await deduplicator.claim(key, context)).status).toBe('busy');
  });

  it("Redis unreachable: 'run' (default) runs the listener anyway; 'refuse' throws (the handler answers 503); logged once", async () => {
    const offline = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true });
    offline.on('error', () => {});
    warnings.length = 0;
    const run = redisNotificationDeduplicator(offline, { probeInterval: 60_000 });
    expect((await run.claim(newKey(), context)).status).toBe('claimed');
    expect((await run.claim(newKey(), context)).status).toBe('claimed');
    expect(warnings).toEqual([
      expect.stringMatching(/Redis is unreachable: notifications run their listener without deduplication/),
    ]);
    const refuse = redisNotificationDeduplicator(offline, { whenUnavailable: 'refuse', probeInterval: 60_000 });
    await expect(async () => refuse.claim(newKey(), context)).rejects.toBeInstanceOf(RedisUnavailableError);
  });

  it('bad options name the option', () => {
    expect(() => redisNotificationDeduplicator(client, { whenUnavailable: 'skip' as never })).toThrow(
      /'run' or 'refuse'/,
    );
    expect(() => redisNotificationDeduplicator(client, { claimTtl: 0 })).toThrow(/at least 1/);
  });
});
